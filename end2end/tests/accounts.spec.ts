import { test, expect } from './base';
import { waitForMail, linkIn } from './mail';
import { fillActivation, signIn, signUp, strong, unique, ownAddress } from './flows';

// Issuer sign-up through sign-in, as a person does it: the mail is read from
// Laurel's outbox. Runs without JavaScript (ssr) and hydrated.

test('sign up, verify by mail, activate, portal, sign out, sign in', async ({ page }, info) => {
  await ownAddress(page);
  const sub = unique('org', info.project.name).slice(0, 40).toLowerCase();
  const email = `${sub}@example.org`;

  await page.goto('/signup');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send me the link' }).click();
  await expect(page).toHaveURL(/\/signup\/sent$/);
  await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();

  const mail = await waitForMail(email);
  expect(mail).toContain('Subject: Confirm your email');
  expect(mail).toContain('Content-Type: multipart/alternative');
  const link = linkIn(mail, '/activate');
  await page.goto(link);
  await expect(page.getByText(`Signing up as ${email}`)).toBeVisible();
  await expect(page.getByText('can never be changed')).toBeVisible();

  const good = {
    'Organisation name': 'Test Academy',
    Subdomain: sub,
    'Contact name': 'Ada Lovelace',
    Password: strong,
    'Repeat the password': strong,
  };
  // Bad input, each with its own message; nothing is created.
  await fillActivation(page, { ...good, Subdomain: 'www' });
  await expect(page.getByRole('alert')).toHaveText('“www” is reserved; choose another subdomain.');
  await fillActivation(page, { ...good, Subdomain: 'demo' });
  await expect(page.getByRole('alert')).toHaveText('The subdomain “demo” is already taken; choose another.');
  await fillActivation(page, { ...good, Password: 'password123', 'Repeat the password': 'password123' });
  await expect(page.getByRole('alert')).toContainText('This password is too easy to guess.');
  await fillActivation(page, { ...good, 'Repeat the password': strong + 'x' });
  await expect(page.getByRole('alert')).toHaveText('The two passwords are not the same.');

  await fillActivation(page, good);
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByTestId('who')).toHaveText(email);
  await expect(page.getByTestId('role')).toHaveText('privileged');

  // The link worked once.
  await page.goto(link);
  await expect(page.getByRole('alert')).toContainText('This link was already used.');

  // The organisation exists, with the subdomain chosen.
  const org = await page.goto(`/o/${sub}`);
  expect(org?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Test Academy');

  // Sign out, then back in; a wrong password is refused.
  await page.goto('/portal');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/portal');
  await expect(page.getByRole('heading', { name: 'Please sign in' })).toBeVisible();
  await signIn(page, email, 'not-the-password-at-all');
  await expect(page.getByRole('alert')).toHaveText('The email address or the password is not right.');
  await signIn(page, email, strong, false);
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByTestId('who')).toHaveText(email);

  // Sign out everywhere ends this session too.
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/portal');
  await expect(page.getByRole('heading', { name: 'Please sign in' })).toBeVisible();
});

test('bad sign-up input is refused with a message', async ({ page }) => {
  await ownAddress(page);
  await page.goto('/signup');
  await page.getByLabel('Email').fill('not-an-email@localhost');
  await page.getByRole('button', { name: 'Send me the link' }).click();
  await expect(page.getByRole('alert')).toHaveText('“not-an-email@localhost” is not a valid email address.');
  await page.goto('/activate?token=forged-token');
  await expect(page.getByRole('alert')).toContainText('This link is not valid.');
});

test('repeated wrong passwords lock the account for a while', async ({ page }, info) => {
  await ownAddress(page);
  const email = `${unique('nobody', info.project.name)}@example.org`;
  await page.goto('/login');
  for (let i = 0; i < 5; i++) {
    await signIn(page, email, 'wrong-password-' + i, false);
    await expect(page.getByRole('alert')).toHaveText('The email address or the password is not right.');
  }
  await signIn(page, email, 'wrong-password-x', false);
  await expect(page.getByRole('alert')).toHaveText(/^Too many attempts\. Try again in \d+ s\.$/);
  // The lock is for this account from this address: from another one the
  // password is still checked, so guesses from elsewhere cannot lock the
  // owner out.
  await ownAddress(page);
  await page.goto('/login');
  await signIn(page, email, 'wrong-password-y', false);
  await expect(page.getByRole('alert')).toHaveText('The email address or the password is not right.');
});

test('a cross-site form post is refused', async ({ page, request }) => {
  await page.goto('/login');
  const action = await page.locator('form').first().getAttribute('action');
  expect(action).toMatch(/^\/api\//);
  const evil = await request.post(action!, {
    headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
    data: 'email=a%40example.org&password=x',
  });
  expect(evil.status()).toBe(403);
  expect(await evil.text()).toContain('Cross-site request refused');
  const none = await request.post(action!, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    data: 'email=a%40example.org&password=x',
  });
  expect(none.status(), 'no Origin and no Referer is refused too').toBe(403);
});

test('the site header follows the session: visitor links, then the signed-in person', async ({ page }, info) => {
  await ownAddress(page);
  const header = page.getByRole('banner');
  await page.goto('/');
  await expect(header.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expect(header.getByRole('link', { name: 'Start issuing' })).toBeVisible();
  await expect(header.getByTestId('header-who')).toHaveCount(0);
  await expect(header.getByRole('button', { name: 'Sign out' })).toHaveCount(0);

  const { email } = await signUp(page, info);
  // On every kind of page: public, portal, organisation pages.
  for (const path of ['/', '/portal', '/o/demo', '/login']) {
    await page.goto(path);
    await expect(header.getByTestId('header-who'), path).toHaveText(email);
    await expect(header.getByRole('link', { name: 'Portal' }), path).toHaveAttribute('href', '/portal');
    await expect(header.getByRole('button', { name: 'Sign out' }), path).toBeVisible();
    await expect(header.getByRole('link', { name: 'Sign in' }), path).toHaveCount(0);
    await expect(header.getByRole('link', { name: 'Start issuing' }), path).toHaveCount(0);
  }
  await header.getByRole('link', { name: 'Portal' }).click();
  await expect(page).toHaveURL(/\/portal$/);

  // "Sign out" in the header ends the session, and the header says so at once.
  await header.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(header.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expect(header.getByTestId('header-who')).toHaveCount(0);
  await page.goto('/portal');
  await expect(page.getByRole('heading', { name: 'Please sign in' })).toBeVisible();
  await expect(header.getByRole('link', { name: 'Sign in' })).toBeVisible();
});
