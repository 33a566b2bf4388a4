import { test, expect } from './base';

// JavaScript is on in this project: these tests fail if the WASM did not load
// and hydrate the server-rendered page.

test('page hydrates without console errors or CSP violations', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  const wasm = page.waitForResponse((r) => r.url().endsWith('.wasm') && r.status() === 200);
  await page.goto('/');
  await wasm;
  await expect(page.locator('form[data-live="true"]')).toHaveCount(1);
  const field = page.getByLabel('Try a subdomain for your organisation');
  await field.pressSequentially('ac');
  await expect(page.locator('#subdomain-result')).toContainText('between 3 and 63 characters long (it has 2)');
  expect(problems).toEqual([]);
});

test('subdomain checker answers as you type, without submitting', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('form[data-live="true"]')).toHaveCount(1);
  const field = page.getByLabel('Try a subdomain for your organisation');
  const result = page.locator('#subdomain-result');
  await field.pressSequentially('Acme');
  await expect(result).toContainText('(found “A”)');
  await field.fill('');
  await field.pressSequentially('acme-academy');
  await expect(result).toContainText('“acme-academy” is a valid subdomain');
  await field.fill('www');
  await expect(result).toContainText('“www” is reserved');
  // Still on the same URL: the answer came from the hydrated page, not a submit.
  await expect(page).toHaveURL(/\/$/);
});

test('client-side navigation between pages keeps working', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Demo issuer' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Laurel Demo Academy');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Digital badges people can prove.');
});
