import { test, expect } from './base';
import { createPublicKey, verify as rsaVerify } from 'node:crypto';
import { badgecheck } from './badgecheck';
import { demoUrls } from './demo';

// Machine endpoints, checked by independent implementations: the official
// 1EdTech validator (badgecheck) and Node's OpenSSL-backed JOSE primitives.
// Not page tests, so they run once (in the `ssr` project).

const json = { Accept: 'application/ld+json, application/json' };

test('assertion JSON-LD by negotiation, HTML for browsers, ETag and 304', async ({ request }) => {
  const url = demoUrls()['assertion-hosted'];
  const res = await request.get(url, { headers: json });
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('application/ld+json');
  const doc = await res.json();
  expect(doc['@context']).toBe('https://w3id.org/openbadges/v2');
  expect(doc.type).toBe('Assertion');
  expect(doc.id).toBe(url);
  expect(doc.recipient.identity).toMatch(/^sha256\$[0-9a-f]{64}$/);
  expect(doc.recipient.hashed).toBe(true);
  expect(doc.verification.type).toBe('hosted');
  const etag = res.headers()['etag'];
  expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
  const again = await request.get(url, { headers: { ...json, 'If-None-Match': etag } });
  expect(again.status()).toBe(304);
  const html = await request.get(url, { headers: { Accept: 'text/html' } });
  expect(html.headers()['content-type']).toContain('text/html');
  expect(await html.text()).toContain('Rust Fundamentals');
});

test('a revoked assertion answers 410 Gone with the reason', async ({ request }) => {
  const res = await request.get(demoUrls()['assertion-revoked'], { headers: json });
  expect(res.status()).toBe(410);
  const body = await res.json();
  expect(body.revoked).toBe(true);
  expect(body.revocationReason).toBe('Issued in error.');
  const list = await request.get(demoUrls()['issuer'].replace(/issuer$/, 'revocations'), { headers: json });
  const entries = (await list.json()).revokedAssertions.map((e: { id: string }) => e.id);
  expect(entries).toContain(demoUrls()['assertion-revoked']);
});

test('issuer, key, badge class and image documents', async ({ request }) => {
  const issuer = await (await request.get(demoUrls()['issuer'], { headers: json })).json();
  expect(issuer.type).toBe('Issuer');
  expect(issuer.revocationList).toMatch(/\/revocations$/);
  const key = await (await request.get(issuer.publicKey, { headers: json })).json();
  expect(key.type).toBe('CryptographicKey');
  expect(key.owner).toBe(issuer.id);
  expect(key.publicKeyPem).toContain('BEGIN PUBLIC KEY');
  const badgeRes = await request.get(demoUrls()['badgeclass'], { headers: json });
  expect(badgeRes.headers()['cache-control']).toContain('immutable');
  const badge = await badgeRes.json();
  expect(badge.issuer).toBe(issuer.id);
  const image = await request.get(badge.image);
  expect(image.headers()['content-type']).toBe('image/png');
  expect((await image.body()).subarray(1, 4).toString()).toBe('PNG');
  const bad = await request.get('/o/demo/assertions/x.exe', { headers: json });
  expect(bad.status()).toBe(404);
  const otherOrg = await request.get('/o/nobody/issuer', { headers: json });
  expect(otherOrg.status()).toBe(404);
});

function b64url(s: string): Buffer {
  return Buffer.from(s, 'base64url');
}

test('OB 3.0 VC-JWT verifies with the published JWK (independent implementation)', async ({ request }) => {
  const jwt = (await (await request.get(demoUrls()['credential-ob3'])).text()).trim();
  const [h, p, s] = jwt.split('.');
  const header = JSON.parse(b64url(h).toString());
  expect(header.alg).toBe('RS256');
  expect(header.typ).toBe('JWT');
  const jwks = await (await request.get(demoUrls()['jwks'])).json();
  const jwk = jwks.keys.find((k: { kid: string }) => k.kid === header.kid);
  expect(jwk, 'the header kid resolves to a published JWK').toBeTruthy();
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  expect(rsaVerify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, b64url(s))).toBe(true);
  // A tampered payload does not verify.
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(b64url(p).toString()), name: 'Forged' })).toString('base64url');
  expect(rsaVerify('RSA-SHA256', Buffer.from(`${h}.${forged}`), key, b64url(s))).toBe(false);

  const vc = JSON.parse(b64url(p).toString());
  expect(vc['@context']).toEqual([
    'https://www.w3.org/ns/credentials/v2',
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
  ]);
  expect(vc.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
  expect(vc.issuer.id).toBe(demoUrls()['issuer']);
  expect(vc.iss).toBe(vc.issuer.id);
  expect(vc.jti).toBe(vc.id);
  expect(typeof vc.nbf).toBe('number');
  expect(vc.exp).toBe(Math.floor(Date.parse(vc.validUntil) / 1000));
  expect(vc.validFrom).toMatch(/Z$/);
  expect(vc.credentialSubject.type).toContain('AchievementSubject');
  expect(vc.credentialSubject.identifier[0].identityHash).toMatch(/^sha256\$/);
  expect(vc.credentialSubject.achievement.type).toContain('Achievement');
  expect(vc.credentialSubject.achievement.criteria.narrative).toBeTruthy();
  expect(vc.credentialStatus.type).toBe('1EdTechRevocationList');
  const status = await (await request.get(vc.credentialStatus.id)).json();
  expect(Array.isArray(status.revokedCredentials)).toBe(true);
});

for (const [kind, valid] of [
  ['assertion-hosted', true],
  ['assertion-signed', true],
  ['baked-png', true],
  ['baked-svg', true],
  ['assertion-revoked', false],
  ['assertion-revoked-signed', false],
  ['assertion-expired', false],
] as const) {
  test(`badgecheck: ${kind} is ${valid ? 'valid with zero errors' : 'not valid'}`, async () => {
    const result = badgecheck(demoUrls()[kind]);
    expect(result.valid, JSON.stringify(result.messages)).toBe(valid);
    if (valid) expect(result.errorCount).toBe(0);
    else expect(result.errorCount).toBeGreaterThan(0);
  });
}
