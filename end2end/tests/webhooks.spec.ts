import { test, expect } from './base';
import { request as playwrightRequestApi } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { baseURL } from '../playwright.config';
import { F, newTemplate, ownAddress, signUp, unique } from './flows';

// Webhooks against a receiver on localhost (the e2e server allows private
// addresses; the guard itself is tested in the service suite): signed
// deliveries, a 500 answered once and retried, the delivery log, a test
// event, a redelivery, and a deleted endpoint.

test.describe.configure({ timeout: 180_000 });

type Received = { signature: string; event: string; body: string };

const playwrightRequest = (baseURL: string) => playwrightRequestApi.newContext({ baseURL });

async function receiver(): Promise<{ server: Server; url: string; got: Received[] }> {
  const got: Received[] = [];
  let failed = false;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ signature: String(req.headers['laurel-signature']), event: String(req.headers['laurel-event']), body });
      // The first delivery is answered 500 once: Laurel must try again.
      if (!failed) {
        failed = true;
        res.statusCode = 500;
        res.end('not now');
      } else {
        res.end('ok');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/laurel-events`, got };
}

function verified(r: Received, secret: string): boolean {
  const parts = Object.fromEntries(r.signature.split(',').map((p) => p.split('=') as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${r.body}`).digest('hex');
  return parts.v1 === expected && Math.abs(Date.now() / 1000 - Number(parts.t)) < 300;
}

test('webhooks: signed, retried after a 500, logged, tested, redelivered, deleted', async ({ page, playwright }, info) => {
  const { server, url, got } = await receiver();
  try {
    await ownAddress(page);
    const { subdomain } = await signUp(page, info);
    const external = unique('HOOK', info.project.name).slice(0, 60);
    await newTemplate(page, subdomain, { name: 'Hooked', image: `${F}/badge-200.png`, external });

    // Bad input: not a URL, no event.
    await page.goto(`/portal/${subdomain}/settings/api`);
    await page.getByLabel('Endpoint URL').fill(url);
    await page.getByRole('button', { name: 'Add the endpoint' }).click();
    await expect(page.getByRole('alert')).toContainText('Choose at least one event');
    await expect(page.getByTestId('webhook')).toHaveCount(0);

    await page.goto(`/portal/${subdomain}/settings/api`);
    await page.getByLabel('Endpoint URL').fill(url);
    await page.getByLabel('badge.issued').check();
    await page.getByLabel('badge.revoked').check();
    await page.getByRole('button', { name: 'Add the endpoint' }).click();
    await expect(page.getByTestId('webhook')).toHaveCount(1);
    await page.getByText('Signing secret').click();
    const secret = (await page.getByTestId('webhook-secret').textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);

    // Issue a badge through the REST API.
    await page.getByLabel('Name (what uses it)').fill('Hooks');
    await page.getByLabel(/^badges:issue —/).check();
    await page.getByLabel(/^badges:revoke —/).check();
    await page.getByRole('button', { name: 'Create the token' }).click();
    const token = (await page.getByTestId('new-token').locator('pre').textContent())!.trim();
    const api = await playwright.request.newContext({ baseURL });
    const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const holder = `${unique('hook', info.project.name)}@example.net`.toLowerCase();
    const issued = await api.post('/api/v1/badges', {
      headers: auth,
      data: JSON.stringify({ externalTemplateId: external, email: holder, lastName: 'Hook', achievedOn: new Date().toISOString().slice(0, 10) }),
    });
    expect(issued.status()).toBe(201);
    const id = (await issued.json()).badge.id;

    // Answered 500 once, then delivered again (the first retry is ~10 s later).
    await expect.poll(() => got.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    expect(got[0].body).toBe(got[1].body);
    for (const r of got.slice(0, 2)) expect(verified(r, secret)).toBe(true);
    expect(verified({ ...got[0], body: got[0].body.replace('Hook', 'Hack') }, secret)).toBe(false);
    const event = JSON.parse(got[0].body);
    expect(event.type).toBe('badge.issued');
    expect(event.data.badge.id).toBe(id);
    expect(event.data.badge.recipient.email).toBe(holder);

    // The log: one delivery, two tries, the last answered 200.
    await page.goto(`/portal/${subdomain}/settings/api`);
    const delivery = page.getByTestId('delivery').first();
    await expect(delivery).toHaveAttribute('data-state', 'delivered');
    await expect(delivery).toContainText('200');
    await expect(delivery.locator('td').nth(2)).toHaveText('2');

    // A test event, and a redelivery of the first: the same event id again.
    await page.getByRole('button', { name: 'Send test event' }).click();
    await expect.poll(() => got.some((r) => r.event === 'ping'), { timeout: 30_000 }).toBe(true);
    const before = got.length;
    await page.goto(`/portal/${subdomain}/settings/api`);
    await page.getByTestId('delivery').filter({ hasText: 'badge.issued' }).getByRole('button', { name: /^Redeliver/ }).click();
    await expect.poll(() => got.length, { timeout: 30_000 }).toBeGreaterThan(before);
    expect(JSON.parse(got[got.length - 1].body).id).toBe(event.id);

    // Revoked → badge.revoked.
    expect((await api.post(`/api/v1/badges/${id}/revoke`, { headers: auth, data: JSON.stringify({ reason: 'Test.' }) })).status()).toBe(200);
    await expect.poll(() => got.some((r) => r.event === 'badge.revoked'), { timeout: 30_000 }).toBe(true);

    // Deleted: gone from the page.
    await page.goto(`/portal/${subdomain}/settings/api`);
    await page.getByRole('button', { name: `Delete ${url}` }).click();
    await expect(page.getByTestId('webhook')).toHaveCount(0);
  } finally {
    server.close();
  }
});

test("the machines' settings: another organisation gets 404 and nothing changes; anonymous calls are 401", async ({ page, browser }, info) => {
  await ownAddress(page);
  const a = await signUp(page, info);
  await page.goto(`/portal/${a.subdomain}/settings/api`);
  await page.getByLabel('Endpoint URL').fill('http://127.0.0.1:9/a-hook');
  await page.getByLabel('badge.issued').check();
  await page.getByRole('button', { name: 'Add the endpoint' }).click();
  await expect(page.getByTestId('webhook')).toHaveCount(1);

  const other = await (await browser.newContext({ baseURL })).newPage();
  await ownAddress(other);
  await signUp(other, info);
  const anonymous = await playwrightRequest(baseURL);
  const headers = { Origin: baseURL };
  for (const [fn, form] of [
    ['settings/get_api_settings', { subdomain: a.subdomain }],
    ['settings/setup_remote', { subdomain: a.subdomain }],
    ['settings/add_integration_key', { subdomain: a.subdomain, public_key: 'x' }],
    ['settings/generate_integration_key', { subdomain: a.subdomain }],
    ['settings/revoke_integration_key', { subdomain: a.subdomain, key_id: '1' }],
    ['settings/create_api_token', { subdomain: a.subdomain, name: 'x', badges_read: 'on' }],
    ['settings/revoke_api_token', { subdomain: a.subdomain, token_id: '1' }],
    ['settings/create_webhook', { subdomain: a.subdomain, url: 'http://127.0.0.1:9/b-hook', badge_issued: 'on' }],
    ['settings/webhook_action', { subdomain: a.subdomain, action: 'delete', endpoint_id: '1' }],
  ] as const) {
    const theirs = await other.request.post(`/api/${fn}`, { headers, form, maxRedirects: 0 });
    expect(theirs.status(), fn).toBe(404);
    const nobody = await anonymous.post(`/api/${fn}`, { headers, form, maxRedirects: 0 });
    expect(nobody.status(), fn).toBe(401);
  }
  // A's endpoint is still there, and none was added.
  await page.goto(`/portal/${a.subdomain}/settings/api`);
  await expect(page.getByTestId('webhook')).toHaveCount(1);
  await expect(page.getByTestId('webhook')).toContainText('a-hook');
});
