import { test, expect } from './base';
import type { BrowserContext, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseURL, dataDir } from '../playwright.config';
import { badgecheck } from './badgecheck';
import { operator } from './demo';
import { linkIn, waitForMail } from './mail';
import { F, design, newTemplate, ownAddress, person, regularColleague, signUp, unique } from './flows';

// The issuer workspace: the template designer with its image rules, issuing
// by hand and by CSV batch (preview, confirm, progress, result file, no
// duplicates on a second upload), the register and its export, revocation
// checked by the official validator, and who may see and do what. Both
// projects (JavaScript off and hydrated) unless a test says otherwise.

test.describe.configure({ timeout: 120_000 });

test('template designer: each bad image refused with its reason; PNG and SVG saved; edits are versions', async ({ page }, info) => {
  await ownAddress(page);
  const { subdomain } = await signUp(page, info);
  await page.goto(`/portal/${subdomain}`);
  await expect(page.getByRole('heading', { name: 'Get started' })).toBeVisible();
  // A new organisation sends within daily limits until it is verified.
  await expect(page.getByTestId('sending-limit')).toContainText('Left today: 100 badges, 200 mails.');
  await page.getByRole('link', { name: 'Design your first badge template' }).click();
  await expect(page.getByRole('heading', { name: 'New badge template' })).toBeVisible();

  for (const [file, message] of [
    ['badge-big.png', 'The image is 301 KB; the limit is 256 KB (45 KB too big).'],
    ['badge-wide.png', 'The image is 200 × 100 px; it must be square (100 px difference).'],
    ['tiny-8.png', 'The image is 8 × 8 px; it must be at least 90 px on each side (82 px short).'],
    ['script.svg', 'The SVG contains a <script> element, which images may not contain.'],
    ['logo-128.png', ''],
  ] as const) {
    if (!message) continue;
    await design(page, { name: 'Testing Basics', image: `${F}/${file}` });
    await expect(page.getByRole('alert')).toHaveText(message);
  }
  await page.goto(`/portal/${subdomain}/templates`);
  await expect(page.getByText('No templates yet.')).toBeVisible();

  // A valid PNG; the criteria's Markdown is rendered, its raw HTML is not.
  const png = await newTemplate(page, subdomain, {
    name: 'Testing Basics',
    image: `${F}/badge-200.png`,
    external: 'testing-basics',
    criteria: 'Pass the **exam**.\n\n<script>alert(1)</script>',
  });
  await expect(page.getByRole('heading', { name: 'Testing Basics' })).toBeVisible();
  const criteria = page.getByTestId('preview-criteria');
  await expect(criteria.locator('strong')).toHaveText('exam');
  await expect(criteria).toContainText('<script>alert(1)</script>');
  await expect(page.getByTestId('preview').locator('script')).toHaveCount(0);

  // A valid SVG.
  await newTemplate(page, subdomain, { name: 'Open Source Hero', image: `${F}/badge.svg` });
  await expect(page.getByRole('img', { name: 'Badge image' })).toBeVisible();

  // The external ID is unique in the organisation.
  await page.goto(`/portal/${subdomain}/templates/new`);
  await design(page, { name: 'Clash', image: `${F}/badge-200.png`, external: 'testing-basics' });
  await expect(page.getByRole('alert')).toContainText('Another template already has the external ID “testing-basics”');

  // Editing makes version 2; version 1's public badge class is unchanged.
  await page.goto(`/portal/${subdomain}/templates/${png}`);
  const v1 = await page.locator('details a', { hasText: 'Version 1' }).getAttribute('href');
  await page.getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Testing Basics');
  await page.getByLabel('Name', { exact: true }).fill('Testing Basics II');
  await page.getByRole('button', { name: 'Save template' }).click();
  await expect(page.getByRole('heading', { name: 'Testing Basics II' })).toBeVisible();
  await expect(page.getByText('Versions (2)')).toBeVisible();
  const old = await (await page.request.get(v1!, { headers: { Accept: 'application/json' } })).json();
  expect(old.name).toBe('Testing Basics');

  // Duplicate opens the copy's designer; archive hides a template.
  await page.getByRole('button', { name: 'Duplicate' }).click();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Copy of Testing Basics II');
  await expect(page.getByLabel('External template ID (optional)')).toHaveValue('');
  await page.goto(`/portal/${subdomain}/templates/${png}`);
  await page.getByRole('button', { name: 'Archive' }).click();
  await expect(page.getByText('This template is archived')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Issue badges' })).toBeDisabled();
  await page.goto(`/portal/${subdomain}/templates`);
  await expect(page.getByTestId('templates').getByRole('link', { name: 'Testing Basics II', exact: true })).toHaveCount(0);
  await expect(page.getByTestId('templates').getByRole('link', { name: 'Copy of Testing Basics II' })).toBeVisible();
});

/** Asks for a badge's mail to be sent again (the badge named by the slug
 * in its report link), as the badge page's button does. */
async function resendMail(page: Page, subdomain: string, report: string) {
  const slug = new URL(report).searchParams.get('badge')!;
  return page.request.post('/api/issuing/resend_badge_mail', {
    form: { subdomain, slug },
    headers: { Origin: baseURL, Accept: 'application/json' },
  });
}

/** A CSV file in a temporary directory; returns its path. */
function csvFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'laurel-batch-')), 'awardees.csv');
  writeFileSync(path, text);
  return path;
}

test('issue by hand and by CSV batch: preview, progress to 100 %, results, no duplicates; register and export', async ({ page }, info) => {
  await ownAddress(page);
  const { subdomain } = await signUp(page, info);
  const id = await newTemplate(page, subdomain, { name: 'Batch Badge', image: `${F}/badge-200.png`, external: 'batch' });
  const tag = unique('h', info.project.name).toLowerCase();
  const ada = `ada-${tag}@example.com`;

  // By hand: a bad line refuses the whole submission, nothing is issued.
  await page.getByLabel('Recipients, one per line').fill(`${ada}, Ada, Lovelace\nnot-an-email, Bad, Line`);
  await page.getByRole('button', { name: 'Issue badges' }).click();
  await expect(page.getByRole('alert')).toHaveText('Nothing was issued. Line 2: “not-an-email” is not a valid email address.');
  await page.getByLabel('Recipients, one per line').fill(`${ada}, Ada, Lovelace\njan-${tag}@example.com, Jan, Dijk, van`);
  await page.getByLabel('Evidence narrative (optional)').fill('Passed the practical.');
  await page.getByRole('button', { name: 'Issue badges' }).click();
  await expect(page.getByTestId('issued-notice')).toContainText('Issued 2 badge(s)');

  // The holder's mail: the badge, its verification page and a claim link.
  const mail = await waitForMail(ada, 20_000, 'Your badge “Batch Badge” from Test Academy');
  expect(mail).toContain(`/o/${subdomain}/assertions/`);
  const claim = linkIn(mail, '/claim');
  await page.goto(claim);
  await expect(page.getByRole('heading', { name: 'Ada Lovelace, you earned “Batch Badge”' })).toBeVisible();
  await page.getByRole('button', { name: 'Accept this badge' }).click();
  await expect(page.getByTestId('claimed')).toHaveText('You have accepted this badge.');

  // Its foot links to a report of abuse that names the organisation and
  // the badge; the operator reads the report from the command line.
  const report = linkIn(mail, '/abuse');
  expect(report).toContain(`org=${subdomain}&badge=`);
  await page.goto(report);
  await expect(page.getByTestId('abuse-subject')).toHaveText('About the badge mail sent on behalf of Test Academy.');
  await page.getByLabel('Something else').check();
  await page.getByRole('button', { name: 'Send the report' }).click();
  await expect(page.getByRole('alert')).toHaveText('Say in a few words what is wrong with the mail.');
  await page.getByLabel('I never had anything to do with this organisation').check();
  await page.getByLabel('Anything we should know (optional)').fill(`Never heard of them (${tag}).`);
  await page.getByLabel('Your email address, if you would like an answer (optional)').fill('not-an-email@localhost');
  await page.getByRole('button', { name: 'Send the report' }).click();
  await expect(page.getByRole('alert')).toContainText('is not a valid email address');
  await page.getByLabel('I never had anything to do with this organisation').check();
  await page.getByLabel('Anything we should know (optional)').fill(`Never heard of them (${tag}).`);
  await page.getByLabel('Your email address, if you would like an answer (optional)').fill('');
  await page.getByRole('button', { name: 'Send the report' }).click();
  await expect(page.getByTestId('abuse-sent')).toBeVisible();
  const reports = operator(['orgs', 'reports', subdomain]);
  expect(reports).toContain(`${subdomain} badge `);
  expect(reports).toContain(`reason unexpected reply-to - — Never heard of them (${tag}).`);
  // The resend limit: three more times a day, then refused with when.
  for (let i = 0; i < 3; i++) {
    const r = await resendMail(page, subdomain, report);
    expect(r.status(), await r.text()).toBeLessThan(400);
  }
  const refused = await resendMail(page, subdomain, report);
  expect(refused.status()).toBe(429);
  expect(await refused.text()).toContain("This badge's mail was already sent again 3 times today.");

  // A CSV with good and bad rows.
  const rows = [
    'email,first_name,last_name_prefix,last_name,is_individual,achievement_date,template',
    ...[1, 2, 3, 4, 5].map((n) => `p${n}-${tag}@example.com,Person,,Number ${n},yes,2026-01-0${n},`),
    `bad-email-${tag},No,,Address,yes,2026-01-01,`,
    `nolast-${tag}@example.com,No,,,yes,2026-01-01,`,
    `future-${tag}@example.com,Time,,Traveller,yes,2999-01-01,`,
    `other-${tag}@example.com,Un,,Known,yes,2026-01-01,no-such-template`,
    `p1-${tag}@example.com,Person,,Number 1,yes,2026-01-01,`,
  ].join('\n');
  const file = csvFile(rows + '\n');
  await page.goto(`/portal/${subdomain}/batches`);
  const sample = await page.request.get('/samples/laurel-batch-sample.csv');
  expect(sample.status()).toBe(200);
  expect(await sample.text()).toContain('email,first_name,last_name_prefix,last_name');
  await page.getByLabel('CSV file (UTF-8, at most 100,000 rows)').setInputFiles(file);
  await page.getByRole('button', { name: 'Upload and preview' }).click();
  await expect(page.getByTestId('count-total')).toHaveText('10');
  await expect(page.getByTestId('count-pending')).toHaveText('5');
  await expect(page.getByTestId('count-invalid')).toHaveText('5');
  const problems = page.getByTestId('problems');
  await expect(problems).toContainText(`“bad-email-${tag}” is not a valid email address.`);
  await expect(problems).toContainText('The last name is missing.');
  await expect(problems).toContainText('is in the future');
  await expect(problems).toContainText('Unknown template “no-such-template”');
  await expect(problems).toContainText('Duplicate of line 2');
  await page.getByRole('button', { name: 'Issue 5 badge(s)' }).click();
  // Progress reaches 100 % (hydrated: live; without JavaScript: the page refreshes).
  await expect(page.getByTestId('batch')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('progress')).toHaveText('100 %');
  await expect(page.getByTestId('count-issued')).toHaveText('5');
  const results = page.getByRole('link', { name: 'Download the result file (CSV)' });
  const res = await page.request.get((await results.getAttribute('href'))!);
  expect(res.headers()['content-type']).toBe('text/csv; charset=utf-8');
  expect(res.headers()['content-disposition']).toMatch(/^attachment; filename="batch-\d+-results.csv"$/);
  const lines = (await res.text()).trim().split('\n');
  expect(lines[0]).toBe('line,email,name,status,message,badge_url');
  expect(lines).toHaveLength(11);
  expect(lines.filter((l) => l.includes(',issued,'))).toHaveLength(5);
  expect(lines[1]).toMatch(new RegExp(`^2,p1-${tag}@example.com,Person Number 1,issued,,http://127.0.0.1:\\d+/o/${subdomain}/assertions/`));

  // The same file again: every good row is found issued, none twice.
  await page.goto(`/portal/${subdomain}/batches`);
  await page.getByLabel('CSV file (UTF-8, at most 100,000 rows)').setInputFiles(file);
  await page.getByRole('button', { name: 'Upload and preview' }).click();
  await expect(page.getByTestId('count-pending')).toHaveText('0');
  await expect(page.getByTestId('count-skipped')).toHaveText('5');
  await expect(page.getByRole('button', { name: 'Issue 0 badge(s)' })).toBeDisabled();

  // The register: 7 badges of this run, searchable; export of the filter.
  await page.goto(`/portal/${subdomain}/badges?q=${tag}`);
  await expect(page.getByTestId('register-total')).toHaveText('7 badge(s)');
  await page.getByLabel('Recipient email or name').fill(`jan-${tag}`);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('register-total')).toHaveText('1 badge(s)');
  await expect(page.getByTestId('register').locator('tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('register')).toContainText('Jan van Dijk');
  await page.goto(`/portal/${subdomain}/badges?q=${tag}&from=2026-01-02&to=2026-01-03&sort=email`);
  await expect(page.getByTestId('register-total')).toHaveText('2 badge(s)');
  const exported = await page.request.get((await page.getByRole('link', { name: 'Export these as CSV' }).getAttribute('href'))!);
  const exportLines = (await exported.text()).trim().split('\n');
  expect(exportLines[0]).toBe('email,name,badge,issued_on,expires,status,claimed,source,url');
  expect(exportLines.slice(1).map((l) => l.split(',')[0])).toEqual([`p2-${tag}@example.com`, `p3-${tag}@example.com`]);
  await page.goto(`/portal/${subdomain}/badges?from=2026-02-01&to=2026-01-01`);
  await expect(page.getByRole('alert')).toHaveText('The “from” date 2026-02-01 is after the “to” date 2026-01-01.');
  // The dashboard counts them.
  await page.goto(`/portal/${subdomain}`);
  await expect(page.getByTestId('issued-month')).toHaveText('7');
  await expect(page.getByTestId('pending-claims')).toHaveText('6');
  void id;
});

test('a batch whose job gave up says why and resumes where it stopped', async ({ page }, info) => {
  await ownAddress(page);
  const { subdomain } = await signUp(page, info);
  await newTemplate(page, subdomain, { name: 'Resumed Badge', image: `${F}/badge-200.png` });
  const tag = unique('r', info.project.name).toLowerCase();
  const file = csvFile(
    ['email,first_name,last_name,achievement_date', ...[1, 2, 3].map((n) => `r${n}-${tag}@example.com,Res,Umed ${n},2026-02-0${n}`)].join('\n') + '\n',
  );
  await page.goto(`/portal/${subdomain}/batches`);
  await page.getByLabel('CSV file (UTF-8, at most 100,000 rows)').setInputFiles(file);
  await page.getByRole('button', { name: 'Upload and preview' }).click();
  await expect(page.getByTestId('count-pending')).toHaveText('3');
  const id = /\/batches\/(\d+)/.exec(page.url())![1];
  // What the sweep leaves when a running batch's job spent its attempts
  // (laurel_service::batches::sweep, tested on both databases): running,
  // no job, the job's last error.
  const reason = `batch ${id}: the database went away`;
  execFileSync('python3', [
    '-c',
    'import sqlite3, sys\n' +
      'db = sqlite3.connect(sys.argv[1], timeout=10)\n' +
      "db.execute(\"UPDATE issue_batches SET status = 'running', confirmed_at = created_at, stalled_reason = ? WHERE id = ?\", (sys.argv[3], int(sys.argv[2])))\n" +
      'db.commit()',
    `${dataDir}/laurel.db`,
    id,
    reason,
  ]);
  await page.reload();
  const stalled = page.getByTestId('stalled');
  await expect(stalled).toContainText('This batch stopped before it finished.');
  await expect(stalled).toContainText(`Reason: ${reason}`);
  await expect(stalled).toContainText('The 0 badge(s) issued so far are kept. Resume to issue the 3 row(s) left.');
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('batch')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('count-issued')).toHaveText('3');
  await expect(page.getByTestId('stalled')).toHaveCount(0);
  // Resuming a batch that is not stopped is refused, saying so.
  const again = await page.request.post('/api/issuing/confirm_batch', {
    form: { subdomain, id, action: 'resume' },
    headers: { Origin: baseURL, Accept: 'application/json' },
  });
  expect(again.status()).toBe(409);
  expect(await again.text()).toContain('This batch is not stopped: there is nothing to resume.');
});

test('revoke with confirmation: the assertion answers 410 and the official validator reports it invalid', async ({ page }, info) => {
  test.skip(info.project.name !== 'ssr', 'badgecheck runs once');
  await ownAddress(page);
  const { subdomain } = await signUp(page, info);
  await newTemplate(page, subdomain, { name: 'Revocable', image: `${F}/badge-200.png` });
  const holder = `rev-${unique('h', info.project.name).toLowerCase()}@example.com`;
  await page.getByLabel('Recipients, one per line').fill(`${holder}, Rev, Ocable`);
  await page.getByRole('button', { name: 'Issue badges' }).click();
  await expect(page.getByTestId('issued-notice')).toContainText('Issued 1 badge(s)');
  await page.goto(`/portal/${subdomain}/badges`);
  await page.getByTestId('register').getByRole('link', { name: 'Rev Ocable' }).click();
  const url = await page.getByTestId('public-links').getByRole('link', { name: 'Verification page' }).getAttribute('href');
  const before = badgecheck(url!, holder);
  expect(before.valid, JSON.stringify(before.messages)).toBe(true);

  // Without the confirmation box, nothing happens.
  await page.getByLabel('Reason (shown to verifiers)').fill('Exam irregularity');
  await page.getByRole('button', { name: 'Revoke badge' }).click();
  await expect(page.getByRole('alert')).toHaveText('Tick the box to confirm: a revoked badge cannot be restored.');
  await page.getByLabel('Reason (shown to verifiers)').fill('Exam irregularity');
  await page.getByLabel('I understand that a revoked badge cannot be restored.').check();
  await page.getByRole('button', { name: 'Revoke badge' }).click();
  await expect(page.getByTestId('badge-status')).toHaveText('revoked');

  const gone = await page.request.get(url!, { headers: { Accept: 'application/json' } });
  expect(gone.status()).toBe(410);
  const after = badgecheck(url!, holder);
  expect(after.valid).toBe(false);
  expect(after.errorCount).toBeGreaterThan(0);
});

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});


test('a regular user issues too; another organisation sees none of it', async ({ browser }, info) => {
  const boss = await person(browser, info, contexts);
  const { subdomain } = await signUp(boss, info);
  const id = await newTemplate(boss, subdomain, { name: 'Team Badge', image: `${F}/badge.svg` });

  // A colleague joins as a regular user and issues a badge.
  const col = await regularColleague(browser, info, contexts, boss, subdomain);
  await col.goto(`/portal/${subdomain}/templates/${id}`);
  await col.getByLabel('Recipients, one per line').fill(`team-${unique('t', info.project.name)}@example.com, Team, Member`);
  await col.getByRole('button', { name: 'Issue badges' }).click();
  await expect(col.getByTestId('issued-notice')).toContainText('Issued 1 badge(s)');

  // Someone of another organisation gets "not found" for all of it.
  const eve = await person(browser, info, contexts);
  await signUp(eve, info);
  for (const path of [`/portal/${subdomain}`, `/portal/${subdomain}/templates/${id}`, `/portal/${subdomain}/badges`, `/portal/${subdomain}/batches`]) {
    const res = await eve.goto(path);
    expect(res!.status(), path).toBe(404);
    await expect(eve.getByRole('alert')).toHaveText('That was not found.');
  }
  const headers = { Origin: baseURL };
  for (const [fn, form] of [
    ['issuing/issue_by_hand', { subdomain, template_id: id, recipients: 'x@example.com, X, Y', achieved_on: '2026-01-01', evidence_url: '', evidence_narrative: '' }],
    ['templates/get_template', { subdomain, id }],
    ['templates/archive_template', { subdomain, id, archive: 'true' }],
    ['issuing/get_register', { subdomain, 'filters[q]': '' }],
  ] as const) {
    const res = await eve.request.post(`/api/${fn}`, { headers, form, maxRedirects: 0 });
    expect(res.status(), fn).toBe(404);
  }
  const csv = await eve.request.get(`/api/issuing/export_register?subdomain=${subdomain}`);
  expect(csv.status()).toBe(404);
});
