import { test, expect } from './base';
import type { BrowserContext, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseURL } from '../playwright.config';
import { badgecheck } from './badgecheck';
import { demoUrls } from './demo';
import { F, newTemplate, ownAddress, signUp, unique } from './flows';

// Remote issuing, wire-compatible with EXeed, checked by an independent
// signer: Node's crypto (OpenSSL), with keys as PEM and as .NET XML — not
// Laurel's code. The settings page sets it up; the API takes no cookies.

test.describe.configure({ timeout: 180_000 });

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

const b64 = (s: string) => Buffer.from(s, 'base64url').toString('base64');

/** A public key as .NET's ToXmlString(false) writes it. */
function publicXml(key: KeyObject): string {
  const j = key.export({ format: 'jwk' });
  return `<RSAKeyValue><Modulus>${b64(j.n!)}</Modulus><Exponent>${b64(j.e!)}</Exponent></RSAKeyValue>`;
}

/** A private key as .NET's ToXmlString(true) writes it. */
function privateXml(key: KeyObject): string {
  const j = key.export({ format: 'jwk' });
  return `<RSAKeyValue><Modulus>${b64(j.n!)}</Modulus><Exponent>${b64(j.e!)}</Exponent><P>${b64(j.p!)}</P><Q>${b64(j.q!)}</Q><DP>${b64(j.dp!)}</DP><DQ>${b64(j.dq!)}</DQ><InverseQ>${b64(j.qi!)}</InverseQ><D>${b64(j.d!)}</D></RSAKeyValue>`;
}

/** A private key from .NET XML (what Laurel's download holds). */
function fromXml(xml: string): KeyObject {
  const get = (tag: string) => Buffer.from(xml.split(`<${tag}>`)[1].split('<')[0], 'base64').toString('base64url');
  return createPrivateKey({
    key: { kty: 'RSA', n: get('Modulus'), e: get('Exponent'), d: get('D'), p: get('P'), q: get('Q'), dp: get('DP'), dq: get('DQ'), qi: get('InverseQ') },
    format: 'jwk',
  });
}

type Body = {
  issuerIntegrationId: string; externalTemplateId: string; passedExamDate: number; holderEmail: string;
  holderFirstName: string; holderLastName: string; holderLastNamePrefix: string; isHolderIndividual: boolean;
};

/** EXeed's signature: RSA PKCS#1 v1.5, SHA-256, over the UTF-16LE bytes. */
function signature(b: Body, domain: string, key: KeyObject, suffix = ''): string {
  const s = `${b.issuerIntegrationId}${domain}${b.externalTemplateId}${b.holderEmail}${b.holderLastName}${b.isHolderIndividual ? 'True' : 'False'}${suffix}`;
  return sign('sha256', Buffer.from(s, 'utf16le'), key).toString('base64');
}

test('remote issuing: set up, keys as PEM and .NET XML, signed requests, every refusal, one badge per request', async ({ page, browser }, info) => {
  await ownAddress(page);
  const { subdomain } = await signUp(page, info);
  const external = unique('EXAM', info.project.name).slice(0, 60);
  await newTemplate(page, subdomain, { name: 'Remote Exam', image: `${F}/badge-200.png`, external });

  // Settings → API: set up, see the ID and the domain name.
  await page.goto(`/portal/${subdomain}/settings/api`);
  await page.getByRole('button', { name: 'Set up remote issuing' }).click();
  await expect(page.getByTestId('integration-id')).toHaveText(/^[0-9a-f-]{36}$/);
  const id = (await page.getByTestId('integration-id').textContent())!;
  await expect(page.getByTestId('domain-name')).toHaveText(subdomain);
  await expect(page.getByTestId('integration')).toContainText(external);

  // A private key pasted as public: refused, nothing stored.
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await page.getByLabel(/^Or add your public key/).fill(privateXml(pem.privateKey));
  await page.getByRole('button', { name: 'Add the public key' }).click();
  await expect(page.getByRole('alert')).toContainText('That is a private key');
  await page.goto(`/portal/${subdomain}/settings/api`);
  await expect(page.getByTestId('key')).toHaveCount(0);
  // Its public key as PEM, and a second key as .NET XML.
  await page.getByLabel(/^Or add your public key/).fill(pem.publicKey.export({ type: 'spki', format: 'pem' }) as string);
  await page.getByRole('button', { name: 'Add the public key' }).click();
  await expect(page.getByTestId('key')).toHaveCount(1);
  const xml = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await page.getByLabel(/^Or add your public key/).fill(publicXml(xml.publicKey));
  await page.getByRole('button', { name: 'Add the public key' }).click();
  await expect(page.getByTestId('key')).toHaveCount(2);

  // The API: no cookies, no Origin.
  const api = await (await browser.newContext({ baseURL })).request;
  const holder = `${unique('remote', info.project.name)}@example.net`.toLowerCase();
  const body: Body = {
    issuerIntegrationId: id, externalTemplateId: external, passedExamDate: Math.floor(Date.now() / 1000) - 86400,
    holderEmail: holder, holderFirstName: 'Ada', holderLastName: 'Lovelace', holderLastNamePrefix: '', isHolderIndividual: true,
  };
  const post = (b: unknown, sig?: string, extra: Record<string, string> = {}) =>
    api.post('/api/remote/v1/issue', {
      headers: { 'Content-Type': 'application/json', ...(sig ? { IssuerIntegration: sig } : {}), ...extra },
      data: JSON.stringify(b),
    });

  const first = await post(body, signature(body, subdomain, pem.privateKey));
  expect(first.status()).toBe(201);
  const made = await first.json();
  expect(made.created).toBe(true);
  expect(made.url).toContain(`/assertions/${made.id}`);
  const verdict = badgecheck(made.url, holder);
  expect(verdict.valid, JSON.stringify(verdict.messages)).toBe(true);

  // The same request again, twice: the same badge, 200, never a second.
  for (let i = 0; i < 2; i++) {
    const again = await post(body, signature(body, subdomain, pem.privateKey));
    expect(again.status()).toBe(200);
    expect((await again.json()).id).toBe(made.id);
  }

  // The GUID in capitals and braces, signed so by a .NET client; the XML key.
  const braced = { ...body, issuerIntegrationId: `{${id.toUpperCase()}}`, holderEmail: `x-${holder}` };
  const res = await post(braced, signature(braced, subdomain, xml.privateKey));
  expect(res.status()).toBe(201);

  // Each signed part changed after signing: 401, the same answer each time.
  const sig = signature(body, subdomain, pem.privateKey);
  const other = '00000000-0000-4000-8000-000000000000';
  for (const changed of [
    { ...body, issuerIntegrationId: other },
    { ...body, externalTemplateId: `${external}x` },
    { ...body, holderEmail: `y-${holder}` },
    { ...body, holderLastName: 'Byron' },
    { ...body, isHolderIndividual: false },
  ]) {
    const r = await post(changed, sig);
    expect(r.status(), JSON.stringify(changed)).toBe(401);
    expect((await r.json()).error.code).toBe('unauthorized');
  }
  expect((await post(body, signature(body, `${subdomain}x`, pem.privateKey))).status()).toBe(401);
  expect((await post(body)).status()).toBe(401);
  expect((await post(body, 'not base64 at all!')).status()).toBe(401);

  // Each field missing or malformed: 400 naming it.
  for (const [field, value] of [
    ['issuerIntegrationId', 'not-a-guid'], ['externalTemplateId', ''], ['passedExamDate', 'yesterday'],
    ['holderEmail', 'nobody'], ['holderLastName', null], ['isHolderIndividual', 'maybe'],
  ] as const) {
    const r = await post({ ...body, [field]: value }, sig);
    expect(r.status(), field).toBe(400);
    const e = (await r.json()).error;
    expect(e.fields.map((f: { field: string }) => f.field)).toContain(field);
  }
  // Not JSON, too big, unknown template.
  expect((await api.post('/api/remote/v1/issue', { headers: { 'Content-Type': 'text/plain' }, data: 'x' })).status()).toBe(415);
  expect((await post({ ...body, holderFirstName: 'a'.repeat(70_000) }, sig)).status()).toBe(413);
  const unknown = { ...body, externalTemplateId: 'NO-SUCH-TEMPLATE' };
  expect((await post(unknown, signature(unknown, subdomain, pem.privateKey))).status()).toBe(404);

  // The optional timestamp: signed and recent → accepted; stale → 401.
  const now = String(Math.floor(Date.now() / 1000));
  expect((await post(body, signature(body, subdomain, pem.privateKey, now), { 'IssuerIntegration-Timestamp': now })).status()).toBe(200);
  const stale = String(Math.floor(Date.now() / 1000) - 3600);
  expect((await post(body, signature(body, subdomain, pem.privateKey, stale), { 'IssuerIntegration-Timestamp': stale })).status()).toBe(401);

  // A key generated in Laurel, downloaded once (.NET XML and PEM): signs.
  const zip = await page.request.post(`/api/settings/generate_integration_key`, {
    headers: { Origin: baseURL }, form: { subdomain },
  });
  expect(zip.status()).toBe(200);
  expect(zip.headers()['content-disposition']).toContain('laurel-integration-key.zip');
  const dir = mkdtempSync(join(tmpdir(), 'laurel-key-'));
  writeFileSync(join(dir, 'key.zip'), await zip.body());
  const read = (name: string) => execFileSync('python3', ['-c', `import zipfile,sys; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())`, join(dir, 'key.zip'), name], { encoding: 'utf8' });
  const laurelKey = fromXml(read('integration-key.xml'));
  expect(read('integration-key.pem')).toContain('-----BEGIN PRIVATE KEY-----');
  const third = { ...body, holderEmail: `z-${holder}` };
  expect((await post(third, signature(third, subdomain, laurelKey))).status()).toBe(201);
  const fromPem = createPrivateKey(read('integration-key.pem'));
  const fourth = { ...body, holderEmail: `w-${holder}` };
  expect((await post(fourth, signature(fourth, subdomain, fromPem))).status()).toBe(201);

  // Keys: three, each with its last use; revoke the PEM one → its requests 401.
  await page.goto(`/portal/${subdomain}/settings/api`);
  const keys = page.getByTestId('key');
  await expect(keys).toHaveCount(3);
  await expect(keys.filter({ hasText: 'never' })).toHaveCount(0);
  await keys.filter({ hasText: 'Uploaded' }).last().getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByTestId('key').filter({ hasText: 'revoked' })).toHaveCount(1);
  expect((await post(body, signature(body, subdomain, pem.privateKey))).status()).toBe(401);

  // A new integration ID: the old one is refused.
  await page.getByText('Replace the integration ID').click();
  await page.getByRole('button', { name: 'Make a new integration ID' }).click();
  await expect(page.getByRole('alert')).toContainText('Tick the box to confirm');
  await page.locator('details', { hasText: 'Replace the integration ID' }).evaluate((d: HTMLDetailsElement) => { d.open = true; });
  await page.getByLabel(/Clients using the current ID will stop working/).check();
  await page.getByRole('button', { name: 'Make a new integration ID' }).click();
  await expect(page.getByTestId('integration-id')).not.toHaveText(id);
  expect((await post(braced, signature(braced, subdomain, xml.privateKey))).status()).toBe(401);
});

test('the API settings of another organisation, and its server functions, are refused', async ({ page, browser }, info) => {
  await ownAddress(page);
  const a = await signUp(page, info);
  const other: Page = await (await browser.newContext({ baseURL })).newPage();
  await ownAddress(other);
  await signUp(other, info);
  await other.goto(`/portal/${a.subdomain}/settings/api`);
  await expect(other.getByRole('alert')).toHaveText('That was not found.');
  for (const [fn, form] of [
    ['settings/setup_remote', { subdomain: a.subdomain }],
    ['settings/add_integration_key', { subdomain: a.subdomain, public_key: 'x' }],
    ['settings/generate_integration_key', { subdomain: a.subdomain }],
    ['settings/revoke_integration_key', { subdomain: a.subdomain, key_id: '1' }],
  ] as const) {
    const res = await other.request.post(`/api/${fn}`, { headers: { Origin: baseURL }, form, maxRedirects: 0 });
    expect(res.status(), fn).toBe(404);
  }
});

test('the demo organisation issues by remote API with the key `laurel demo` wrote', async ({ request }, info) => {
  const demo = demoUrls();
  expect(demo['remote-api']).toBe(`${baseURL}/api/remote/v1/issue`);
  const key = createPrivateKey(readFileSync(demo['integration-key-pem'], 'utf8'));
  // The .NET XML file holds the same private key.
  const fromDotnet = fromXml(readFileSync(demo['integration-key-xml'], 'utf8'));
  expect(fromDotnet.export({ format: 'jwk' }).n).toBe(key.export({ format: 'jwk' }).n);
  const body: Body = {
    issuerIntegrationId: demo['integration-id'], externalTemplateId: demo['external-template-id'],
    passedExamDate: Math.floor(Date.now() / 1000), holderEmail: `${unique('demo-api', info.project.name)}@example.net`.toLowerCase(),
    holderFirstName: 'Grace', holderLastName: 'Hopper', holderLastNamePrefix: '', isHolderIndividual: true,
  };
  const res = await request.post(demo['remote-api'], {
    headers: { 'Content-Type': 'application/json', IssuerIntegration: signature(body, demo['domain-name'], fromDotnet) },
    data: JSON.stringify(body),
  });
  expect(res.status()).toBe(201);
  expect((await res.json()).url).toContain('/o/demo/assertions/');
});
