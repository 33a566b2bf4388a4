import { test, expect } from './base';
import { get } from 'node:http';
import { baseURL } from '../playwright.config';

/** A GET with only `Accept-Encoding` set, its body as sent (not decoded). */
function rawGet(path: string, encoding: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; size: number }> {
  return new Promise((resolve, reject) => {
    get(`${baseURL}${path}`, { headers: { 'accept-encoding': encoding } }, (res) => {
      let size = 0;
      res.on('data', (chunk: Buffer) => (size += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, size }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

// Runs in both projects: every page is complete without JavaScript, and the
// same with it.

test('landing page says what Laurel is, with navigation', async ({ page }) => {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle(/Laurel/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Digital badges people can prove.');
  await expect(page.getByText('standard Open Badges credential')).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Home' })).toBeVisible();
  await expect(page.locator('link[rel=stylesheet][href="/pkg/laurel.css"]')).toHaveCount(1);
});

test('stylesheet is served and Tailwind classes exist in it', async ({ request }) => {
  const css = await request.get('/pkg/laurel.css');
  expect(css.status()).toBe(200);
  const text = await css.text();
  expect(text).toContain('.bg-emerald-700');
});

test('the bundle is sent precompressed, pages compressed, each only to clients that accept it', async () => {
  const plain = await rawGet('/pkg/laurel.wasm', 'identity');
  expect(plain.status).toBe(200);
  expect(plain.headers['content-encoding']).toBeUndefined();
  expect(plain.headers['cache-control']).toBe('public, no-cache');
  const br = await rawGet('/pkg/laurel.wasm', 'gzip, deflate, br');
  expect(br.headers['content-encoding']).toBe('br');
  expect(br.headers['content-type']).toBe('application/wasm');
  expect(br.size).toBeLessThan(plain.size / 2);
  const gzip = await rawGet('/pkg/laurel.wasm', 'gzip');
  expect(gzip.headers['content-encoding']).toBe('gzip');
  expect(gzip.size).toBeLessThan(plain.size / 2);
  // The first-visit download of the verification page's bundle (issue 15: < 400 KB).
  let total = 0;
  for (const file of ['laurel.wasm', 'laurel.js', 'laurel.css']) total += (await rawGet(`/pkg/${file}`, 'br')).size;
  expect(total).toBeLessThan(400 * 1024);
  const page = await rawGet('/', 'br');
  expect(page.headers['content-encoding']).toBe('br');
  const verifier = await rawGet('/o/demo/issuer', 'gzip');
  expect(verifier.headers['content-encoding']).toBe('gzip');
  expect((await rawGet('/', 'identity')).headers['content-encoding']).toBeUndefined();
});

test('unknown address renders the 404 page with status 404', async ({ page }) => {
  const response = await page.goto('/this/does/not/exist');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await page.getByRole('link', { name: 'Go to the home page' }).click();
  await expect(page).toHaveURL(/\/$/);
});

test('demo organisation page is server-rendered from the database', async ({ page }) => {
  const response = await page.goto('/o/demo');
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Laurel Demo Academy');
  await expect(page).toHaveTitle('Laurel Demo Academy · Laurel');
  // The badges it awards, each with its Open Badges definition.
  const badges = page.getByTestId('org-badges');
  await expect(badges.getByRole('heading', { name: 'Rust Fundamentals' })).toBeVisible();
  await expect(badges.getByRole('link', { name: 'Its Open Badges definition' }).first()).toHaveAttribute('href', /\/o\/demo\/badges\//);
});

test('unknown or invalid organisation is a 404', async ({ page }) => {
  for (const path of ['/o/nobody-here', '/o/INVALID_sub', '/o/www']) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  }
});

test('security headers are on every page', async ({ request }) => {
  for (const path of ['/', '/o/demo', '/missing', '/healthz']) {
    const res = await request.get(path);
    const h = res.headers();
    expect(h['x-content-type-options'], path).toBe('nosniff');
    expect(h['content-security-policy'], path).toContain("frame-ancestors 'none'");
    expect(h['referrer-policy'], path).toBe('strict-origin-when-cross-origin');
    expect(h['x-request-id'], path).toMatch(/^[0-9a-f-]{36}$/);
  }
});
