import { test, expect } from './base';
import type { BrowserContext, Page } from '@playwright/test';
import { createWalletFromClaim, F, issueTo, newTemplate, ownAddress, person, signIn, signUp, strong, unique } from './flows';
import { waitForMail, linkIn } from './mail';

// Holder accounts, both projects (JavaScript off and hydrated): a person
// signs up as a holder from /signup (email first, a link, then a password:
// the same rules as issuers), or from the claim link of a badge they were
// awarded, which lands on the badge in the new wallet. An address that has
// an account is told so, never given a second one. Holders see the wallet,
// not the portal.

test.describe.configure({ timeout: 120_000 });

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

async function askForHolderLink(page: Page, email: string) {
  await page.goto('/signup?as=holder');
  await expect(page.getByLabel('Keep and share the badges I earn')).toBeChecked();
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send me the link' }).click();
  await expect(page).toHaveURL(/\/signup\/sent$/);
}

test('holder sign-up from /signup: link, password rules, wallet; the link works once; a known address gets a sign-in mail', async ({ page, browser }, info) => {
  await ownAddress(page);
  const email = `${unique('holder', info.project.name)}@example.net`.toLowerCase();
  await askForHolderLink(page, email);
  const mail = await waitForMail(email, 15_000, 'Laurel wallet');
  const link = linkIn(mail, '/join');

  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Create your wallet' })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();
  // Bad input: a clear error each time, no account made.
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByLabel('Repeat the password').fill('short');
  await page.getByRole('button', { name: 'Create my wallet' }).click();
  await expect(page.getByRole('alert')).toHaveText('Use a password of at least 10 characters.');
  await page.goto(link);
  await page.getByLabel('Password', { exact: true }).fill(strong);
  await page.getByLabel('Repeat the password').fill(strong + 'x');
  await page.getByRole('button', { name: 'Create my wallet' }).click();
  await expect(page.getByRole('alert')).toHaveText('The two passwords are not the same.');

  await page.goto(link);
  await page.getByLabel('Your name (optional)').fill('Grace Hopper');
  await page.getByLabel('Password', { exact: true }).fill(strong);
  await page.getByLabel('Repeat the password').fill(strong);
  await page.getByRole('button', { name: 'Create my wallet' }).click();
  await expect(page).toHaveURL(/\/wallet$/);
  await expect(page.getByTestId('wallet-email')).toHaveText(email);
  // A holder's header: the wallet, no portal.
  const header = page.getByRole('banner');
  await expect(header.getByRole('link', { name: 'Wallet' })).toBeVisible();
  await expect(header.getByRole('link', { name: 'Portal' })).toHaveCount(0);

  // The link works once.
  const other = await person(browser, info, contexts);
  await other.goto(link);
  await expect(other.getByRole('alert')).toContainText('This link was already used.');

  // Signing in as a holder opens the wallet.
  await signIn(other, email, strong);
  await expect(other).toHaveURL(/\/wallet$/);

  // Asking again for the same address: the same answer page, and a mail
  // that says the account exists (no second account, no enumeration).
  const third = await person(browser, info, contexts);
  await askForHolderLink(third, email);
  const known = await waitForMail(email, 15_000, 'You already have a Laurel account');
  expect(known).toContain('/login');
  expect(known).not.toContain('/join?token=');
});

test('claim link → create the wallet → the badge is there, accepted; the claim page then leads to the wallet', async ({ page, browser }, info) => {
  await ownAddress(page);
  const { subdomain } = await signUp(page, info);
  const id = await newTemplate(page, subdomain, { name: 'Claimed Badge', image: `${F}/badge-200.png` });
  const holderEmail = `${unique('claimer', info.project.name)}@example.net`.toLowerCase();
  await issueTo(page, subdomain, id, holderEmail);
  const claim = linkIn(await waitForMail(holderEmail, 20_000), '/claim');

  const holder = await person(browser, info, contexts);
  await holder.goto(claim);
  const wallet = holder.getByTestId('claim-wallet');
  await expect(wallet).toContainText(holderEmail);
  // A weak password is refused; nothing is made.
  await wallet.getByLabel('Password', { exact: true }).fill('password123');
  await wallet.getByLabel('Repeat the password').fill('password123');
  await wallet.getByRole('button', { name: 'Create my wallet' }).click();
  await expect(holder.getByRole('alert')).toContainText('This password is too easy to guess.');
  const slug = await createWalletFromClaim(holder, claim);
  const item = holder.locator(`#badge-${slug}`);
  await expect(item).toContainText('Claimed Badge');
  await expect(item.getByTestId('visibility')).toHaveText('Private');

  // Back on the claim page: accepted, and the way to the wallet.
  await holder.goto(claim);
  await expect(holder.getByTestId('claimed')).toBeVisible();
  await expect(holder.getByTestId('claim-wallet').getByRole('link', { name: 'See it in your wallet' })).toHaveAttribute('href', `/wallet#badge-${slug}`);

  // Someone else opening the claim link (signed out) is sent to sign in:
  // the address has an account now.
  const stranger = await person(browser, info, contexts);
  await stranger.goto(claim);
  await expect(stranger.getByTestId('claim-wallet')).toContainText('already has a Laurel account');
  await expect(stranger.getByTestId('claim-wallet').getByRole('button', { name: 'Create my wallet' })).toHaveCount(0);
});

test('a second address, confirmed by its link, brings its badges into the wallet; removed, they leave', async ({ page, browser }, info) => {
  await ownAddress(page);
  const { subdomain } = await signUp(page, info);
  const id = await newTemplate(page, subdomain, { name: 'Work Badge', image: `${F}/badge-200.png` });
  const first = `${unique('first', info.project.name)}@example.net`.toLowerCase();
  const second = `${unique('second', info.project.name)}@example.org`.toLowerCase();
  await issueTo(page, subdomain, id, first);
  await issueTo(page, subdomain, id, second);
  const holder = await person(browser, info, contexts);
  await createWalletFromClaim(holder, linkIn(await waitForMail(first, 20_000), '/claim'));
  await holder.goto('/wallet');
  await expect(holder.getByTestId('wallet-item')).toHaveCount(1);

  // Bad input: the account's own address; not an address at all.
  await holder.getByLabel('Add an address').fill(first);
  await holder.getByRole('button', { name: 'Send the link' }).click();
  await expect(holder.getByRole('alert')).toHaveText('This address is already one of yours.');
  await holder.goto('/wallet');
  await holder.getByLabel('Add an address').fill(second);
  await holder.getByRole('button', { name: 'Send the link' }).click();
  await expect(holder.getByRole('status')).toContainText('A link to confirm the address is on its way');
  await expect(holder.getByTestId('address').filter({ hasText: second })).toContainText('waiting for confirmation');
  await expect(holder.getByTestId('wallet-item')).toHaveCount(1);
  const link = linkIn(await waitForMail(second, 15_000, 'Confirm this address'), '/wallet/addresses/confirm');

  // Another account cannot use the link.
  const eve = await person(browser, info, contexts);
  await signUp(eve, info);
  await eve.goto(link);
  await eve.getByRole('button', { name: 'Confirm the address' }).click();
  await expect(eve.getByRole('alert')).toContainText('This link confirms an address for another Laurel account');

  // The holder confirms: the badge issued to it is in the wallet.
  await holder.goto(link);
  await holder.getByRole('button', { name: 'Confirm the address' }).click();
  await expect(holder).toHaveURL(/\/wallet\?address_added=1/);
  await expect(holder.getByTestId('wallet-item')).toHaveCount(2);
  await expect(holder.getByTestId('address').filter({ hasText: second })).toHaveAttribute('data-verified', 'true');

  // Removed: its badge leaves the wallet (it stays with the issuer).
  await holder.getByRole('button', { name: `Remove ${second}` }).click();
  await expect(holder.getByTestId('wallet-item')).toHaveCount(1);
  await expect(holder.getByTestId('address')).toHaveCount(1);
  await page.goto(`/portal/${subdomain}/badges`);
  await expect(page.getByTestId('register')).toContainText(second);
});

test('export all my data (a zip), then delete my account: public pages are 404 at once, the badge stays verifiable', async ({ page, browser }, info) => {
  await ownAddress(page);
  const { subdomain } = await signUp(page, info);
  const id = await newTemplate(page, subdomain, { name: 'Kept Badge', image: `${F}/badge-200.png` });
  const email = `${unique('leaver', info.project.name)}@example.net`.toLowerCase();
  await issueTo(page, subdomain, id, email);
  const holder = await person(browser, info, contexts);
  const slug = await createWalletFromClaim(holder, linkIn(await waitForMail(email, 20_000), '/claim'));
  const handle = unique('l', info.project.name).toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 30).replace(/-$/, '');
  await holder.goto('/wallet');
  await holder.getByLabel('Handle').fill(handle);
  await holder.getByLabel('Display name').fill('Lee Leaver');
  await holder.getByLabel('Show my public profile').check();
  await holder.getByRole('button', { name: 'Save profile' }).click();
  await holder.getByRole('button', { name: 'Make public' }).click();
  const visitor = await person(browser, info, contexts);
  expect((await visitor.goto(`/u/${handle}`))!.status()).toBe(200);

  // The export: a zip with the account document and the badge's files.
  const href = (await holder.getByTestId('export').getAttribute('href'))!;
  const res = await holder.request.get(href);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('application/zip');
  expect(res.headers()['content-disposition']).toContain('laurel-export.zip');
  const zip = await res.body();
  expect(zip.subarray(0, 2).toString('latin1')).toBe('PK');
  for (const name of ['laurel-export/account.json', `laurel-export/badges/${slug}.ob2.jws`, `laurel-export/badges/${slug}.png`]) {
    expect(zip.includes(Buffer.from(name)), name).toBe(true);
  }
  expect((await visitor.request.get(href, { maxRedirects: 0 })).status()).toBe(401);

  // Deleting: said plainly; the password and the box are required.
  await holder.goto('/wallet');
  await holder.getByRole('link', { name: 'Delete my account' }).click();
  await expect(holder.getByText('Badges issued to you stay in their issuers\' registers')).toBeVisible();
  await holder.getByLabel('Password', { exact: true }).fill(strong);
  await holder.getByRole('button', { name: 'Delete my account' }).click();
  await expect(holder.getByRole('alert')).toHaveText('Tick the box to confirm: a deleted account cannot be restored.');
  await holder.goto('/account/delete');
  await holder.getByLabel('Password', { exact: true }).fill('not-the-password-at-all');
  await holder.getByLabel('I understand that my account is deleted for good.').check();
  await holder.getByRole('button', { name: 'Delete my account' }).click();
  await expect(holder.getByRole('alert')).toHaveText('The password is not right.');
  expect((await visitor.goto(`/u/${handle}`))!.status()).toBe(200);
  await holder.goto('/account/delete');
  await holder.getByLabel('Password', { exact: true }).fill(strong);
  await holder.getByLabel('I understand that my account is deleted for good.').check();
  await holder.getByRole('button', { name: 'Delete my account' }).click();
  await expect(holder).toHaveURL(/\/account\/deleted$/);

  // Gone at once; the badge stays verifiable; the account cannot sign in.
  expect((await visitor.goto(`/u/${handle}`))!.status()).toBe(404);
  expect((await visitor.goto(`/o/${subdomain}/assertions/${slug}`))!.status()).toBe(200);
  await signIn(holder, email, strong);
  await expect(holder.getByRole('alert')).toHaveText('The email address or the password is not right.');
});
