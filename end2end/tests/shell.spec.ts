import { test, expect } from './base';

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
