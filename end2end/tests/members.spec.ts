import { test, expect } from './base';
import type { Browser, BrowserContext, Page, TestInfo } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { baseURL, dataDir } from '../playwright.config';
import { linkIn, waitForMail } from './mail';
import { signIn, signUp, strong, unique } from './flows';

// Organisation users and roles: invitations (new and existing accounts),
// role changes, the last privileged user, the audit log — and refusals that
// the server enforces: regular users and other organisations' users get
// nothing, on the pages and on the server functions posted to directly.
// Runs without JavaScript (ssr) and hydrated.
//
// Each person browses in their own context with their own client address
// (X-Forwarded-For, trusted by the test server), so the per-address rate
// limits of sign-up and sign-in are theirs and the audit log shows it.

// Several people, each signing up or in (argon2id in a debug build): more
// time than a one-person test.
test.describe.configure({ timeout: 120_000 });

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

function randomIp(): string {
  const b = () => 1 + Math.floor(Math.random() * 254);
  return `10.${b()}.${b()}.${b()}`;
}

async function person(browser: Browser, info: TestInfo): Promise<{ page: Page; ip: string }> {
  const ip = randomIp();
  const context = await browser.newContext({
    baseURL,
    javaScriptEnabled: info.project.use.javaScriptEnabled ?? true,
    extraHTTPHeaders: { 'X-Forwarded-For': ip },
  });
  contexts.push(context);
  return { page: await context.newPage(), ip };
}

/** The link of the newest invitation mail to `to` — one other than
 * `previous`, when given (a resent invitation is a new mail). */
async function inviteLink(to: string, previous?: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const link = linkIn(await waitForMail(to, 15_000, 'invited you to'), '/invite');
    if (link !== previous) return link;
    if (Date.now() > deadline) throw new Error(`no new invitation mail to ${to}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function row(page: Page, email: string) {
  return page.locator(`tr[data-email="${email}"]`);
}

async function invite(page: Page, subdomain: string, email: string, role: 'regular' | 'privileged') {
  await page.goto(`/portal/${subdomain}/users`);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Role', { exact: true }).selectOption(role);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(row(page, email)).toContainText(role);
}

/** The user id behind a member row (the hidden input of its forms). */
async function userId(page: Page, subdomain: string, email: string): Promise<string> {
  await page.goto(`/portal/${subdomain}/users`);
  const id = await row(page, email).locator('input[name="user_id"]').first().getAttribute('value');
  expect(id).toMatch(/^\d+$/);
  return id!;
}

/** Posts to a server function directly, as a script with the page's cookies would. */
async function post(page: Page, fn: string, form: Record<string, string>) {
  return page.request.post(`/api/${fn}`, { headers: { Origin: baseURL }, form, maxRedirects: 0 });
}

test('a new colleague joins by invitation as a regular user and is refused user management', async ({ browser }, info) => {
  const boss = await person(browser, info);
  const { email: bossEmail, subdomain } = await signUp(boss.page, info);

  // The portal links to the organisation's users and audit log.
  await boss.page.getByRole('link', { name: 'Users' }).click();
  await expect(boss.page).toHaveURL(new RegExp(`/portal/${subdomain}/users$`));
  await expect(boss.page.getByRole('heading', { name: 'Users of Test Academy' })).toBeVisible();
  await expect(row(boss.page, bossEmail).getByTestId('member-role')).toHaveText('privileged');

  const colleague = `${unique('colleague', info.project.name)}@example.org`;
  await invite(boss.page, subdomain, colleague, 'regular');
  const mail = await waitForMail(colleague, 15_000, 'invited you to Test Academy on Laurel');
  expect(mail).toContain('Content-Type: multipart/alternative');
  expect(mail).toContain('as a regular user');
  const link = linkIn(mail, '/invite');

  // The colleague opens the link in their own browser and chooses a password.
  const col = await person(browser, info);
  await col.page.goto(link);
  await expect(col.page.getByText(`invites ${colleague} to join as a regular user`)).toBeVisible();
  const fill = async (password: string, repeat = password) => {
    await col.page.getByLabel('Your name').fill('Cy Colleague');
    await col.page.getByLabel('Password', { exact: true }).fill(password);
    await col.page.getByLabel('Repeat the password').fill(repeat);
    await col.page.getByRole('button', { name: 'Accept invitation' }).click();
  };
  await fill('password123');
  await expect(col.page.getByRole('alert')).toContainText('This password is too easy to guess.');
  await fill(strong, strong + 'x');
  await expect(col.page.getByRole('alert')).toHaveText('The two passwords are not the same.');
  await fill(strong);
  await expect(col.page).toHaveURL(/\/portal$/);
  await expect(col.page.getByTestId('who')).toHaveText(colleague);
  await expect(col.page.getByTestId('role')).toHaveText('regular');
  await expect(col.page.getByRole('link', { name: 'Users' })).toHaveCount(0);

  // The link worked once.
  await col.page.goto(link);
  await expect(col.page.getByRole('alert')).toContainText('This link was already used.');

  // The regular user is refused the pages…
  for (const path of ['users', 'audit']) {
    const res = await col.page.goto(`/portal/${subdomain}/${path}`);
    expect(res?.status(), path).toBe(403);
    await expect(col.page.getByRole('alert')).toHaveText('You are not allowed to do that.');
    await expect(col.page.getByText(bossEmail)).toHaveCount(0);
  }
  // …and every server function behind them, posted directly.
  const colleagueId = await userId(boss.page, subdomain, colleague);
  const bossId = await userId(boss.page, subdomain, bossEmail);
  const attempts: [string, Record<string, string>][] = [
    ['members/get_members', { subdomain }],
    ['members/get_audit_log', { subdomain }],
    ['members/change_role', { subdomain, user_id: colleagueId, role: 'privileged' }],
    ['members/change_role', { subdomain, user_id: bossId, role: 'regular' }],
    ['members/remove_member', { subdomain, user_id: bossId }],
    ['members/invite_member', { subdomain, email: 'mole@example.org', role: 'privileged' }],
  ];
  for (const [fn, form] of attempts) {
    const res = await post(col.page, fn, form);
    expect(res.status(), fn).toBe(403);
    const body = await res.text();
    expect(body, fn).toContain('Forbidden');
    expect(body, fn).not.toContain(bossEmail);
  }
  // Nothing changed.
  await boss.page.goto(`/portal/${subdomain}/users`);
  await expect(row(boss.page, colleague).getByTestId('member-role')).toHaveText('regular');
  await expect(row(boss.page, bossEmail).getByTestId('member-role')).toHaveText('privileged');
  await expect(row(boss.page, 'mole@example.org')).toHaveCount(0);

  // The audit log shows the invitation, the acceptance and the sign-in.
  await boss.page.getByRole('link', { name: 'Audit log' }).click();
  await expect(boss.page).toHaveURL(new RegExp(`/portal/${subdomain}/audit$`));
  const invited = boss.page.locator('tr[data-event="member.invited"]');
  await expect(invited).toContainText(bossEmail);
  await expect(invited).toContainText(`${colleague} as regular`);
  await expect(invited).toContainText(boss.ip);
  const accepted = boss.page.locator('tr[data-event="invitation.accepted"]');
  await expect(accepted).toContainText(colleague);
  await expect(accepted).toContainText(col.ip);
});

test('an existing account accepts with its password; roles change; the last privileged user stays', async ({ browser }, info) => {
  const boss = await person(browser, info);
  const { email: bossEmail, subdomain } = await signUp(boss.page, info);
  const other = await person(browser, info);
  const { email: otherEmail, subdomain: otherSub } = await signUp(other.page, info);

  // The only privileged user can neither step down nor leave.
  await boss.page.goto(`/portal/${subdomain}/users`);
  await row(boss.page, bossEmail).getByRole('combobox').selectOption('regular');
  await row(boss.page, bossEmail).getByRole('button', { name: 'Change role' }).click();
  await expect(boss.page.getByRole('alert')).toHaveText(
    'An organisation needs at least one privileged user: make someone else privileged first.',
  );
  await row(boss.page, bossEmail).getByRole('button', { name: 'Remove' }).click();
  await expect(boss.page.getByRole('alert')).toHaveText(
    'An organisation needs at least one privileged user: make someone else privileged first.',
  );
  await boss.page.goto(`/portal/${subdomain}/users`);
  await expect(row(boss.page, bossEmail).getByTestId('member-role')).toHaveText('privileged');

  // Someone who already has an account (privileged in their own
  // organisation) is invited, and accepts with the password they have.
  await invite(boss.page, subdomain, otherEmail, 'regular');
  const link = await inviteLink(otherEmail);
  const fresh = await person(browser, info);
  await fresh.page.goto(link);
  await expect(fresh.page.getByText('You already have a Laurel account')).toBeVisible();
  await expect(fresh.page.getByLabel('Your name')).toHaveCount(0);
  await fresh.page.getByLabel('Password', { exact: true }).fill('not-the-password-at-all');
  await fresh.page.getByRole('button', { name: 'Accept invitation' }).click();
  await expect(fresh.page.getByRole('alert')).toHaveText('The password is not right.');
  await fresh.page.getByLabel('Password', { exact: true }).fill(strong);
  await fresh.page.getByRole('button', { name: 'Accept invitation' }).click();
  await expect(fresh.page).toHaveURL(/\/invite\/accepted$/);
  // Joining ended the sessions the account had (a gain of privilege).
  await other.page.goto('/portal');
  await expect(other.page.getByRole('heading', { name: 'Please sign in' })).toBeVisible();
  // One account, two roles.
  await signIn(fresh.page, otherEmail, strong);
  await expect(fresh.page).toHaveURL(/\/portal$/);
  const orgs = fresh.page.locator('li', { has: fresh.page.getByTestId('role') });
  await expect(orgs).toHaveCount(2);
  await expect(orgs.filter({ hasText: subdomain }).getByTestId('role')).toHaveText('regular');
  await expect(orgs.filter({ hasText: otherSub }).getByTestId('role')).toHaveText('privileged');
  await fresh.page.goto(link);
  await expect(fresh.page.getByRole('alert')).toContainText('This link was already used.');

  // Promotion: the member's sessions end, the next sign-in brings the role.
  await boss.page.goto(`/portal/${subdomain}/users`);
  await row(boss.page, otherEmail).getByRole('combobox').selectOption('privileged');
  await row(boss.page, otherEmail).getByRole('button', { name: 'Change role' }).click();
  await expect(row(boss.page, otherEmail).getByTestId('member-role')).toHaveText('privileged');
  await fresh.page.goto('/portal');
  await expect(fresh.page.getByRole('heading', { name: 'Please sign in' })).toBeVisible();
  await signIn(fresh.page, otherEmail, strong);
  await expect(fresh.page).toHaveURL(/\/portal$/);
  const res = await fresh.page.goto(`/portal/${subdomain}/users`);
  expect(res?.status()).toBe(200);
  await expect(row(fresh.page, bossEmail)).toBeVisible();

  // With two privileged users the first may step down; then the other is
  // the last one and cannot.
  await boss.page.goto(`/portal/${subdomain}/users`);
  await row(boss.page, bossEmail).getByRole('combobox').selectOption('regular');
  await row(boss.page, bossEmail).getByRole('button', { name: 'Change role' }).click();
  await expect(boss.page).toHaveURL(/\/portal$/);
  await expect(
    boss.page.locator('li', { hasText: subdomain }).getByTestId('role'),
  ).toHaveText('regular');
  await fresh.page.goto(`/portal/${subdomain}/users`);
  await row(fresh.page, otherEmail).getByRole('combobox').selectOption('regular');
  await row(fresh.page, otherEmail).getByRole('button', { name: 'Change role' }).click();
  await expect(fresh.page.getByRole('alert')).toHaveText(
    'An organisation needs at least one privileged user: make someone else privileged first.',
  );

  // Removal: the former boss leaves the organisation, keeps the account.
  await fresh.page.goto(`/portal/${subdomain}/users`);
  await row(fresh.page, bossEmail).getByRole('button', { name: 'Remove' }).click();
  await expect(row(fresh.page, bossEmail)).toHaveCount(0);
  const gone = await boss.page.goto(`/portal/${subdomain}/users`);
  expect(gone?.status()).toBe(404);
  await boss.page.goto('/portal');
  await expect(boss.page.getByTestId('who')).toHaveText(bossEmail);
  await expect(boss.page.getByTestId('role')).toHaveCount(0);

  // The audit log has the role changes and the removal.
  await fresh.page.goto(`/portal/${subdomain}/audit`);
  await expect(fresh.page.locator('tr[data-event="member.role_changed"]').first()).toContainText(
    `${bossEmail}: privileged → regular`,
  );
  await expect(fresh.page.locator('tr[data-event="member.role_changed"]').last()).toContainText(
    `${otherEmail}: regular → privileged`,
  );
  await expect(fresh.page.locator('tr[data-event="member.removed"]')).toContainText(bossEmail);
  await expect(fresh.page.locator('tr[data-event="user.sign_in_failed"]').first()).toContainText(otherEmail);
});

test('a user of one organisation cannot read or change anything of another', async ({ browser, request }, info) => {
  const a = await person(browser, info);
  const { email: aEmail, subdomain: aSub } = await signUp(a.page, info);
  const b = await person(browser, info);
  const { email: bEmail, subdomain: bSub } = await signUp(b.page, info);
  const bId = await userId(b.page, bSub, bEmail);

  // Pages: another organisation answers exactly like one that does not exist.
  for (const path of [`/portal/${bSub}/users`, `/portal/${bSub}/audit`, '/portal/no-such-org-here/users']) {
    const res = await a.page.goto(path);
    expect(res?.status(), path).toBe(404);
    await expect(a.page.getByRole('alert')).toHaveText('That was not found.');
    await expect(a.page.getByText(bEmail)).toHaveCount(0);
  }

  // Server functions, posted directly with A's cookies.
  const attempts: [string, Record<string, string>][] = [
    ['members/get_members', { subdomain: bSub }],
    ['members/get_audit_log', { subdomain: bSub }],
    ['members/invite_member', { subdomain: bSub, email: aEmail, role: 'privileged' }],
    ['members/change_role', { subdomain: bSub, user_id: bId, role: 'regular' }],
    ['members/remove_member', { subdomain: bSub, user_id: bId }],
    ['members/resend_invitation', { subdomain: bSub, invitation_id: '1' }],
    ['members/revoke_invitation', { subdomain: bSub, invitation_id: '1' }],
  ];
  for (const [fn, form] of attempts) {
    const res = await post(a.page, fn, form);
    expect(res.status(), fn).toBe(404);
    const body = await res.text();
    expect(body, fn).toContain('NotFound');
    expect(body, fn).not.toContain(bEmail);
  }
  // Naming B's member in A's own organisation reaches nobody.
  const sideways = await post(a.page, 'members/change_role', { subdomain: aSub, user_id: bId, role: 'regular' });
  expect(sideways.ok()).toBe(false);
  expect(await sideways.text()).toContain('That person is not a member of this organisation.');
  const remove = await post(a.page, 'members/remove_member', { subdomain: aSub, user_id: bId });
  expect(remove.ok()).toBe(false);

  // Without a session: refused before anything is looked up.
  const anonymous = await request.post('/api/members/get_members', { headers: { Origin: baseURL }, form: { subdomain: bSub } });
  expect(anonymous.status()).toBe(401);

  // B is untouched: still privileged, no invitation for A's user.
  await b.page.goto(`/portal/${bSub}/users`);
  await expect(row(b.page, bEmail).getByTestId('member-role')).toHaveText('privileged');
  await expect(row(b.page, aEmail)).toHaveCount(0);
  await expect(b.page.getByText('None.')).toBeVisible();
});

test('invitation links: revoked, resent, expired and forged links are refused', async ({ browser }, info) => {
  const boss = await person(browser, info);
  const { subdomain } = await signUp(boss.page, info);
  const guest = await person(browser, info);
  const address = (name: string) => `${unique(name, info.project.name)}@example.org`;

  // Revoked: the link stops working.
  const revoked = address('revoked');
  await invite(boss.page, subdomain, revoked, 'regular');
  const revokedLink = await inviteLink(revoked);
  await row(boss.page, revoked).getByRole('button', { name: 'Revoke' }).click();
  await expect(row(boss.page, revoked)).toHaveCount(0);
  await guest.page.goto(revokedLink);
  await expect(guest.page.getByRole('alert')).toContainText('This link is not valid.');

  // Resent: a new link; the old one stops working.
  const resent = address('resent');
  await invite(boss.page, subdomain, resent, 'privileged');
  const firstLink = await inviteLink(resent);
  await row(boss.page, resent).getByRole('button', { name: 'Resend' }).click();
  const secondLink = await inviteLink(resent, firstLink);
  expect(secondLink).not.toBe(firstLink);
  await guest.page.goto(firstLink);
  await expect(guest.page.getByRole('alert')).toContainText('This link is not valid.');
  await guest.page.goto(secondLink);
  await expect(guest.page.getByText(`invites ${resent} to join as a privileged user`)).toBeVisible();

  // Expired: seven days later (the test moves the expiry into the past).
  const expired = address('expired');
  await invite(boss.page, subdomain, expired, 'regular');
  const expiredLink = await inviteLink(expired);
  execFileSync('python3', [
    '-c',
    'import sqlite3, sys\n' +
      'db = sqlite3.connect(sys.argv[1], timeout=10)\n' +
      "db.execute(\"UPDATE email_tokens SET expires_at = '2000-01-01T00:00:00+00:00' WHERE purpose = 'invite' AND email = ?\", (sys.argv[2],))\n" +
      'db.commit()\n',
    join(dataDir, 'laurel.db'),
    expired,
  ]);
  await guest.page.goto(expiredLink);
  await expect(guest.page.getByRole('alert')).toContainText('This link has expired.');
  await boss.page.goto(`/portal/${subdomain}/users`);
  await expect(row(boss.page, expired)).toContainText('expired 2000-01-01');

  // Forged.
  await guest.page.goto('/invite?token=forged-token');
  await expect(guest.page.getByRole('alert')).toContainText('This link is not valid.');
  // An accept posted with a forged token creates nothing.
  const forged = await post(guest.page, 'members/accept_invite', {
    token: 'forged-token',
    display_name: 'Mallory',
    password: strong,
    password_confirm: strong,
  });
  expect(forged.ok()).toBe(false);
  expect(await forged.text()).toContain('This link is not valid.');

  // The audit log records each step.
  await boss.page.goto(`/portal/${subdomain}/audit`);
  await expect(boss.page.locator('tr[data-event="invitation.revoked"]')).toContainText(revoked);
  await expect(boss.page.locator('tr[data-event="invitation.resent"]')).toContainText(resent);
});
