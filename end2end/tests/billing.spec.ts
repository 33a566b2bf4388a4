import { test, expect } from './base';
import type { BrowserContext, Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseURL } from '../playwright.config';
import { linkIn, waitForMail } from './mail';
import { F, newTemplate, person, regularColleague, signUp, strong, subscribe, unique } from './flows';

// Subscriptions through the portal, with the invoice (bank transfer)
// provider: no plan → issuing refused with a link to the Subscription tab;
// a trial of two badges → two issued, the third refused by hand and in a CSV
// preview; a plan without a trial → its invoice in the payment history, as a
// page and as a PDF; a regular member sees the status but not the controls,
// and is refused the billing server functions. Runs with and without
// JavaScript. (The operator's plans are added by playwright.config.ts.)

test.describe.configure({ timeout: 120_000 });

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

async function issueByHand(page: Page, subdomain: string, id: string, lines: string[]) {
  await page.goto(`/portal/${subdomain}/templates/${id}`);
  await page.getByLabel('Recipients, one per line').fill(lines.join('\n'));
  await page.getByRole('button', { name: 'Issue badges' }).click();
}

test('a trial: refused without a plan, two badges in the trial, the third refused by hand, in a CSV preview and by the API (402)', async ({ browser, playwright }, info) => {
  const page = await person(browser, info, contexts);
  const { subdomain } = await signUp(page, info, strong, null);
  const tag = unique('t', info.project.name).toLowerCase();
  const external = `trial-${tag}`.slice(0, 60);
  const id = await newTemplate(page, subdomain, { name: 'Trial Badge', image: `${F}/badge-200.png`, external });

  // The REST API answers 402 with the same sentence.
  await page.goto(`/portal/${subdomain}/settings/api`);
  await page.getByLabel('Name (what uses it)').fill('LMS');
  await page.getByLabel(/^badges:issue —/).check();
  await page.getByRole('button', { name: 'Create the token' }).click();
  const token = (await page.getByTestId('new-token').locator('pre').textContent())!.trim();
  const api = await playwright.request.newContext({ baseURL });
  const issue = (email: string) =>
    api.post('/api/v1/badges', {
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      data: JSON.stringify({ externalTemplateId: external, email, firstName: 'Api', lastName: 'Holder', achievedOn: '2026-01-01' }),
    });
  const none = await issue(`api-${tag}@example.com`);
  expect(none.status()).toBe(402);
  expect((await none.json()).error).toEqual({ code: 'payment_required', message: expect.stringContaining('Issuing badges needs a plan') });

  // No plan: the issue form says so, with the way to the Subscription tab.
  await page.goto(`/portal/${subdomain}/templates/${id}`);
  const refusal = page.getByTestId('billing-refusal');
  await expect(refusal).toContainText('Issuing badges needs a plan');
  await refusal.getByRole('link', { name: 'Open the Subscription tab' }).click();
  await expect(page).toHaveURL(new RegExp(`/portal/${subdomain}/subscription$`));
  await expect(page.getByTestId('plan-status')).toContainText('No plan');
  await expect(page.getByText('Choosing a plan needs a payment method')).toBeVisible();
  // Choosing without a payment method is refused with a sentence.
  await page.getByRole('button', { name: 'Choose Tiny trial', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Fill in the billing details first' })).toBeVisible();

  // Bad billing details are refused; nothing is saved.
  await page.goto(`/portal/${subdomain}/subscription/payment`);
  await page.getByLabel('Legal name').fill('Trial Ltd');
  await page.getByLabel('Billing email').fill(`billing-${tag}@example.org`);
  await page.getByLabel('Postal address').fill('1 Trial Road');
  await page.getByLabel('VAT ID (optional)').fill('NL<b>1</b>');
  await page.getByRole('button', { name: 'Save billing details' }).click();
  await expect(page.getByRole('alert')).toContainText('A VAT ID is letters and digits');

  // The trial: the plan on bank transfer; two badges; the third refused.
  await subscribe(page, subdomain, 'Tiny trial');
  await expect(page.getByTestId('plan-status')).toContainText('Trial until');
  await expect(page.getByTestId('trial-usage')).toHaveText('0 of 2 trial badges used');
  await expect(page.getByTestId('next-invoice')).toContainText('€12.10');
  await issueByHand(page, subdomain, id, [`one-${tag}@example.com, One, Holder`, `two-${tag}@example.com, Two, Holder`]);
  await expect(page.getByTestId('issued-notice')).toContainText('Issued 2 badge(s)');
  await issueByHand(page, subdomain, id, [`three-${tag}@example.com, Three, Holder`]);
  await expect(page.getByRole('alert').filter({ hasText: "Your trial's 2 badges are all issued" }).first()).toBeVisible();
  await page.goto(`/portal/${subdomain}/templates/${id}`);
  await expect(page.getByTestId('billing-refusal')).toContainText("Your trial's 2 badges are all issued");
  await page.goto(`/portal/${subdomain}/subscription`);
  await expect(page.getByTestId('trial-usage')).toHaveText('2 of 2 trial badges used');
  const over = await issue(`api2-${tag}@example.com`);
  expect(over.status()).toBe(402);
  expect((await over.json()).error.message).toContain("Your trial's 2 badges are all issued");
  await api.dispose();

  // A CSV batch says so in its preview, before anything starts.
  const file = join(mkdtempSync(join(tmpdir(), 'laurel-billing-')), 'more.csv');
  writeFileSync(file, `email,first_name,last_name,achievement_date\nfour-${tag}@example.com,Four,Holder,2026-01-01\n`);
  await page.goto(`/portal/${subdomain}/batches`);
  await page.getByLabel('CSV file (UTF-8, at most 100,000 rows)').setInputFiles(file);
  await page.getByRole('button', { name: 'Upload and preview' }).click();
  await expect(page.getByTestId('count-pending')).toHaveText('1');
  await expect(page.getByTestId('billing-refusal')).toContainText("Your trial's 2 badges are all issued");
  await expect(page.getByRole('button', { name: 'Issue 1 badge(s)' })).toBeDisabled();
  // Posted anyway, the confirmation is refused (402) and nothing starts.
  const batch = page.url().match(/\/batches\/(\d+)/)![1];
  const res = await page.request.post('/api/issuing/confirm_batch', {
    headers: { Origin: baseURL },
    form: { subdomain, id: batch, action: 'confirm' },
    maxRedirects: 0,
  });
  expect(res.status()).toBe(402);
  await page.reload();
  await expect(page.getByTestId('batch')).toHaveAttribute('data-status', 'preview');
});

test('a plan without a trial: the invoice is in the payment history, as a page and a PDF; a regular member sees only the status', async ({ browser }, info) => {
  const boss = await person(browser, info, contexts);
  const { subdomain } = await signUp(boss, info, strong, null);
  await subscribe(boss, subdomain, 'Pay as you go');
  await expect(boss.getByTestId('plan-status')).toHaveText('Active.');

  // The first cycle's invoice: €5.00 + 21 % VAT = €6.05, by bank transfer.
  await boss.getByRole('link', { name: 'Payment history' }).click();
  const invoices = boss.getByTestId('invoices');
  await expect(invoices).toContainText('€6.05');
  await expect(invoices).toContainText('open');
  await invoices.getByRole('link', { name: /^INV-\d{6}$/ }).click();
  await expect(boss.getByTestId('invoice-total')).toHaveText('€6.05');
  await expect(boss.getByText('Please pay by bank transfer by')).toBeVisible();
  await expect(boss.getByTestId('invoice')).toContainText('Test Academy Ltd');
  const href = await boss.getByRole('link', { name: 'Download the PDF' }).getAttribute('href');
  const pdf = await boss.request.get(href!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  expect(pdf.headers()['content-disposition']).toMatch(/attachment; filename="INV-\d{6}\.pdf"/);
  expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
  // The invoice was mailed to the billing address.
  const mail = await waitForMail(`billing-${subdomain}@example.org`, 20_000, 'Invoice INV-');
  expect(linkIn(mail, `/portal/${subdomain}/subscription/invoices/`)).toContain(baseURL);

  // A regular member: the status, not the plans, the controls or the money.
  const col = await regularColleague(browser, info, contexts, boss, subdomain);
  await col.goto(`/portal/${subdomain}/subscription`);
  await expect(col.getByTestId('plan-name')).toHaveText('Pay as you go');
  await expect(col.getByTestId('plan-status')).toHaveText('Active.');
  await expect(col.getByTestId('plans')).toHaveCount(0);
  await expect(col.getByRole('button', { name: /^(Choose|Change|End|Keep)/ })).toHaveCount(0);
  await expect(col.getByText('managed by your organisation')).toBeVisible();
  for (const path of ['subscription/payment', 'subscription/history', `subscription/invoices/${href!.match(/number=(\d+)/)![1]}`]) {
    const res = await col.goto(`/portal/${subdomain}/${path}`);
    expect(res?.status(), path).toBe(403);
  }
  for (const [fn, form] of [
    ['billing/choose_plan', { subdomain, plan_id: '1' }],
    ['billing/change_plan', { subdomain, change: 'end' }],
    ['billing/save_billing_details', { subdomain, legal_name: 'X', billing_email: 'x@example.org', address: 'Y', vat_id: '' }],
    ['billing/add_invoice_method', { subdomain }],
    ['billing/payment_method_action', { subdomain, id: '1', action: 'remove' }],
    ['billing/pay_invoice', { subdomain, number: '1' }],
    ['billing/get_payment', { subdomain }],
    ['billing/get_history', { subdomain }],
  ] as [string, Record<string, string>][]) {
    const res = await col.request.post(`/api/${fn}`, { headers: { Origin: baseURL }, form, maxRedirects: 0 });
    expect(res.status(), fn).toBe(403);
  }
  const pdfAsRegular = await col.request.get(href!);
  expect(pdfAsRegular.status()).toBe(403);
  // Another organisation's user gets "not found", anonymous callers 401 —
  // for every billing server function.
  const stranger = await person(browser, info, contexts);
  await signUp(stranger, info);
  const anon = await person(browser, info, contexts);
  expect((await stranger.request.get(href!)).status()).toBe(404);
  expect((await anon.request.get(href!)).status()).toBe(401);
  for (const [fn, form] of [
    ['billing/get_subscription', { subdomain }],
    ['billing/choose_plan', { subdomain, plan_id: '1' }],
    ['billing/change_plan', { subdomain, change: 'end' }],
    ['billing/get_payment', { subdomain }],
    ['billing/save_billing_details', { subdomain, legal_name: 'X', billing_email: 'x@example.org', address: 'Y', vat_id: '' }],
    ['billing/add_invoice_method', { subdomain }],
    ['billing/payment_method_action', { subdomain, id: '1', action: 'remove' }],
    ['billing/start_card', { subdomain }],
    ['billing/finish_card', { subdomain, setup_intent: 'seti_1' }],
    ['billing/get_history', { subdomain }],
    ['billing/get_invoice', { subdomain, number: '1' }],
    ['billing/pay_invoice', { subdomain, number: '1' }],
  ] as [string, Record<string, string>][]) {
    const other = await stranger.request.post(`/api/${fn}`, { headers: { Origin: baseURL }, form, maxRedirects: 0 });
    expect(other.status(), `${fn} as another organisation`).toBe(404);
    const nobody = await anon.request.post(`/api/${fn}`, { headers: { Origin: baseURL }, form, maxRedirects: 0 });
    expect(nobody.status(), `${fn} anonymously`).toBe(401);
  }
  // The plan is unchanged by all that.
  await boss.goto(`/portal/${subdomain}/subscription`);
  await expect(boss.getByTestId('plan-name')).toHaveText('Pay as you go');
  await expect(boss.getByTestId('scheduled')).toHaveCount(0);

  // Bad input from the boss: an unknown plan, a malformed change; no card
  // form where Stripe is not configured.
  const post = (fn: string, form: Record<string, string>) =>
    boss.request.post(`/api/${fn}`, { headers: { Origin: baseURL }, form, maxRedirects: 0 });
  const unknown = await post('billing/change_plan', { subdomain, change: 'plan:999999' });
  expect(unknown.status()).toBe(400);
  expect(await unknown.text()).toContain('That plan is not offered.');
  expect((await post('billing/change_plan', { subdomain, change: 'plan:x' })).status()).toBe(400);
  expect((await post('billing/choose_plan', { subdomain, plan_id: '999999' })).status()).toBe(400);
  const card = await boss.goto(`/portal/${subdomain}/subscription/card`);
  expect(card?.status()).toBe(404);
  await expect(boss.getByRole('alert')).toHaveText('That was not found.');
  // The plan's end waits for the next cycle, and says when.
  await boss.goto(`/portal/${subdomain}/subscription`);
  await boss.getByRole('button', { name: 'End the plan at the next cycle' }).click();
  await expect(boss.getByTestId('scheduled')).toContainText('Ends on');
  await expect(boss.getByTestId('plan-status')).toHaveText('Active.');
});
