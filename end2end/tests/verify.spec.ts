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
  // The share picture: a 1200×630 PNG made by the server, at an immutable
  // URL whose name is the key of what it shows (another name is 404).
  await expect(page.locator('meta[name="twitter:card"]')).toHaveAttribute('content', 'summary_large_image');
  const og = (await page.locator('meta[property="og:image"]').getAttribute('content'))!;
  expect(og).toMatch(/\/badges\/demo-rust-fundamentals\/share\/[0-9a-f]{16}\.png$/);
  await expect(page.locator('meta[name="twitter:image"]')).toHaveAttribute('content', og);
  for (let i = 0; i < 2; i++) {
    // Twice: rendered the first time, from the cache the second.
    const res = await page.request.get(og);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('image/png');
    expect(res.headers()['cache-control']).toContain('immutable');
    const png = await res.body();
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 630]);
  }
  const stale = await page.request.get(og.replace(/[0-9a-f]{16}\.png$/, '0000000000000000.png'));
  expect(stale.status()).toBe(404);
});

test("share: LinkedIn's add-to-profile link carries the badge's own data, URL-encoded", async ({ page }) => {
  const url = demoUrls()['verify-page'];
  await page.goto(url);
  // Every share link goes through Laurel, which counts the click (nothing
  // about the visitor is kept) and redirects to the network.
  const target = async (name: string) => {
    const href = (await page.getByRole('link', { name }).getAttribute('href'))!;
    expect(href).toMatch(new RegExp(`^${url}/share/(linkedin|x|facebook|email)$`));
    const res = await page.request.get(href, { maxRedirects: 0 });
    expect(res.status()).toBe(302);
    expect(res.headers()['cache-control']).toBe('no-store');
    return res.headers()['location'];
  };
  const link = await target('Add to LinkedIn profile');
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
  const x = new URL(await target('Post on X'));
  expect(x.origin).toBe('https://twitter.com');
  expect(x.searchParams.get('url')).toBe(url);
  const fb = new URL(await target('Share on Facebook'));
  expect(fb.searchParams.get('u')).toBe(url);
  expect(await target('E-mail')).toContain(encodeURIComponent(url));
  // An unknown network is not a redirect anywhere.
  expect((await page.request.get(`${url}/share/myspace`, { maxRedirects: 0 })).status()).toBe(404);
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
