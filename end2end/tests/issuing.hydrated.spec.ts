import { test, expect } from './base';
import { ownAddress, signUp } from './flows';

// What only JavaScript does, in the release build: the designer's live
// preview follows the form as you type and shows a chosen image before it is
// uploaded (without JavaScript the preview appears after saving, checked in
// issuing.spec.ts). The live progress of a batch: issuing.live.spec.ts.

test('the live preview follows the designer as you type', async ({ page }, info) => {
  await ownAddress(page);
  const { subdomain } = await signUp(page, info);
  await page.goto(`/portal/${subdomain}/templates/new`);
  const preview = page.getByTestId('preview');
  await expect(page.getByTestId('preview-name')).toHaveText('Badge name');
  // Typing before hydration finishes could be lost; wait for the WASM.
  await expect(page.locator('form[data-live="true"]')).toHaveCount(1);
  await page.getByLabel('Name', { exact: true }).pressSequentially('Live Badge');
  await expect(page.getByTestId('preview-name')).toHaveText('Live Badge');
  await page.getByLabel('Criteria (Markdown)').fill('Do the *thing*.');
  await expect(page.getByTestId('preview-criteria').locator('em')).toHaveText('thing');
  await page.getByLabel('Validity in years').fill('3');
  await expect(preview).toContainText('Expires 3 year(s) after it is earned.');
  await page.getByLabel('Image', { exact: true }).setInputFiles('tests/fixtures/badge.svg');
  const image = preview.getByRole('img', { name: 'Badge image' });
  await expect(image).toHaveAttribute('src', /^blob:/);
  // The image really shows (the CSP allows `blob:` images): a refused or
  // broken image has no natural size.
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(200);
  // Nothing was saved by typing.
  await page.goto(`/portal/${subdomain}/templates`);
  await expect(page.getByText('No templates yet.')).toBeVisible();
});
