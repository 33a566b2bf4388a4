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

test("share: LinkedIn's add-to-profile link carries the badge's own data, URL-encoded", async ({ page }) => {
  const url = demoUrls()['verify-page'];
  await page.goto(url);
  const link = await page.getByTestId('share-linkedin').getAttribute('href');
  const u = new URL(link!);
  expect(u.origin + u.pathname).toBe('https://www.linkedin.com/profile/add');
  const p = Object.fromEntries(u.searchParams);
  const dd = (term: string) => page.locator(`dt:text-is("${term}") + dd`).textContent();
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  // The page writes dates as "9 March 2026".
  const monthYear = (text: string | null) => {
    const [, month, year] = (text ?? '').trim().split(' ');
    return [year, String(months.indexOf(month) + 1)];
  };
  const [issueYear, issueMonth] = monthYear(await dd('Issued on'));
  const [expirationYear, expirationMonth] = monthYear(await dd('Expires'));
  expect(p).toEqual({
    startTask: 'CERTIFICATION_NAME',
    name: await page.getByRole('heading', { level: 1 }).textContent(),
    organizationName: 'Laurel Demo Academy',
    issueYear,
    issueMonth,
    expirationYear,
    expirationMonth,
    certUrl: url,
    certId: url.split('/').pop(),
  });
  // The same fields to copy by hand, and the other networks.
  await expect(page.getByLabel('Credential URL')).toHaveValue(url);
  await expect(page.getByLabel('Issue year')).toHaveValue(issueYear);
  const x = new URL((await page.getByRole('link', { name: 'Post on X' }).getAttribute('href'))!);
  expect(x.searchParams.get('url')).toBe(url);
  const fb = new URL((await page.getByRole('link', { name: 'Share on Facebook' }).getAttribute('href'))!);
  expect(fb.searchParams.get('u')).toBe(url);
  expect(await page.getByRole('link', { name: 'E-mail' }).getAttribute('href')).toContain(encodeURIComponent(url));
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
