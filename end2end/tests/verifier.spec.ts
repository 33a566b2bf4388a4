import { test, expect } from './base';
import type { Page } from '@playwright/test';
import { F, ownAddress } from './flows';
import { demoUrls } from './demo';
import { bakeWithBakery } from './badgecheck';

// The public verifier (/verify), both projects: anyone, signed out, checks
// any Open Badge — a PNG baked by an independent implementation (PyPI's
// openbadges-bakery), JSON, a JWS, a URL — and reads the report check by
// check. A tampered or revoked badge is not valid, with the reason. The
// loopback refusal of the SSRF guard is tested against a server without
// LAUREL_FETCH_ALLOW_PRIVATE (server/tests/verify.rs); this suite's server
// allows loopback so it can verify its own demo badges.

async function verifyImage(page: Page, file: string, recipient = '') {
  await page.goto('/verify');
  await page.getByLabel('A badge image (baked PNG or SVG)').setInputFiles(file);
  await page.getByLabel('Awarded to (optional)').fill(recipient);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/verify\/report\/[A-Za-z0-9_-]{43}$/);
}

async function verifyText(page: Page, text: string) {
  await page.goto('/verify');
  await page.getByLabel("The badge's URL, its JSON, a JWS or a VC-JWT").fill(text);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/verify\/report\/[A-Za-z0-9_-]{43}$/);
}

/** The outcome of the check asking `question`. */
function check(page: Page, question: string) {
  return page.getByTestId('check').filter({ hasText: question }).first();
}

test('baked by openbadges-bakery: signed and hosted are valid; one byte changed or revoked is not, with the reason', async ({ page, request }, info) => {
  await ownAddress(page);
  const urls = demoUrls();
  const jws = (await (await request.get(urls['assertion-signed'])).text()).trim();
  const hosted = await (await request.get(urls['assertion-hosted'])).text();

  // A signed assertion baked by the bakery: valid, for its recipient.
  await verifyImage(page, bakeWithBakery(`${F}/badge-200.png`, jws, info.outputPath('signed.png')), 'holder@example.com');
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-valid', 'true');
  await expect(page.getByTestId('verdict')).toContainText('Valid');
  await expect(page.getByTestId('verdict')).toContainText('Open Badges 2.0');
  await expect(check(page, 'Is it authentic?')).toHaveAttribute('data-outcome', 'passed');
  await expect(check(page, 'Was it awarded to this person?')).toHaveAttribute('data-outcome', 'passed');
  await expect(page.locator('meta[name="robots"]')).toHaveAttribute('content', 'noindex');

  // The hosted assertion's JSON, baked: valid.
  await verifyImage(page, bakeWithBakery(`${F}/badge-200.png`, hosted, info.outputPath('hosted.png')));
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-valid', 'true');

  // One byte of the signed assertion changed (the payload re-encoded, the
  // signature kept): not authentic.
  const [h, p, s] = jws.split('.');
  const payload = Buffer.from(p, 'base64url').toString('utf8');
  const i = payload.indexOf('"issuedOn":"') + '"issuedOn":"'.length + 3;
  const digit = payload[i];
  const tampered = payload.slice(0, i) + (digit === '1' ? '2' : '1') + payload.slice(i + 1);
  expect(tampered.length).toBe(payload.length);
  const forged = [h, Buffer.from(tampered, 'utf8').toString('base64url'), s].join('.');
  await verifyImage(page, bakeWithBakery(`${F}/badge-200.png`, forged, info.outputPath('forged.png')));
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-valid', 'false');
  await expect(page.getByTestId('verdict')).toContainText('Not valid');
  await expect(check(page, 'Is it authentic?')).toHaveAttribute('data-outcome', 'failed');

  // A revoked badge, baked: not in force, with the issuer's reason.
  const revoked = (await (await request.get(urls['assertion-revoked-signed'])).text()).trim();
  await verifyImage(page, bakeWithBakery(`${F}/badge-200.png`, revoked, info.outputPath('revoked.png')));
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-valid', 'false');
  await expect(check(page, 'Is it still in force (not revoked)?')).toHaveAttribute('data-outcome', 'failed');
});

test('URL, VC-JWT and bad input: a report for each, a sentence for an empty form, 404 for an unknown report', async ({ page, request }) => {
  await ownAddress(page);
  const urls = demoUrls();

  // The hosted assertion's URL; then the OB 3.0 VC-JWT.
  await verifyText(page, urls['assertion-hosted']);
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-valid', 'true');
  const vcJwt = (await (await request.get(urls['credential-ob3'])).text()).trim();
  await verifyText(page, vcJwt);
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-valid', 'true');
  await expect(page.getByTestId('verdict')).toContainText('Open Badges 3.0');

  // Garbage: a report that says what is wrong, in words.
  await verifyText(page, 'this is not a badge');
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-valid', 'false');
  await expect(check(page, 'Is it a badge Laurel can read?')).toHaveAttribute('data-outcome', 'failed');

  // A file that is not a badge image.
  await verifyImage(page, `${F}/badge-200.png`);
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-valid', 'false');

  // Nothing at all: the form says what it needs.
  await page.goto('/verify');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    "Choose a badge image (PNG or SVG), or paste the badge's URL, its JSON, a JWS or a VC-JWT.",
  );

  // A report link that never existed (or expired).
  const res = await page.goto('/verify/report/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  expect(res!.status()).toBe(404);
});

test('the verifier is linked from every page header and ships no script', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('banner').getByRole('link', { name: 'Verify a badge' }).click();
  await expect(page).toHaveURL(/\/verify$/);
  await expect(page.getByRole('heading', { name: 'Verify an Open Badge' })).toBeVisible();
  expect(await page.locator('script[src], link[rel="modulepreload"]').count()).toBe(0);
});
