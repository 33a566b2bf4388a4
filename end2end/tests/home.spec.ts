import { test, expect } from './base';

// Both projects: the home page is a visitor page and ships no script
// (home.hydrated.spec.ts), so its subdomain checker is a plain form answered
// by the server, with JavaScript on or off.

test('subdomain checker works as a form, answered by the server', async ({ page }) => {
  await page.goto('/');
  const field = page.getByLabel('Try a subdomain for your organisation');
  await field.fill('Acme');
  // Nothing answers until the form is submitted.
  await expect(page.locator('#subdomain-result')).toHaveText('');
  await page.getByRole('button', { name: 'Check' }).click();
  await expect(page).toHaveURL(/\?subdomain=Acme$/);
  await expect(page.locator('#subdomain-result')).toContainText(
    'may only contain lowercase letters a–z, digits and hyphens (found “A”)',
  );
  await expect(field).toHaveValue('Acme');

  await field.fill('acme');
  await page.getByRole('button', { name: 'Check' }).click();
  await expect(page.locator('#subdomain-result')).toContainText('“acme” is a valid subdomain');
});

test('bad input in the query string is answered, not crashed on', async ({ page }) => {
  const long = 'x'.repeat(500);
  const response = await page.goto(`/?subdomain=${long}`);
  expect(response?.status()).toBe(200);
  await expect(page.locator('#subdomain-result')).toContainText('between 3 and 63 characters long (it has 500)');
  const response2 = await page.goto('/?subdomain=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
  expect(response2?.status()).toBe(200);
  await expect(page.locator('#subdomain-result')).toContainText('(found “<”)');
  expect(await page.locator('script:not([src]):has-text("alert(1)")').count()).toBe(0);
});
