import { test, expect } from './base';
import type { BrowserContext } from '@playwright/test';
import { baseURL } from '../playwright.config';
import { F, newTemplate, person, signUp, unique } from './flows';

// Issuer analytics: two badges issued by hand, then one of them visited as
// the world would (two page views from a search engine, a LinkedIn share,
// a verifier fetching its JSON). The analytics page shows them as SVG
// charts with their tables (without JavaScript too), each table's CSV
// export is the same rows, a bad range is refused with a sentence, and,
// hydrated, a new range is shown in place (no reload, the address bar
// updated). The rollup runs every second here (playwright.config.ts).

test.describe.configure({ timeout: 120_000 });

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

function daysAgo(n: number): string {
  return new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
}

test('analytics: charts with their tables, CSV exports equal to the tables, a new range', async ({ browser, playwright }, info) => {
  const hydrated = info.project.use.javaScriptEnabled !== false;
  const page = await person(browser, info, contexts);
  const { subdomain } = await signUp(page, info);
  const id = await newTemplate(page, subdomain, { name: 'Charted Badge', image: `${F}/badge-200.png` });
  const tag = unique('an', info.project.name).toLowerCase();
  await page.goto(`/portal/${subdomain}/templates/${id}`);
  await page
    .getByLabel('Recipients, one per line')
    .fill([`a1-${tag}@example.com, Ada, One`, `a2-${tag}@example.com, Bob, Two`].join('\n'));
  await page.getByRole('button', { name: 'Issue badges' }).click();
  await expect(page.getByTestId('issued-notice')).toContainText('Issued 2 badge(s)');

  // One badge's public surfaces, visited by others.
  await page.goto(`/portal/${subdomain}/badges`);
  const href = await page.getByTestId('register').locator('tbody a').first().getAttribute('href');
  const url = `${baseURL}/o/${subdomain}/assertions/${href!.split('/').pop()}`;
  const world = await playwright.request.newContext();
  for (const _ of [1, 2]) {
    const view = await world.get(url, { headers: { Accept: 'text/html', Referer: 'https://www.google.com/' } });
    expect(view.status()).toBe(200);
  }
  expect((await world.get(`${url}/share/linkedin`, { maxRedirects: 0 })).status()).toBe(302);
  expect((await world.get(url, { headers: { Accept: 'application/ld+json' } })).status()).toBe(200);

  // Written in batches and rolled up every second: a few seconds at most.
  const analytics = `/portal/${subdomain}/analytics`;
  await expect
    .poll(async () => {
      await page.goto(analytics);
      return [await page.getByTestId('figure-views').textContent(), await page.getByTestId('figure-verified').textContent()];
    }, { timeout: 20_000 })
    .toEqual(['2', '1']);
  await expect(page.getByTestId('figure-issued')).toHaveText('2');
  await expect(page.getByTestId('figure-claim-rate')).toHaveText('0 %');

  // Charts: server-rendered SVG with an accessible name.
  const activity = page.getByTestId('chart-activity').locator('svg[role="img"]');
  await expect(activity).toHaveAttribute('aria-label', 'Activity per day');
  await expect(page.locator('svg[role="img"]')).toHaveCount(6);
  // The numbers in the tables under the charts.
  const rows = async (name: string) =>
    page.getByTestId(`table-${name}`).locator('tr').evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('th,td')).map((c) => (c.textContent ?? '').trim())),
    );
  expect(await rows('funnel')).toEqual([['step', 'count'], ['Issued', '2'], ['Claimed', '0'], ['Shared', '1'], ['Viewed', '2']]);
  expect(await rows('referrers')).toContainEqual(['Search engines', '2']);
  expect(await rows('shares')).toContainEqual(['LinkedIn', '1']);
  expect(await rows('verifications')).toContainEqual(['OB 2.0 JSON', '1']);
  const today = (await rows('activity')).find((r) => r[0] === daysAgo(0));
  expect(today).toEqual([daysAgo(0), '2', '0', '2', '1', '1', '1']);
  // The template, with what its metadata lacks (a longer description,
  // alignments): 4 of 6.
  const templates = page.getByTestId('table-templates');
  await expect(templates).toContainText('Charted Badge');
  await expect(templates).toContainText('66 %');
  await expect(templates).toContainText('Align it with a framework');

  // Each CSV export holds its table's rows.
  for (const [name, title] of [['funnel', 'From issue to view'], ['referrers', 'Where visitors came from'], ['activity', 'Activity per day']]) {
    const link = page.getByRole('link', { name: `Export “${title}” as CSV` }).first();
    const csv = await page.request.get(new URL((await link.getAttribute('href'))!, baseURL).toString());
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    const table = (await rows(name)).map((r) => r.join(',')).join('\n') + '\n';
    expect(await csv.text()).toBe(table);
  }
  // Not for anyone else.
  const exportUrl = await page.getByRole('link', { name: 'Export the templates as CSV' }).getAttribute('href');
  const stranger = await world.get(new URL(exportUrl!, baseURL).toString());
  expect(stranger.status()).toBe(401);
  expect(await stranger.text()).not.toContain('Charted Badge');
  await world.dispose();

  // A range that is not offered: a sentence, and the way back.
  await page.goto(`${analytics}?days=8`);
  await expect(page.getByRole('alert')).toHaveText('“8” is not one of the offered ranges.');
  await page.goto(`${analytics}?days=custom&from=2026-02-10&to=2026-02-01`);
  await expect(page.getByRole('alert')).toHaveText('The start date is after the end date.');

  // A new range: in place when hydrated, through the form without.
  await page.goto(analytics);
  await expect(page.getByTestId('analytics')).toHaveAttribute('data-from', daysAgo(29));
  if (hydrated) {
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    await page.getByLabel('Range', { exact: true }).selectOption('7');
    const shown = page.locator('[data-testid="analytics"]:visible');
    await expect(shown).toHaveAttribute('data-from', daysAgo(6));
    await expect(page).toHaveURL(new RegExp(`${analytics}\\?days=7$`));
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await expect(shown.getByTestId('figure-issued')).toHaveText('2');
    await expect(shown.getByTestId('chart-activity').locator('svg[role="img"]')).toHaveCount(1);
    // Dates of its own, then one template.
    await page.getByLabel('From', { exact: true }).fill(daysAgo(3));
    await page.getByLabel('To', { exact: true }).fill(daysAgo(1));
    await page.getByRole('button', { name: 'Show' }).click();
    await expect(shown).toHaveAttribute('data-from', daysAgo(3));
    await expect(shown.getByTestId('figure-issued')).toHaveText('0');
    await expect(page).toHaveURL(new RegExp(`days=custom&from=${daysAgo(3)}&to=${daysAgo(1)}$`));
  } else {
    await page.getByLabel('Range', { exact: true }).selectOption('7');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect(page).toHaveURL(/days=7/);
    await expect(page.getByTestId('analytics')).toHaveAttribute('data-from', daysAgo(6));
    await page.getByLabel('Range', { exact: true }).selectOption('custom');
    await page.getByLabel('From', { exact: true }).fill(daysAgo(3));
    await page.getByLabel('To', { exact: true }).fill(daysAgo(1));
    await page.getByRole('button', { name: 'Show' }).click();
    await expect(page.getByTestId('analytics')).toHaveAttribute('data-from', daysAgo(3));
    await expect(page.getByTestId('figure-issued')).toHaveText('0');
  }
});
