import { writeFileSync } from 'node:fs';
import { test, expect } from './base';
import type { BrowserContext, Page } from '@playwright/test';
import { baseURL } from '../playwright.config';
import { createWalletFromClaim, F, issueTo, newTemplate, ownAddress, person, signUp, unique } from './flows';
import { waitForMail, linkIn } from './mail';
import { demoUrls } from './demo';
import { bakeWithBakery } from './badgecheck';

// Importing badges into the wallet, both projects: a PNG baked by an
// independent implementation (PyPI's openbadges-bakery) is verified against
// the holder's address and kept with its report; the same badge twice, a
// badge awarded to someone else and a tampered one are refused with the
// reason; "Check again" sees a revocation; another account reaches nothing.

test.describe.configure({ timeout: 150_000 });

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

async function importImage(holder: Page, file: string) {
  await holder.goto('/wallet');
  const form = holder.getByTestId('import-form');
  await form.getByLabel('A badge image (baked PNG or SVG)').setInputFiles(file);
  await form.getByRole('button', { name: 'Import' }).click();
}

test('import: baked by openbadges-bakery → valid in the wallet; twice, someone else’s, tampered → refused; revoked → seen on check; others get 404', async ({ page, browser, request }, info) => {
  await ownAddress(page);
  const { subdomain } = await signUp(page, info);
  const id = await newTemplate(page, subdomain, { name: 'Imported Badge', image: `${F}/badge-200.png` });
  const email = `${unique('importer', info.project.name)}@example.net`.toLowerCase();
  await issueTo(page, subdomain, id, email);
  const holder = await person(browser, info, contexts);
  const slug = await createWalletFromClaim(holder, linkIn(await waitForMail(email, 20_000), '/claim'));

  // The signed assertion, baked into a PNG by the bakery, imported.
  const jws = (await (await request.get(`/o/${subdomain}/assertions/${slug}.jws`)).text()).trim();
  const baked = bakeWithBakery(`${F}/badge-200.png`, jws, info.outputPath('mine.png'));
  await importImage(holder, baked);
  await expect(holder).toHaveURL(/\/wallet#import-[A-Za-z0-9_-]{22}$/);
  const item = holder.getByTestId('import-item');
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('Imported Badge');
  await expect(item).toContainText('Test Academy · Open Badges 2.0');
  await expect(item.getByTestId('import-status')).toHaveText('Valid');
  const publicId = (await item.getAttribute('id'))!.replace('import-', '');

  // The same badge again: refused, still one.
  await importImage(holder, baked);
  await expect(holder.getByRole('alert')).toHaveText('This badge is already in your wallet.');
  await holder.goto('/wallet');
  await expect(holder.getByTestId('import-item')).toHaveCount(1);

  // The demo's badge (awarded to holder@example.com): someone else's.
  const other = await request.get(demoUrls()['baked-png']);
  const otherFile = info.outputPath('other.png');
  writeFileSync(otherFile, await other.body());
  await importImage(holder, otherFile);
  await expect(holder.getByRole('alert')).toContainText('This badge was awarded to someone else');
  await expect(holder.getByRole('alert')).toContainText(email);

  // One byte of the payload changed, the signature kept: not authentic.
  const [h, p, s] = jws.split('.');
  const original = Buffer.from(p, 'base64url').toString('utf8');
  const payload = original.replace('"issuedOn":"2', '"issuedOn":"1');
  expect(payload).not.toBe(original);
  const forged = bakeWithBakery(`${F}/badge-200.png`, [h, Buffer.from(payload).toString('base64url'), s].join('.'), info.outputPath('forged.png'));
  await importImage(holder, forged);
  await expect(holder.getByRole('alert')).toContainText('This badge did not verify, so it was not imported:');
  await holder.goto('/wallet');
  await expect(holder.getByTestId('import-item')).toHaveCount(1);

  // The issuer revokes it; "Check again" says so, with the reason.
  await page.goto(`/portal/${subdomain}/badges/${slug}`);
  await page.getByLabel('Reason (shown to verifiers)').fill('Awarded by mistake.');
  await page.getByLabel('I understand that a revoked badge cannot be restored.').check();
  await page.getByRole('button', { name: 'Revoke badge' }).click();
  await expect(page.getByTestId('badge-status')).toHaveText('revoked');
  await holder.goto('/wallet');
  await holder.getByTestId('import-item').getByRole('button', { name: 'Check again' }).click();
  await expect(holder.getByTestId('import-item').getByTestId('import-status')).toHaveText('Not valid');
  await expect(holder.getByTestId('import-problem')).toContainText('Awarded by mistake.');

  // Another account reaches none of it.
  const eve = await person(browser, info, contexts);
  await signUp(eve, info);
  for (const fn of ['remove_import', 'check_import']) {
    const res = await eve.request.post(`/api/wallet/${fn}`, {
      headers: { Origin: baseURL },
      form: { public_id: publicId },
      maxRedirects: 0,
    });
    expect(res.status(), fn).toBe(404);
  }
  const anonymous = await request.post('/api/wallet/remove_import', {
    headers: { Origin: baseURL },
    form: { public_id: publicId },
    maxRedirects: 0,
  });
  expect(anonymous.status()).toBe(401);

  // The holder removes it.
  await holder.goto('/wallet');
  await holder.getByTestId('import-item').getByRole('button', { name: 'Remove from wallet' }).click();
  await expect(holder).toHaveURL(/\/wallet$/);
  await expect(holder.getByTestId('import-item')).toHaveCount(0);
});
