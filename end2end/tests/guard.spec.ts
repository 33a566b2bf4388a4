import { test, expect } from './base';

// The guard of tests/base.ts must fail a test for each kind of problem it
// watches. Each test below provokes one and is marked `test.fail()`: it
// passes only when the guard failed it, so a guard that stopped working
// turns these red.

test('a console error fails the test', async ({ page }) => {
  test.fail();
  await page.goto('/');
  await page.evaluate(() => console.error('guard self-test: console error'));
});

test('an image the CSP refuses fails the test', async ({ page }, info) => {
  test.skip(info.project.use.javaScriptEnabled === false, 'the image is added by a script');
  test.fail();
  await page.goto('/');
  await page.evaluate(() => {
    const img = document.createElement('img');
    img.alt = '';
    img.src = 'http://example.invalid/refused.png'; // img-src allows https:, not http:
    document.body.append(img);
  });
  await page.waitForTimeout(500);
});

test('an uncaught exception in the page fails the test', async ({ page }, info) => {
  test.skip(info.project.use.javaScriptEnabled === false, 'needs scripts in the page');
  test.fail();
  await page.goto('/');
  await page.evaluate(() => {
    setTimeout(() => {
      throw new Error('guard self-test: uncaught');
    });
  });
  await page.waitForTimeout(500);
});

test('an accessibility violation fails the test', async ({ page }, info) => {
  test.fail();
  // A page type of its own per project (each page type is checked once per
  // run), served by the test: an image without a text alternative.
  const url = `/guard-selftest-${info.project.name}`;
  await page.route(`**${url}`, (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: '<!doctype html><html lang="en"><head><title>Self-test</title></head><body><main><h1>Self-test</h1><img src="/favicon.svg"></main></body></html>',
    }),
  );
  await page.goto(url);
  await expect(page.getByRole('heading', { name: 'Self-test' })).toBeVisible();
});
