import { test, expect } from './base';
import { demoUrls } from './demo';

// The human verification page: same URL as the JSON-LD assertion, rendered
// for browsers, complete without JavaScript (both projects run this).

test('a valid badge shows its status, badge, issuer, masked recipient and links', async ({ page }) => {
  const url = demoUrls()['verify-page'];
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  const status = page.getByRole('status');
  await expect(status).toHaveAttribute('data-status', 'valid');
  await expect(status).toContainText('valid until');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Rust Fundamentals');
  await expect(page.getByRole('link', { name: 'Laurel Demo Academy' })).toBeVisible();
  await expect(page.getByText('h•••••@example.com')).toBeVisible();
  await expect(page.getByText('holder@example.com')).toHaveCount(0);
  await expect(page.getByText('Passed the Rust Fundamentals exam')).toBeVisible();
  await expect(page.getByText('Assessed by the Laurel Demo Academy.')).toBeVisible();
  const img = page.getByRole('img', { name: 'Rust Fundamentals badge' });
  await expect(img).toBeVisible();
  expect(await img.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(200);
  for (const name of ['Open Badges 2.0 (JSON-LD)', 'Signed (JWS)', 'Open Badges 3.0 credential', 'VC-JWT', 'Baked badge image']) {
    await expect(page.getByRole('link', { name })).toBeVisible();
  }
  // Social cards.
  await expect(page.locator('meta[property="og:title"]')).toHaveAttribute('content', 'Rust Fundamentals — awarded by Laurel Demo Academy');
  await expect(page.locator('meta[property="og:image"]')).toHaveAttribute('content', /\/badges\/demo-rust-fundamentals\/image$/);
  await expect(page.locator('meta[name="twitter:card"]')).toHaveAttribute('content', 'summary');
});

test('a revoked badge says so, with the reason', async ({ page }) => {
  const response = await page.goto(demoUrls()['assertion-revoked']);
  expect(response?.status()).toBe(200);
  const status = page.getByRole('status');
  await expect(status).toHaveAttribute('data-status', 'revoked');
  await expect(status).toContainText('The issuer revoked this badge: Issued in error.');
});

test('an expired badge says so, with the date', async ({ page }) => {
  await page.goto(demoUrls()['assertion-expired']);
  const status = page.getByRole('status');
  await expect(status).toHaveAttribute('data-status', 'expired');
  await expect(status).toContainText('This badge expired on');
});

test('the raw links lead to the documents', async ({ page }) => {
  await page.goto(demoUrls()['verify-page']);
  const href = await page.getByRole('link', { name: 'Signed (JWS)' }).getAttribute('href');
  const res = await page.request.get(href!);
  expect(res.status()).toBe(200);
  expect((await res.text()).split('.')).toHaveLength(3);
});

test('unknown assertions are a 404 page', async ({ page }) => {
  const res = await page.goto('/o/demo/assertions/does-not-exist');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});
