import { expect, Browser, BrowserContext, Page, TestInfo } from '@playwright/test';
import { baseURL } from '../playwright.config';
import { waitForMail, linkIn } from './mail';

// Steps several specs share: sign-up through activation, sign-in, sign-out.

export const strong = 'tulip-gravel-orbit-93-lantern';

export function unique(prefix: string, projectName: string): string {
  return `${prefix}-${projectName}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
}

export async function fillActivation(page: Page, values: Record<string, string>) {
  for (const [label, value] of Object.entries(values)) {
    await page.getByLabel(label, { exact: true }).fill(value);
  }
  await page.getByRole('button', { name: 'Activate' }).click();
}

/** Asks for a sign-up link for `email` and returns the link from the mail. */
export async function requestSignupLink(page: Page, email: string): Promise<{ link: string; mail: string }> {
  await page.goto('/signup');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send me the link' }).click();
  await expect(page).toHaveURL(/\/signup\/sent$/);
  const mail = await waitForMail(email);
  return { link: linkIn(mail, '/activate'), mail };
}

/** Puts the signed-in user's organisation on `plan` the way a customer
 * does: billing details, bank transfer against the invoice as the payment
 * method, then the plan on the Subscription tab. */
export async function subscribe(page: Page, subdomain: string, plan: string) {
  await page.goto(`/portal/${subdomain}/subscription/payment`);
  await page.getByLabel('Legal name').fill('Test Academy Ltd');
  await page.getByLabel('Billing email').fill(`billing-${subdomain}@example.org`);
  await page.getByLabel('Postal address').fill('1 Test Street\nTestville');
  await page.getByRole('button', { name: 'Save billing details' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');
  await page.getByRole('button', { name: 'Pay by bank transfer against the invoice' }).click();
  await expect(page.getByTestId('methods')).toContainText('Bank transfer against the invoice');
  await expect(page.getByTestId('methods')).toContainText('(default)');
  await page.goto(`/portal/${subdomain}/subscription`);
  await page.getByRole('button', { name: `Choose ${plan}`, exact: true }).click();
  await expect(page.getByTestId('plan-name')).toHaveText(plan);
}

/** Puts the signed-in user's organisation on `plan` through the same server
 * functions the Subscription tab's forms post to (billing details, bank
 * transfer, the plan), without rendering those pages: most specs only need
 * an organisation that may issue, and `subscribe` (billing.spec.ts) goes
 * through the pages themselves. */
export async function subscribeQuickly(page: Page, subdomain: string, plan: string) {
  const call = async (fn: string, form: Record<string, string>) => {
    const res = await page.request.post(`/api/billing/${fn}`, {
      form: { subdomain, ...form },
      headers: { Origin: baseURL, Accept: 'application/json' },
    });
    expect(res.status(), `${fn}: ${await res.text()}`).toBeLessThan(300);
    return res;
  };
  await call('save_billing_details', {
    legal_name: 'Test Academy Ltd',
    billing_email: `billing-${subdomain}@example.org`,
    address: '1 Test Street\nTestville',
    vat_id: '',
  });
  await call('add_invoice_method', {});
  const view = await (await call('get_subscription', {})).json();
  const chosen = (view.plans as { id: number; name: string }[]).find((p) => p.name === plan);
  expect(chosen, `the plan ${plan} is on offer`).toBeTruthy();
  await call('choose_plan', { plan_id: String(chosen!.id) });
}

/** A new organisation with its first user, signed in, in the portal — on
 * the suite's free plan (`plan`) unless told `null`. */
export async function signUp(
  page: Page,
  info: TestInfo,
  password = strong,
  plan: string | null = 'Test plan',
): Promise<{ email: string; subdomain: string }> {
  const subdomain = unique('org', info.project.name).slice(0, 40).toLowerCase();
  const email = `${subdomain}@example.org`;
  const { link } = await requestSignupLink(page, email);
  await page.goto(link);
  await fillActivation(page, {
    'Organisation name': 'Test Academy',
    Subdomain: subdomain,
    'Contact name': 'Ada Lovelace',
    Password: password,
    'Repeat the password': password,
  });
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByTestId('who')).toHaveText(email);
  if (plan) await subscribeQuickly(page, subdomain, plan);
  return { email, subdomain };
}

/** Fills and sends the sign-in form (opens it first unless told not to). */
export async function signIn(page: Page, email: string, password: string, open = true) {
  if (open) await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs out from the portal. */
export async function signOut(page: Page) {
  await page.goto('/portal');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
}

/** Gives this page its own client address (X-Forwarded-For, which the test
 * server trusts), so per-address rate limits are not shared with the rest of
 * the suite. Returns the address. */
export async function ownAddress(page: Page): Promise<string> {
  const b = () => 1 + Math.floor(Math.random() * 254);
  const ip = `10.${b()}.${b()}.${b()}`;
  await page.setExtraHTTPHeaders({ 'X-Forwarded-For': ip });
  return ip;
}

/** The test fixtures' folder (images, CSV files). */
export const F = 'tests/fixtures';

export type Design = { name: string; image: string; external?: string; criteria?: string; tags?: string };

/** Fills the designer and saves; returns nothing (the caller checks). */
export async function design(page: Page, d: Design) {
  await page.getByLabel('Name', { exact: true }).fill(d.name);
  await page.getByLabel('Description').fill('Knows the basics.');
  await page.getByLabel('Criteria (Markdown)').fill(d.criteria ?? 'Pass the **exam**.');
  await page.getByLabel('Validity in years').fill('2');
  await page.getByLabel('Tags (comma-separated)').fill(d.tags ?? 'testing, basics');
  if (d.external) await page.getByLabel('External template ID (optional)').fill(d.external);
  await page.getByLabel(/^(Image|New image)/).setInputFiles(d.image);
  await page.getByRole('button', { name: 'Save template' }).click();
}

/** A new template through the designer; returns its id. */
export async function newTemplate(page: Page, subdomain: string, d: Design): Promise<string> {
  await page.goto(`/portal/${subdomain}/templates/new`);
  await design(page, d);
  await expect(page.getByRole('status')).toHaveText('Template saved.');
  const id = page.url().match(/\/templates\/(\d+)/)?.[1];
  expect(id).toBeTruthy();
  return id!;
}

/** A page in a browser context of its own (cookies, and a client address
 * for the rate limits), JavaScript as in the test's project; the context is
 * added to `contexts` for the spec to close after the test. */
export async function person(browser: Browser, info: TestInfo, contexts: BrowserContext[]): Promise<Page> {
  const b = () => 1 + Math.floor(Math.random() * 254);
  const context = await browser.newContext({
    baseURL,
    javaScriptEnabled: info.project.use.javaScriptEnabled ?? true,
    extraHTTPHeaders: { 'X-Forwarded-For': `10.${b()}.${b()}.${b()}` },
  });
  contexts.push(context);
  return context.newPage();
}

/** A colleague invited by `boss` to `subdomain` as a regular user, who
 * accepts in a browser context of their own: their page, in the portal. */
export async function regularColleague(
  browser: Browser,
  info: TestInfo,
  contexts: BrowserContext[],
  boss: Page,
  subdomain: string,
): Promise<Page> {
  const colleague = `${unique('regular', info.project.name)}@example.org`;
  await boss.goto(`/portal/${subdomain}/users`);
  await boss.getByLabel('Email', { exact: true }).fill(colleague);
  await boss.getByLabel('Role', { exact: true }).selectOption('regular');
  await boss.getByRole('button', { name: 'Send invitation' }).click();
  const link = linkIn(await waitForMail(colleague, 15_000, 'invited you to'), '/invite');
  const col = await person(browser, info, contexts);
  await col.goto(link);
  await col.getByLabel('Your name').fill('Reg Ular');
  await col.getByLabel('Password', { exact: true }).fill(strong);
  await col.getByLabel('Repeat the password').fill(strong);
  await col.getByRole('button', { name: 'Accept invitation' }).click();
  await expect(col.getByTestId('role')).toHaveText('regular');
  return col;
}

/** Issues the template `id` by hand to `email` (the issuer is signed in on
 * `page`). */
export async function issueTo(page: Page, subdomain: string, id: string, email: string) {
  await page.goto(`/portal/${subdomain}/templates/${id}`);
  await page.getByLabel('Recipients, one per line').fill(`${email}, Ada, Tester`);
  await page.getByRole('button', { name: 'Issue badges' }).click();
  await expect(page.getByTestId('issued-notice')).toContainText('Issued 1 badge(s)');
}

/** Creates the wallet of `holder` from a claim link (a password on the claim
 * page); returns the badge's slug from the wallet's anchor. */
export async function createWalletFromClaim(holder: Page, claim: string): Promise<string> {
  await holder.goto(claim);
  const wallet = holder.getByTestId('claim-wallet');
  await wallet.getByLabel('Password', { exact: true }).fill(strong);
  await wallet.getByLabel('Repeat the password').fill(strong);
  await wallet.getByRole('button', { name: 'Create my wallet' }).click();
  // Argon2 hashes the new password first: slow by design, slower still
  // while the rest of the suite loads both cores.
  await expect(holder).toHaveURL(/\/wallet#badge-[A-Za-z0-9_-]+$/, { timeout: 20_000 });
  return new URL(holder.url()).hash.replace('#badge-', '');
}
