import { test, expect } from './base';
import { demoUrls } from './demo';
import { requestSignupLink, unique } from './flows';

// JavaScript is on in this project. Laurel hydrates in islands mode: visitor
// pages are server HTML and load no script at all (their budget is 150 KB);
// only pages with an island load the WebAssembly, and its islands answer.

test('visitor pages load no script or WebAssembly, even with JavaScript on', async ({ page }) => {
  const scripts: string[] = [];
  page.on('request', (r) => {
    if (/\.(js|wasm)(\?|$)/.test(r.url()) || r.resourceType() === 'script') scripts.push(r.url());
  });
  const pages = ['/', '/o/demo', demoUrls()['verify-page'], '/login', '/signup', '/claim'];
  for (const path of pages) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBeLessThan(500);
    await expect(page.locator('h1').first(), path).toBeVisible();
    // (Leptos' two inline bookkeeping scripts remain; no code is loaded.)
    expect(await page.locator('script[src], link[rel=modulepreload], link[href$=".wasm"]').count(), path).toBe(0);
    await expect(page.locator('html[data-hydrated]'), path).toHaveCount(0);
  }
  expect(scripts).toEqual([]);
});

test('links between visitor pages are plain page loads', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Demo issuer' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Laurel Demo Academy');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Digital badges people can prove.');
  await page.goto(demoUrls()['verify-page']);
  await page.getByRole('link', { name: 'Laurel Demo Academy' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Laurel Demo Academy');
});

test('the activation form checks the subdomain as you type (an island)', async ({ page }, info) => {
  const email = `${unique('live-sub', info.project.name).toLowerCase()}@example.org`;
  const { link } = await requestSignupLink(page, email);
  const wasm = page.waitForResponse((r) => r.url().endsWith('.wasm') && r.status() === 200);
  await page.goto(link);
  await wasm;
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  const field = page.getByLabel('Subdomain', { exact: true });
  const result = page.locator('#subdomain-result');
  await field.pressSequentially('ac');
  await expect(result).toContainText('between 3 and 63 characters long (it has 2)');
  await field.fill('');
  await field.pressSequentially('Acme');
  await expect(result).toContainText('(found “A”)');
  await field.fill('acme-academy');
  await expect(result).toContainText('“acme-academy” is a valid subdomain');
  await field.fill('www');
  await expect(result).toContainText('“www” is reserved');
  // Nothing was sent: still the activation page.
  await expect(page).toHaveURL(/\/activate\?token=/);
});
