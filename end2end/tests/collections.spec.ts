import { test, expect } from './base';
import type { BrowserContext, Page } from '@playwright/test';
import { baseURL } from '../playwright.config';
import { F, issueTo, newTemplate, ownAddress, person, signUp, unique } from './flows';
import { demoUrls } from './demo';

// Collections, both projects: a holder groups badges, orders them, makes
// the collection public; its page shows only the badges that are public
// themselves, and is 404 when the collection or the profile is off; another
// account reaches nothing.

test.describe.configure({ timeout: 150_000 });

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

async function collectionPage(visitor: Page, path: string) {
  const res = await visitor.goto(path);
  return { status: res!.status(), html: await visitor.content() };
}

test('collections: ordered, public page shows only public badges, 404 when off; others get 404', async ({ page, browser }, info) => {
  await ownAddress(page);
  const { email, subdomain } = await signUp(page, info);
  const first = await newTemplate(page, subdomain, { name: 'First Badge', image: `${F}/badge-200.png` });
  const second = await newTemplate(page, subdomain, { name: 'Second Badge', image: `${F}/badge.svg` });
  await issueTo(page, subdomain, first, email);
  await issueTo(page, subdomain, second, email);
  const visitor = await person(browser, info, contexts);

  // A profile first, then a collection (bad input: no name).
  const handle = unique('c', info.project.name).toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 30).replace(/-$/, '');
  await page.goto('/wallet');
  await page.getByLabel('Handle').fill(handle);
  await page.getByLabel('Display name').fill('Ada Collector');
  await page.getByLabel('Show my public profile').check();
  await page.getByRole('button', { name: 'Save profile' }).click();
  await page.getByLabel('New collection').fill('   ');
  await page.getByRole('button', { name: 'Create collection' }).click();
  await expect(page.getByRole('alert')).toHaveText("The collection's name must be between 1 and 100 characters (it has 0).");
  await page.goto('/wallet');
  await page.getByLabel('New collection').fill('My path');
  await page.getByRole('button', { name: 'Create collection' }).click();
  await expect(page).toHaveURL(/\/wallet\/collections\/[A-Za-z0-9_-]{12}$/);
  const id = page.url().split('/').pop()!;
  const publicPath = `/u/${handle}/c/${id}`;

  // Add both; the first added is first; move it later.
  await page.getByRole('button', { name: 'Add: First Badge' }).click();
  await page.getByRole('button', { name: 'Add: Second Badge' }).click();
  const items = page.getByTestId('collection-item');
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toContainText('First Badge');
  const firstSlug = (await items.nth(0).getAttribute('data-slug'))!;
  await page.getByRole('button', { name: 'Later: First Badge' }).click();
  await expect(items.nth(0)).toContainText('Second Badge');
  await expect(items.nth(1)).toContainText('First Badge');
  await expect(page.getByTestId('addable')).toHaveCount(0);

  // Private collection: 404.
  expect((await collectionPage(visitor, publicPath)).status).toBe(404);

  // Public collection, both badges private: the page is there, with neither.
  await page.getByLabel('Public: show it on my profile (only its public badges appear)').check();
  await page.getByRole('button', { name: 'Save collection' }).click();
  await expect(page.getByRole('status')).toHaveText('Collection saved.');
  await expect(page.getByTestId('collection-page')).toHaveAttribute('href', publicPath);
  let p = await collectionPage(visitor, publicPath);
  expect(p.status).toBe(200);
  expect(p.html).not.toContain('First Badge');
  expect(p.html).not.toContain('Second Badge');
  await expect(visitor.getByText('No public badges in this collection yet.')).toBeVisible();
  await visitor.goto(`/u/${handle}`);
  await expect(visitor.getByTestId('profile-collections')).toContainText('My path · 0 badge(s)');

  // One badge public: only it, on the collection page and its OG image.
  await page.goto('/wallet');
  await page.getByTestId('wallet-item').filter({ hasText: 'First Badge' }).getByRole('button', { name: 'Make public' }).click();
  p = await collectionPage(visitor, publicPath);
  expect(p.html).toContain('First Badge');
  expect(p.html).not.toContain('Second Badge');
  await expect(visitor.locator('meta[property="og:url"]')).toHaveAttribute('content', `${baseURL}${publicPath}`);
  await expect(visitor.getByTestId('collection-badges').getByRole('listitem')).toHaveCount(1);
  // Its oEmbed card: the public badge only.
  const oembed = (await visitor.locator('link[type="application/json+oembed"]').getAttribute('href'))!;
  const card = await visitor.request.get(oembed);
  expect(card.status()).toBe(200);
  const json = await card.json();
  expect(json.type).toBe('rich');
  expect(json.html).toContain('First Badge');
  expect(json.html).not.toContain('Second Badge');

  // Another account: 404 for the editor and every collection function.
  const eve = await person(browser, info, contexts);
  await signUp(eve, info);
  const editor = await eve.goto(`/wallet/collections/${id}`);
  expect(editor!.status()).toBe(404);
  for (const [fn, form] of [
    ['save_collection', { public_id: id, name: 'Mine now', description: '', public: 'on' }],
    ['delete_collection', { public_id: id }],
    ['arrange_collection', { public_id: id, slug: firstSlug, op: 'remove' }],
  ] as const) {
    const res = await eve.request.post(`/api/wallet/${fn}`, { headers: { Origin: baseURL }, form: { ...form }, maxRedirects: 0 });
    expect(res.status(), fn).toBe(404);
  }
  // Eve cannot put the demo's badge, or mine, in a collection of hers.
  await eve.goto('/wallet');
  await eve.getByLabel('New collection').fill('Stolen');
  await eve.getByRole('button', { name: 'Create collection' }).click();
  const eveId = eve.url().split('/').pop()!;
  const demoSlug = demoUrls()['badge-public'].split('/').pop()!;
  for (const slug of [demoSlug, firstSlug]) {
    const res = await eve.request.post('/api/wallet/arrange_collection', {
      headers: { Origin: baseURL },
      form: { public_id: eveId, slug, op: 'add' },
      maxRedirects: 0,
    });
    expect(res.status(), slug).toBe(404);
  }

  // The profile off: the collection page is gone too.
  await page.goto('/wallet');
  await page.getByLabel('Show my public profile').uncheck();
  await page.getByRole('button', { name: 'Save profile' }).click();
  expect((await collectionPage(visitor, publicPath)).status).toBe(404);
  expect((await visitor.request.get(oembed)).status()).toBe(404);
});

test('the demo holder’s public collection shows the public badge, not the private one', async ({ page }) => {
  const urls = demoUrls();
  const res = await page.goto(urls['collection']);
  expect(res!.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'Rust path' })).toBeVisible();
  const html = await page.content();
  expect(html).toContain(urls['badge-public']);
  expect(html).not.toContain(urls['badge-private'].split('/').pop()!);
  await expect(page.getByTestId('collection-badges').getByRole('listitem')).toHaveCount(1);
});
