import { test, expect } from './base';
import { demoUrls } from './demo';

test('the verification page hydrates cleanly (no console errors, no CSP violations)', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  const wasm = page.waitForResponse((r) => r.url().endsWith('.wasm') && r.status() === 200);
  await page.goto(demoUrls()['verify-page']);
  await wasm;
  // Client-side navigation from the hydrated page works.
  await page.getByRole('link', { name: 'Laurel Demo Academy' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Laurel Demo Academy');
  expect(problems).toEqual([]);
});
