import { test, expect } from './base';
import { ownAddress, signUp } from './flows';

// An organisation's "Basic information": image, summary, social links with
// visibility toggles, shown on its public page. Both projects (JavaScript
// off and hydrated).

test('basic information: image, summary and links with visibility', async ({ page }, info) => {
  // Its own client address: the suite's sign-ups do not share one limit.
  await ownAddress(page);
  const { subdomain } = await signUp(page, info);
  await page.goto(`/portal/${subdomain}/settings`);
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();

  // Bad uploads, each refused with its reason; nothing is stored.
  const upload = page.getByLabel(/Upload an image/);
  for (const [file, message] of [
    ['tests/fixtures/script.svg', 'The SVG contains a <script> element, which images may not contain.'],
    ['tests/fixtures/tiny-8.png', 'The image is 8 × 8 px; it must be at least 32 px on each side (24 px short).'],
    ['tests/fixtures/not-an-image.txt', 'Only PNG, JPEG and SVG images are accepted (this file is not an image Laurel can read).'],
  ]) {
    await upload.setInputFiles(file);
    await page.getByRole('button', { name: 'Upload image' }).click();
    await expect(page.getByRole('alert')).toHaveText(message);
  }
  expect((await page.request.get(`/o/${subdomain}/image`)).status()).toBe(404);

  await upload.setInputFiles('tests/fixtures/logo-128.png');
  await page.getByRole('button', { name: 'Upload image' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');
  await expect(page.getByRole('img', { name: 'Current profile image' })).toBeVisible();

  // A bad link is refused with its reason.
  await page.getByLabel('LinkedIn', { exact: true }).fill('https://linkedin.com.evil.example/acme');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toContainText('The LinkedIn link must be an https:// address on linkedin.com');

  await page.getByLabel('Summary').fill('We certify people who can teach.');
  await page.getByLabel('LinkedIn', { exact: true }).fill('https://www.linkedin.com/company/test-academy');
  await page.getByLabel('LinkedIn visible').check();
  await page.getByLabel('Twitter', { exact: true }).fill('https://x.com/testacademy');
  // Twitter stays hidden.
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');
  await expect(page.getByLabel('LinkedIn visible')).toBeChecked();
  await expect(page.getByLabel('Twitter', { exact: true })).toHaveValue('https://x.com/testacademy');

  // The public page shows what is visible, and only that.
  await page.goto(`/o/${subdomain}`);
  await expect(page.getByText('We certify people who can teach.')).toBeVisible();
  const links = page.getByRole('list', { name: 'Social links' });
  await expect(links.getByRole('link', { name: 'LinkedIn' })).toHaveAttribute('href', 'https://www.linkedin.com/company/test-academy');
  await expect(links.getByRole('link', { name: 'Twitter' })).toHaveCount(0);
  const logo = page.getByRole('img', { name: 'Test Academy logo' });
  await expect(logo).toBeVisible();
  expect(await logo.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(128);

  // The OB 2.0 Issuer profile carries the description and image; the
  // activation contact (name, phone) stays internal.
  const issuer = await (await page.request.get(`/o/${subdomain}/issuer`, { headers: { Accept: 'application/ld+json' } })).json();
  expect(issuer.description).toBe('We certify people who can teach.');
  expect(issuer.image).toMatch(new RegExp(`/o/${subdomain}/image$`));
  expect(JSON.stringify(issuer)).not.toContain('Ada Lovelace');
});

test('settings of another organisation are refused, page and server function', async ({ page, browser }, info) => {
  await ownAddress(page);
  const a = await signUp(page, info);
  const other = await browser.newPage();
  await ownAddress(other);
  const b = await signUp(other, info);
  // B's user asks for A's settings: nothing of A is shown.
  await other.goto(`/portal/${a.subdomain}/settings`);
  await expect(other.getByRole('alert')).toHaveText('That was not found.');
  await expect(other.getByText('Test Academy')).toHaveCount(0);
  // And a direct post to the server function is refused.
  await other.goto(`/portal/${b.subdomain}/settings`);
  const action = await other.locator('form:has(button:text("Save"))').getAttribute('action');
  const res = await other.request.post(action!, {
    headers: { Origin: new URL(other.url()).origin, Accept: 'application/json' },
    form: { subdomain: a.subdomain, summary: 'hijacked', linkedin_url: '', facebook_url: '', twitter_url: '', wechat_id: '' },
  });
  expect(res.status()).toBe(404);
  await page.goto(`/o/${a.subdomain}`);
  await expect(page.getByText('hijacked')).toHaveCount(0);
  await other.close();
});
