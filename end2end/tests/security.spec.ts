import { test, expect } from './base';
import type { Page } from '@playwright/test';
import { waitForMail, linkIn } from './mail';
import { ownAddress, signIn, signOut, signUp, strong } from './flows';
import { base32Decode, hotp, stepOf, totpAtStep, wrongCode } from './totp';

// Account security as a person meets it: two-factor authentication with a
// code the test computes from the secret on the page (as an authenticator app
// would), recovery codes, password change and reset by mail. Runs without
// JavaScript (ssr) and hydrated.
//
// Each test has its own client address (X-Forwarded-For), so the per-address
// rate limits of sign-in, 2FA and reset are its own.

const WRONG = 'That code is not right.';

test('the TOTP helper follows RFC 6238', () => {
  // Appendix B, HMAC-SHA-1, seed "12345678901234567890".
  const seed = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  expect(base32Decode(seed).toString('ascii')).toBe('12345678901234567890');
  expect(totpAtStep(seed, stepOf(59), 8)).toBe('94287082');
  expect(totpAtStep(seed, stepOf(1111111109), 8)).toBe('07081804');
  expect(totpAtStep(seed, stepOf(1234567890), 8)).toBe('89005924');
  expect(totpAtStep(seed, stepOf(2000000000), 8)).toBe('69279037');
  expect(hotp(base32Decode(seed), 1)).toBe('287082');
});

/** Sends a code on the second step of signing in, and waits for the answer
 * (a page load without JavaScript, a request when hydrated). */
async function enterCode(page: Page, code: string) {
  await page.getByLabel('Code', { exact: true }).fill(code);
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/api/security/verify_login_code')),
    page.getByRole('button', { name: 'Verify' }).click(),
  ]);
}

/** Turns on 2FA from the security page; returns the secret, the step of
 * the code that confirmed it and the recovery codes. */
async function turnOnTwoFactor(page: Page): Promise<{ secret: string; step: number; codes: string[] }> {
  await page.goto('/account/security');
  await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
  const step = stepOf();
  await page.getByLabel('Code from the app', { exact: true }).fill(totpAtStep(secret, step));
  await page.getByLabel('Your password', { exact: true }).fill(strong);
  await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  await expect(page).toHaveURL(/\/account\/security\/recovery-codes$/);
  const codes = await showRecoveryCodes(page);
  return { secret, step, codes };
}

/** On the recovery-codes page: reveals the codes (a POST of its button) and
 * returns them. */
async function showRecoveryCodes(page: Page): Promise<string[]> {
  await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url().endsWith('/account/security/recovery-codes'),
    ),
    page.getByRole('button', { name: 'Show my recovery codes' }).click(),
  ]);
  await expect(page.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
  return page.getByTestId('recovery-codes').locator('li').allTextContents();
}

test('two-factor sign-in, recovery codes, password change and reset', async ({ page, browser }, info) => {
  test.setTimeout(120_000);
  await ownAddress(page);
  const { email } = await signUp(page, info);

  // From the portal to the security page; 2FA is off.
  await page.getByRole('link', { name: /Account security/ }).click();
  await expect(page).toHaveURL(/\/account\/security$/);
  await expect(page.getByTestId('mfa-status')).toContainText('Two-factor authentication is off.');

  // Set up: a server-rendered QR code and the secret as text.
  await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  const qr = page.getByRole('img', { name: 'QR code that adds Laurel to an authenticator app' });
  await expect(qr).toHaveAttribute('src', /^data:image\/png;base64,iVBORw0KGgo/);
  const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);

  // Another device signed in to the same account (it will be signed out).
  const otherContext = await browser.newContext({
    baseURL: info.project.use.baseURL,
    javaScriptEnabled: info.project.use.javaScriptEnabled ?? true,
  });
  const other = await otherContext.newPage();
  await ownAddress(other);
  await signIn(other, email, strong);
  await expect(other).toHaveURL(/\/portal$/);

  // A wrong code or a wrong password does not turn it on; the right pair does.
  const enableForm = async (code: string, password: string) => {
    await page.getByLabel('Code from the app', { exact: true }).fill(code);
    await page.getByLabel('Your password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  };
  await enableForm(wrongCode(secret), strong);
  await expect(page.getByRole('alert')).toContainText(WRONG);
  await enableForm(totpAtStep(secret, stepOf()), 'not-my-password-at-all');
  await expect(page.getByRole('alert')).toHaveText('The password is not right.');
  const enabledAt = stepOf();
  await enableForm(totpAtStep(secret, enabledAt), strong);

  // Ten recovery codes, revealed once by a POST: loading the page (a
  // reload, a prefetch) only offers to show them.
  await expect(page).toHaveURL(/\/account\/security\/recovery-codes$/);
  await expect(page.getByRole('heading', { name: 'Your recovery codes are ready' })).toBeVisible();
  await expect(page.getByTestId('recovery-codes')).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Your recovery codes are ready' })).toBeVisible();
  const codes = await showRecoveryCodes(page);
  await expect(page.getByRole('heading', { name: 'Save your recovery codes' })).toBeVisible();
  expect(codes).toHaveLength(10);
  for (const c of codes) expect(c).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
  expect(new Set(codes).size).toBe(10);
  await page.goto('/account/security/recovery-codes');
  await expect(page.getByRole('heading', { name: 'Recovery codes', exact: true })).toBeVisible();
  await expect(page.getByTestId('recovery-codes')).toHaveCount(0);
  await page.goto('/account/security');
  await expect(page.getByTestId('mfa-status')).toContainText('Two-factor authentication is on.');
  await expect(page.getByText('10 of 10 recovery codes left.')).toBeVisible();
  // The other device was signed out when 2FA went on.
  await other.goto('/portal');
  await expect(other.getByRole('heading', { name: 'Please sign in' })).toBeVisible();
  await otherContext.close();

  // Signing in now asks for a code after the password.
  await signOut(page);
  await signIn(page, email, strong);
  await expect(page).toHaveURL(/\/login\/2fa$/);
  // The password alone grants nothing but this step.
  await page.goto('/portal');
  await expect(page.getByRole('heading', { name: 'Please sign in' })).toBeVisible();
  await page.goto('/account/security');
  await expect(page.getByRole('heading', { name: 'Please sign in' })).toBeVisible();
  await page.goto('/login/2fa');
  await enterCode(page, wrongCode(secret));
  await expect(page.getByRole('alert')).toContainText(WRONG);
  // Each code works once: use a step after the one that turned 2FA on
  // (within the one step of skew the server allows).
  const signedInAt = Math.max(stepOf(), enabledAt + 1);
  await enterCode(page, totpAtStep(secret, signedInAt));
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByTestId('who')).toHaveText(email);

  // A recovery code signs in (however it is typed); it works once (see below).
  await signOut(page);
  await signIn(page, email, strong);
  await expect(page).toHaveURL(/\/login\/2fa$/);
  await enterCode(page, codes[0].toUpperCase().replace('-', ' '));
  await expect(page).toHaveURL(/\/portal$/);

  // Change the password: the current one is needed.
  const changed = 'maple-quartz-violin-47-harbour';
  await page.goto('/account/security');
  await expect(page.getByText('9 of 10 recovery codes left.')).toBeVisible();
  const changeForm = async (current: string, next: string, repeat = next) => {
    await page.getByLabel('Current password', { exact: true }).fill(current);
    await page.getByLabel('New password', { exact: true }).fill(next);
    await page.getByLabel('Repeat the new password', { exact: true }).fill(repeat);
    await page.getByRole('button', { name: 'Change password' }).click();
  };
  await changeForm('not-my-password-at-all', changed);
  await expect(page.getByRole('alert')).toHaveText('The current password is not right.');
  await changeForm(strong, 'password123');
  await expect(page.getByRole('alert')).toContainText('This password is too easy to guess.');
  await changeForm(strong, changed);
  await expect(page).toHaveURL(/\/account\/security\?done=password$/);
  await expect(page.getByRole('status')).toContainText('Your password is changed.');
  // This session goes on (under a new ID).
  await page.goto('/portal');
  await expect(page.getByTestId('who')).toHaveText(email);

  // Forgot it anyway: a reset link by mail (while this session is open).
  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page).toHaveURL(/\/password\/forgot$/);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await expect(page).toHaveURL(/\/password\/forgot\/sent$/);
  await expect(page.getByTestId('reset-sent')).toHaveText(
    'If an account exists for that address, a link is on its way. It works once, for an hour.',
  );
  const mail = await waitForMail(email, 15_000, 'Choose a new Laurel password');
  expect(mail).toContain('Content-Type: multipart/alternative');
  const link = linkIn(mail, '/password/reset');
  await page.goto(link);
  await expect(page.getByText(`For ${email}`)).toBeVisible();
  const reset = 'cobalt-meadow-lantern-58-fjord';
  const resetForm = async (password: string, repeat = password) => {
    await page.getByLabel('New password', { exact: true }).fill(password);
    await page.getByLabel('Repeat the new password', { exact: true }).fill(repeat);
    await page.getByRole('button', { name: 'Set the new password' }).click();
  };
  await resetForm(reset, reset + 'x');
  await expect(page.getByRole('alert')).toHaveText('The two passwords are not the same.');
  await resetForm('password123');
  await expect(page.getByRole('alert')).toContainText('This password is too easy to guess.');
  await resetForm(reset);
  await expect(page.getByRole('heading', { name: 'Your password is changed' })).toBeVisible();
  // Every session ended, this one too.
  await page.goto('/portal');
  await expect(page.getByRole('heading', { name: 'Please sign in' })).toBeVisible();

  // The old password no longer works; the new one does (with the second step).
  await signIn(page, email, changed);
  await expect(page.getByRole('alert')).toHaveText('The email address or the password is not right.');
  await signIn(page, email, reset, false);
  await expect(page).toHaveURL(/\/login\/2fa$/);
  // The recovery code used before is refused; an unused one works.
  await enterCode(page, codes[0]);
  await expect(page.getByRole('alert')).toContainText(WRONG);
  await enterCode(page, codes[1]);
  await expect(page).toHaveURL(/\/portal$/);

  // The link works once.
  await page.goto(link);
  await expect(page.getByRole('alert')).toContainText('This link was already used.');

  // Turning 2FA off needs the password and a current code.
  await page.goto('/account/security');
  const disableForm = async (password: string, code: string) => {
    await page.getByLabel('Your password', { exact: true }).fill(password);
    await page.getByLabel('Code from the app or a recovery code', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
  };
  await disableForm(changed, wrongCode(secret));
  await expect(page.getByRole('alert')).toHaveText('The password is not right.');
  await disableForm(reset, wrongCode(secret));
  await expect(page.getByRole('alert')).toContainText(WRONG);
  // A code of a step not used yet (wait for the clock if the last one was
  // ahead of it).
  const step = signedInAt + 1;
  while (stepOf() + 1 < step) await page.waitForTimeout(1000);
  await disableForm(reset, totpAtStep(secret, Math.max(stepOf(), step)));
  await expect(page).toHaveURL(/\/account\/security\?done=mfa-off$/);
  await expect(page.getByTestId('mfa-status')).toContainText('Two-factor authentication is off.');
  await expect(page.getByRole('status')).toContainText('Signing in now needs only your password.');
  await signOut(page);
  await signIn(page, email, reset);
  await expect(page).toHaveURL(/\/portal$/);
});

test('too many wrong codes lock the second step for a while', async ({ page }, info) => {
  test.setTimeout(90_000);
  await ownAddress(page);
  const { email } = await signUp(page, info);
  const { secret, step } = await turnOnTwoFactor(page);
  await signOut(page);
  await signIn(page, email, strong);
  await expect(page).toHaveURL(/\/login\/2fa$/);
  for (let i = 0; i < 5; i++) {
    await enterCode(page, wrongCode(secret));
    await expect(page.getByRole('alert')).toContainText(WRONG);
  }
  // Now even the right code is refused, with when to try again.
  await enterCode(page, totpAtStep(secret, Math.max(stepOf(), step + 1)));
  await expect(page.getByRole('alert')).toHaveText(/^Too many attempts\. Try again in \d+ s\.$/);
  await page.goto('/portal');
  await expect(page.getByRole('heading', { name: 'Please sign in' })).toBeVisible();
});

test('a reset request answers the same for an unknown address', async ({ page }, info) => {
  await ownAddress(page);
  const email = `nobody-${info.project.name}-${Date.now()}@example.org`;
  await page.goto('/password/forgot');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await expect(page).toHaveURL(/\/password\/forgot\/sent$/);
  await expect(page.getByTestId('reset-sent')).toHaveText(
    'If an account exists for that address, a link is on its way. It works once, for an hour.',
  );
  // A forged or missing link is refused with its message.
  await page.goto('/password/reset?token=forged-token');
  await expect(page.getByRole('alert')).toContainText('This link is not valid.');
  // The second step cannot be reached without a password first.
  await page.goto('/login/2fa');
  await enterCode(page, '123456');
  await expect(page.getByRole('alert')).toContainText('This sign-in has expired or was not started.');
});
