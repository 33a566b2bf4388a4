import { test, expect } from '@playwright/test';
import { ownAddress, signUp } from './flows';

// The designer's live preview follows the form as you type and shows a
// chosen image before it is uploaded (hydrated only: without JavaScript the
// preview appears after saving, checked in issuing.spec.ts).

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
  await expect(preview.getByRole('img', { name: 'Badge image' })).toHaveAttribute('src', /^blob:/);
  // Nothing was saved by typing.
  await page.goto(`/portal/${subdomain}/templates`);
  await expect(page.getByText('No templates yet.')).toBeVisible();
});
