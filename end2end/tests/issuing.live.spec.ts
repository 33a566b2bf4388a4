import { test, expect } from './base';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownAddress, signUp, unique } from './flows';
import { operator } from './demo';

// A batch's progress bar counts up in the hydrated page of the release build.
// Project `live` (playwright.config.ts): it runs after the other projects,
// because its 2,000 holder mails would hold up the mail other tests wait for.

test('a batch\'s progress counts up live to 100 %, without reloading the page', async ({ page }, info) => {
  test.setTimeout(120_000);
  await ownAddress(page);
  const { subdomain } = await signUp(page, info);
  // 2,000 badges in a day: more than a new organisation may send before
  // the operator verifies it, which the operator does from the command line.
  await page.goto(`/portal/${subdomain}`);
  await expect(page.getByTestId('sending-limit')).toBeVisible();
  expect(operator(['orgs', 'verify', subdomain])).toBe(`${subdomain} verified\n`);
  expect(operator(['orgs', 'list'])).toContain(`${subdomain} verified `);
  await page.reload();
  await expect(page.getByTestId('sending-limit')).toHaveCount(0);
  await page.goto(`/portal/${subdomain}/templates/new`);
  await page.getByLabel('Name', { exact: true }).fill('Live Progress');
  await page.getByLabel('Description').fill('Counts up.');
  await page.getByLabel('Criteria (Markdown)').fill('Be counted.');
  await page.getByLabel('Image', { exact: true }).setInputFiles('tests/fixtures/badge.svg');
  await page.getByRole('button', { name: 'Save template' }).click();
  await expect(page.getByRole('status')).toHaveText('Template saved.');

  // 2,000 rows take seconds to sign and store, so the page opens mid-way.
  const tag = unique('live', info.project.name).toLowerCase();
  const rows = ['email,first_name,last_name,achievement_date'];
  for (let n = 0; n < 2000; n++) rows.push(`n${n}-${tag}@example.com,Person,Number ${n},2026-01-01`);
  const file = join(mkdtempSync(join(tmpdir(), 'laurel-live-')), 'awardees.csv');
  writeFileSync(file, rows.join('\n') + '\n');
  await page.goto(`/portal/${subdomain}/batches`);
  await page.getByLabel('CSV file (UTF-8, at most 100,000 rows)').setInputFiles(file);
  await page.getByRole('button', { name: 'Upload and preview' }).click();
  await expect(page.getByTestId('count-pending')).toHaveText('2000');
  await page.getByRole('button', { name: 'Issue 2000 badge(s)' }).click();
  await expect(page.getByTestId('batch')).toHaveAttribute('data-status', /^(running|done)$/);

  // Open the running batch's page afresh, as someone coming back to it
  // would; once hydrated, it must not load again: the numbers come from its
  // polling, not from a refresh (a new document would lose this mark).
  await page.goto(page.url());
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  await page.evaluate(() => ((window as unknown as { laurelMark: boolean }).laurelMark = true));
  const seen = new Set<string>();
  const progress = page.getByTestId('progress');
  await expect
    .poll(
      async () => {
        const text = (await progress.textContent())?.trim() ?? '';
        seen.add(text);
        return text;
      },
      { timeout: 90_000, intervals: [100] },
    )
    .toBe('100 %');
  await expect(page.getByTestId('batch')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('count-issued')).toHaveText('2000');
  expect(await page.evaluate(() => (window as unknown as { laurelMark?: boolean }).laurelMark), 'the batch page reloaded').toBe(true);
  const partial = [...seen].filter((t) => t !== '100 %');
  expect(partial.length, `progress values seen: ${[...seen].join(', ')}`).toBeGreaterThan(0);
});
