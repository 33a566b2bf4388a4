import { test, expect } from './base';
import type { APIRequestContext, APIResponse, Page } from '@playwright/test';
import { baseURL } from '../playwright.config';
import { demoUrls } from './demo';
import { F, newTemplate, ownAddress, signUp, unique } from './flows';

// The REST API (/api/v1): tokens made in Settings → API (shown once), each
// operation with its scopes, bad input, another organisation's badge, and
// every answer checked against the OpenAPI document the server serves.

test.describe.configure({ timeout: 180_000 });

type Doc = { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };

/** Makes a token with these scopes in the settings page; returns it. */
async function makeToken(page: Page, subdomain: string, name: string, scopes: string[]): Promise<string> {
  await page.goto(`/portal/${subdomain}/settings/api`);
  await page.getByLabel('Name (what uses it)').fill(name);
  for (const s of scopes) await page.getByLabel(new RegExp(`^${s} —`)).check();
  await page.getByRole('button', { name: 'Create the token' }).click();
  const shown = page.getByTestId('new-token');
  await expect(shown).toContainText('not shown again');
  const token = (await shown.locator('pre').textContent())!.trim();
  expect(token).toMatch(/^laurel_[A-Za-z0-9_-]{43}$/);
  return token;
}

test('API tokens: made once, scoped, revoked; the REST API issues, lists, pages, gets and revokes, as its OpenAPI document says', async ({ page, playwright }, info) => {
  await ownAddress(page);
  const { subdomain } = await signUp(page, info);
  const external = unique('API', info.project.name).slice(0, 60);
  const templateId = Number(await newTemplate(page, subdomain, { name: 'API Course', image: `${F}/badge-200.png`, external }));

  // Bad input in the form: no scope → a sentence, nothing made.
  await page.goto(`/portal/${subdomain}/settings/api`);
  await page.getByLabel('Name (what uses it)').fill('Nothing');
  await page.getByRole('button', { name: 'Create the token' }).click();
  await expect(page.getByRole('alert')).toContainText('Choose at least one scope');
  await expect(page.getByTestId('token')).toHaveCount(0);

  const writer = await makeToken(page, subdomain, 'LMS', ['templates:read', 'badges:read', 'badges:issue']);
  // Shown once: a reload does not show it again; the list shows its start only.
  await page.reload();
  await expect(page.getByTestId('new-token')).toHaveCount(0);
  await expect(page.getByTestId('token')).toHaveCount(1);
  expect(await page.content()).not.toContain(writer);
  await expect(page.getByTestId('token')).toContainText(writer.slice(0, 13));

  const doc: Doc = await (await page.request.get('/api/v1/openapi.json')).json();
  expect(doc.openapi).toMatch(/^3\.1\./);
  const seen: Array<[string, string, number]> = [];
  const api: APIRequestContext = await playwright.request.newContext({ baseURL });
  const call = async (method: 'get' | 'post', path: string, template: string, token?: string, data?: unknown): Promise<APIResponse> => {
    const res = await api.fetch(path, {
      method: method.toUpperCase(),
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(data !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      data: data !== undefined ? JSON.stringify(data) : undefined,
    });
    seen.push([template, method, res.status()]);
    return res;
  };

  // Templates.
  const templates = await (await call('get', '/api/v1/templates', '/api/v1/templates', writer)).json();
  expect(templates.templates.map((t: { externalTemplateId: string }) => t.externalTemplateId)).toContain(external);

  // Issue one, then the same award again: the same badge, 200.
  const holder = `${unique('api', info.project.name)}@example.net`.toLowerCase();
  const today = new Date().toISOString().slice(0, 10);
  const award = { externalTemplateId: external, email: holder, firstName: 'Ada', lastName: 'Lovelace', achievedOn: today };
  const first = await call('post', '/api/v1/badges', '/api/v1/badges', writer, award);
  expect(first.status()).toBe(201);
  const made = (await first.json()).badge;
  expect(made.status).toBe('active');
  expect(made.source).toBe('api');
  const again = await call('post', '/api/v1/badges', '/api/v1/badges', writer, award);
  expect(again.status()).toBe(200);
  expect((await again.json()).badge.id).toBe(made.id);

  // A batch: each award its own result.
  const batch = await call('post', '/api/v1/badges/batch', '/api/v1/badges/batch', writer, {
    awards: [
      { templateId, email: `b1-${holder}`, lastName: 'One', achievedOn: today },
      { templateId, email: 'not an address', lastName: 'Two', achievedOn: today },
      { externalTemplateId: 'NO-SUCH', email: `b3-${holder}`, lastName: 'Three', achievedOn: today },
      { templateId, email: `b4-${holder}`, lastName: 'Four', achievedOn: '2999-01-01' },
      award,
    ],
  });
  expect(batch.status()).toBe(200);
  const results = (await batch.json()).results;
  expect(results.map((r: { status: string }) => r.status)).toEqual(['issued', 'refused', 'refused', 'refused', 'already_issued']);
  expect(results[1].error.message).toContain('not an address');
  expect(results[2].error.code).toBe('not_found');
  expect(results[3].error.message).toMatch(/future/);

  // List: filters and cursor pages.
  const mine = await (await call('get', `/api/v1/badges?recipient=${encodeURIComponent(holder)}`, '/api/v1/badges', writer)).json();
  expect(mine.badges.map((b: { id: string }) => b.id)).toEqual([made.id]);
  const p1 = await (await call('get', `/api/v1/badges?templateId=${templateId}&limit=1`, '/api/v1/badges', writer)).json();
  expect(p1.badges).toHaveLength(1);
  expect(p1.nextCursor).toBeTruthy();
  const p2 = await (await call('get', `/api/v1/badges?templateId=${templateId}&limit=1&cursor=${p1.nextCursor}`, '/api/v1/badges', writer)).json();
  expect(p2.badges).toHaveLength(1);
  expect(p2.badges[0].id).not.toBe(p1.badges[0].id);
  expect(p2.nextCursor).toBeUndefined();
  const one = await call('get', `/api/v1/badges/${made.id}`, '/api/v1/badges/{id}', writer);
  expect((await one.json()).recipient.email).toBe(holder);

  // Bad input: each a 400 with the one error shape.
  for (const [path, what] of [
    ['/api/v1/badges?limit=0', 'limit'], ['/api/v1/badges?limit=x', 'limit'], ['/api/v1/badges?cursor=nope', 'cursor'],
    ['/api/v1/badges?status=lost', 'status'], ['/api/v1/badges?issuedFrom=yesterday', 'issuedFrom'],
  ]) {
    const r = await call('get', path, '/api/v1/badges', writer);
    expect(r.status(), what).toBe(400);
    expect((await r.json()).error.message, what).toBeTruthy();
  }
  expect((await call('post', '/api/v1/badges', '/api/v1/badges', writer, { ...award, colour: 'red' })).status()).toBe(400);
  expect((await call('post', '/api/v1/badges', '/api/v1/badges', writer, { email: holder })).status()).toBe(400);
  expect((await call('post', '/api/v1/badges', '/api/v1/badges', writer, { ...award, externalTemplateId: undefined })).status()).toBe(400);
  expect((await call('post', '/api/v1/badges/batch', '/api/v1/badges/batch', writer, { awards: [] })).status()).toBe(400);
  const text = await api.post('/api/v1/badges', { headers: { Authorization: `Bearer ${writer}`, 'Content-Type': 'text/plain' }, data: 'x' });
  expect(text.status()).toBe(415);
  seen.push(['/api/v1/badges', 'post', 415]);

  // Scopes: this token may not revoke → 403; a revoking token may.
  const refused = await call('post', `/api/v1/badges/${made.id}/revoke`, '/api/v1/badges/{id}/revoke', writer, { reason: 'Test' });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.code).toBe('missing_scope');
  const revoker = await makeToken(page, subdomain, 'Registrar', ['badges:revoke']);
  expect((await call('get', '/api/v1/templates', '/api/v1/templates', revoker)).status()).toBe(403);
  expect((await call('post', `/api/v1/badges/${made.id}/revoke`, '/api/v1/badges/{id}/revoke', revoker, { reason: '' })).status()).toBe(400);
  const revoked = await call('post', `/api/v1/badges/${made.id}/revoke`, '/api/v1/badges/{id}/revoke', revoker, { reason: 'Exam annulled.' });
  expect(revoked.status()).toBe(200);
  expect((await revoked.json()).status).toBe('revoked');
  expect((await call('post', `/api/v1/badges/${made.id}/revoke`, '/api/v1/badges/{id}/revoke', revoker, { reason: 'Again.' })).status()).toBe(409);
  expect((await api.get(`/o/${subdomain}/assertions/${made.id}`, { headers: { Accept: 'application/ld+json' } })).status()).toBe(410);

  // Another organisation's badge: 404, never its data.
  const foreign = demoUrls()['assertion-hosted'].split('/').pop()!;
  const notOurs = await call('get', `/api/v1/badges/${foreign}`, '/api/v1/badges/{id}', writer);
  expect(notOurs.status()).toBe(404);
  expect(await notOurs.text()).not.toContain('holder@example.com');

  // No token, a wrong one, a revoked one: 401 with WWW-Authenticate.
  const anonymous = await call('get', '/api/v1/templates', '/api/v1/templates');
  expect(anonymous.status()).toBe(401);
  expect(anonymous.headers()['www-authenticate']).toBe('Bearer');
  expect((await call('get', '/api/v1/templates', '/api/v1/templates', `${writer.slice(0, -1)}${writer.endsWith('A') ? 'B' : 'A'}`)).status()).toBe(401);
  await page.goto(`/portal/${subdomain}/settings/api`);
  await page.getByRole('button', { name: 'Revoke LMS' }).click();
  await expect(page.getByTestId('token').filter({ hasText: 'LMS' })).toContainText('revoked');
  expect((await call('get', '/api/v1/templates', '/api/v1/templates', writer)).status()).toBe(401);
  // Cookies are not credentials here: the signed-in browser is refused too.
  expect((await page.request.get('/api/v1/templates')).status()).toBe(401);
  await page.goto(`/portal/${subdomain}/audit`);
  await expect(page.getByText('api_token.created').first()).toBeVisible();
  await expect(page.getByText('api_token.revoked')).toBeVisible();

  // The contract: every operation answers 401 without a token, and every
  // status seen above is one its operation documents.
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops)) {
      const concrete = path.replace('{id}', made.id);
      const r = await call(method as 'get' | 'post', concrete, path, undefined, method === 'post' ? {} : undefined);
      expect(r.status(), `${method} ${path}`).toBe(401);
    }
  }
  for (const [path, method, status] of seen) {
    expect(doc.paths[path]?.[method]?.responses, `${method} ${path}`).toHaveProperty(String(status));
  }
});

test('the API reference page is read from the OpenAPI document: every operation, no script needed', async ({ page }) => {
  const doc: Doc = await (await page.request.get('/api/v1/openapi.json')).json();
  const count = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
  await page.goto('/developers/api');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Laurel API');
  await expect(page.getByTestId('operation')).toHaveCount(count);
  await expect(page.getByRole('heading', { name: 'POST /api/v1/badges/{id}/revoke' })).toBeVisible();
  await expect(page.getByTestId('operation').filter({ hasText: 'GET /api/v1/templates' })).toContainText('templates:read');
  await expect(page.locator('#schema-AwardIn')).toContainText('externalTemplateId');
});

test('API token settings and server functions of another organisation are refused', async ({ page, browser }, info) => {
  await ownAddress(page);
  const a = await signUp(page, info);
  const other = await (await browser.newContext({ baseURL })).newPage();
  await ownAddress(other);
  await signUp(other, info);
  for (const [fn, form] of [
    ['settings/create_api_token', { subdomain: a.subdomain, name: 'x', badges_read: 'on' }],
    ['settings/revoke_api_token', { subdomain: a.subdomain, token_id: '1' }],
  ] as const) {
    const res = await other.request.post(`/api/${fn}`, { headers: { Origin: baseURL }, form, maxRedirects: 0 });
    expect(res.status(), fn).toBe(404);
  }
});
