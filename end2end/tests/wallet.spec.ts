import { test, expect } from './base';
import type { BrowserContext, Page } from '@playwright/test';
import { baseURL } from '../playwright.config';
import { F, issueTo, newTemplate, ownAddress, person, signUp, unique } from './flows';
import { demoUrls } from './demo';

// The holder side, both projects (JavaScript off and hydrated): badges
// issued to an account's address land in its wallet, private; the holder
// switches on a profile and makes a badge public; a private badge is on no
// public surface (the profile's HTML and its Open Graph tags); another
// account can neither see nor change my badges.

test.describe.configure({ timeout: 120_000 });

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});


/** The profile page as a visitor (signed out) sees it: status, HTML and
 * the number of `og:image` tags. */
async function profile(visitor: Page, handle: string) {
  const res = await visitor.goto(`/u/${handle}`);
  const page = visitor;
  return {
    status: res!.status(),
    html: await page.content(),
    ogImage: await page.locator('meta[property="og:image"]').count(),
  };
}

test('wallet: private by default, public on the profile when chosen, private again gone from every public surface', async ({ page, browser }, info) => {
  await ownAddress(page);
  const { email, subdomain } = await signUp(page, info);
  const visitor = await person(browser, info, contexts);
  const shown = await newTemplate(page, subdomain, { name: 'Shown Badge', image: `${F}/badge-200.png` });
  const hidden = await newTemplate(page, subdomain, { name: 'Hidden Badge', image: `${F}/badge.svg` });
  await issueTo(page, subdomain, shown, email);
  await issueTo(page, subdomain, hidden, email);

  // The wallet: both badges, both private; the header leads there.
  await page.goto('/portal');
  await page.getByRole('link', { name: 'Wallet' }).click();
  await expect(page).toHaveURL(/\/wallet$/);
  await expect(page.getByTestId('wallet-email')).toHaveText(email);
  const items = page.getByTestId('wallet-item');
  await expect(items).toHaveCount(2);
  await expect(page.getByTestId('visibility')).toHaveText(['Private', 'Private']);
  await expect(page.getByTestId('profile-link')).toHaveCount(0);
  const shownItem = items.filter({ hasText: 'Shown Badge' });
  const hiddenItem = items.filter({ hasText: 'Hidden Badge' });
  const shownSlug = (await shownItem.getAttribute('data-slug'))!;
  const hiddenSlug = (await hiddenItem.getAttribute('data-slug'))!;

  // Bad input on the profile form: a clear error, nothing saved.
  const handle = unique('h', info.project.name).toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 30).replace(/-$/, '');
  expect((await profile(visitor, handle)).status).toBe(404);
  await page.goto('/wallet');
  await page.getByLabel('Handle').fill('Not A Handle');
  await page.getByLabel('Display name').fill('Ada Tester');
  await page.getByLabel('Show my public profile').check();
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByRole('alert')).toHaveText('The handle may only contain lowercase letters a–z, digits and hyphens (found “N”).');
  expect((await profile(visitor, 'not-a-handle')).status).toBe(404);

  // A public profile with no public badge: neither badge is on it.
  await page.goto('/wallet');
  await page.getByLabel('Handle').fill(handle);
  await page.getByLabel('Display name').fill('Ada Tester');
  await page.getByLabel('Summary (optional)').fill('Learns things.');
  await page.getByLabel('Show my public profile').check();
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByRole('status')).toHaveText('Profile saved.');
  await expect(page.getByTestId('profile-link')).toHaveAttribute('href', `/u/${handle}`);
  let p = await profile(visitor, handle);
  expect(p.status).toBe(200);
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText('Ada Tester');
  await expect(visitor.getByText('No public badges yet.')).toBeVisible();
  await expect(visitor.locator('meta[property="og:title"]')).toHaveAttribute('content', 'Ada Tester');
  for (const secret of ['Shown Badge', 'Hidden Badge', shownSlug, hiddenSlug, email]) expect(p.html).not.toContain(secret);
  expect(p.ogImage).toBe(0);

  // One badge public: exactly that one shows, with its image as og:image.
  await page.goto('/wallet');
  await shownItem.getByRole('button', { name: 'Make public' }).click();
  await expect(shownItem.getByTestId('visibility')).toHaveText('Public');
  await expect(hiddenItem.getByTestId('visibility')).toHaveText('Private');
  p = await profile(visitor, handle);
  await expect(visitor.getByTestId('profile-badges')).toContainText('Shown Badge');
  expect(p.html).toContain(shownSlug);
  for (const secret of ['Hidden Badge', hiddenSlug, email]) expect(p.html).not.toContain(secret);
  expect(p.ogImage).toBe(1);
  await visitor.getByRole('link', { name: 'Verify this badge' }).click();
  await expect(visitor).toHaveURL(new RegExp(`/o/${subdomain}/assertions/${shownSlug}$`));
  // The public badge is embeddable: its page names its oEmbed endpoint,
  // which answers a rich card (no iframe, no script); the private one's
  // page names none and the endpoint refuses it.
  const shownUrl = visitor.url();
  const discovery = visitor.locator('link[rel="alternate"][type="application/json+oembed"]');
  await expect(discovery).toHaveCount(1);
  const oembed = (await discovery.getAttribute('href'))!;
  const card = await visitor.request.get(oembed);
  expect(card.status()).toBe(200);
  const json = await card.json();
  expect(json).toMatchObject({ version: '1.0', type: 'rich', provider_name: 'Laurel', title: 'Shown Badge — awarded by Test Academy' });
  expect(json.html).toContain('Shown Badge');
  expect(json.html).toContain(shownUrl);
  expect(json.html).not.toMatch(/<script|<iframe/i);
  expect(json.thumbnail_width).toBe(1200);
  await page.goto('/wallet');
  await expect(shownItem.getByTestId('embed-snippet')).toHaveValue(json.html);
  await expect(hiddenItem.getByTestId('embed-snippet')).toHaveCount(0);
  const hiddenUrl = shownUrl.replace(shownSlug, hiddenSlug);
  await visitor.goto(hiddenUrl);
  await expect(discovery).toHaveCount(0);
  const oembedFor = (u: string) => `/oembed?format=json&url=${encodeURIComponent(u)}`;
  expect((await visitor.request.get(oembedFor(hiddenUrl))).status()).toBe(404);
  // Bad input: no URL, a URL that is not Laurel's, a format other than JSON.
  expect((await visitor.request.get('/oembed')).status()).toBe(404);
  expect((await visitor.request.get(oembedFor('https://evil.example/o/x/assertions/y'))).status()).toBe(404);
  expect((await visitor.request.get(`/oembed?format=xml&url=${encodeURIComponent(shownUrl)}`)).status()).toBe(501);
  // The criteria's Markdown is rendered, not shown as source.
  await expect(visitor.getByTestId('criteria').locator('strong')).toHaveText('exam');

  // Private again: gone from the profile and its tags, still in the wallet.
  await page.goto('/wallet');
  await shownItem.getByRole('button', { name: 'Make private' }).click();
  await expect(shownItem.getByTestId('visibility')).toHaveText('Private');
  p = await profile(visitor, handle);
  for (const secret of ['Shown Badge', 'Hidden Badge', shownSlug, hiddenSlug, email]) expect(p.html).not.toContain(secret);
  expect(p.ogImage).toBe(0);
  expect((await visitor.request.get(oembedFor(shownUrl))).status()).toBe(404);

  // Another account: its wallet has none of mine, and my badge cannot be
  // switched from there (not found, nothing changed).
  const eve = await person(browser, info, contexts);
  await signUp(eve, info);
  await eve.goto('/wallet');
  await expect(eve.getByText('No badges yet.')).toBeVisible();
  const res = await eve.request.post('/api/wallet/set_visibility', {
    headers: { Origin: baseURL },
    form: { slug: shownSlug, public: 'true' },
    maxRedirects: 0,
  });
  expect(res.status()).toBe(404);
  p = await profile(visitor, handle);
  expect(p.html).not.toContain(shownSlug);
  // Eve cannot take my handle.
  await eve.goto('/wallet');
  await eve.getByLabel('Handle').fill(handle);
  await eve.getByLabel('Display name').fill('Eve');
  await eve.getByRole('button', { name: 'Save profile' }).click();
  await expect(eve.getByRole('alert')).toHaveText(`A profile with the handle “${handle}” already exists.`);

  // Profile switched off: 404.
  await page.goto('/wallet');
  await page.getByLabel('Show my public profile').uncheck();
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByRole('status')).toHaveText('Profile saved.');
  expect((await profile(visitor, handle)).status).toBe(404);
});

test('the wallet asks visitors to sign in; an unknown profile is 404', async ({ page }) => {
  await page.goto('/wallet');
  await expect(page.getByRole('heading', { name: 'Please sign in' })).toBeVisible();
  // Anonymous calls to the wallet's server functions: 401, nothing done.
  const headers = { Origin: baseURL };
  for (const [fn, form] of [
    ['wallet/get_wallet', {}],
    ['wallet/set_visibility', { slug: 'anything', public: 'true' }],
    ['wallet/save_profile', { handle: 'anonymous', display_name: 'Anon', summary: '', public: 'on' }],
    ['wallet/set_visibility_all', { public: 'true' }],
    ['wallet/add_address', { email: 'someone@example.org' }],
    ['wallet/confirm_address', { token: 'anything' }],
    ['wallet/remove_address', { email: 'someone@example.org' }],
    ['wallet/create_collection', { name: 'Anon' }],
    ['wallet/get_collection', { public_id: 'anything' }],
    ['wallet/check_import', { public_id: 'anything' }],
    ['wallet/get_wallet_badge', { slug: 'anything' }],
    ['wallet/get_import', { public_id: 'anything' }],
    ['wallet/remove_photo', {}],
    ['account/delete_account', { password: 'anything', confirm: 'yes' }],
  ] as const) {
    const res = await page.request.post(`/api/${fn}`, { headers, form, maxRedirects: 0 });
    expect(res.status(), fn).toBe(401);
  }
  expect((await page.goto('/u/anonymous'))!.status()).toBe(404);
  for (const path of ['/u/nobody-here-at-all', '/u/Bad_Handle', '/u/x']) {
    const res = await page.goto(path);
    expect(res!.status(), path).toBe(404);
  }
});

test("the demo holder's profile lists the public badge and not the private one, which stays verifiable by its link", async ({ page }) => {
  const urls = demoUrls();
  const res = await page.goto(urls['profile']);
  expect(res!.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Demo Holder');
  const badges = page.getByTestId('profile-badges');
  await expect(badges).toContainText('Rust Fundamentals');
  const html = await page.content();
  const privateSlug = urls['badge-private'].split('/').pop()!;
  for (const secret of ['Open Source Contributor', privateSlug, 'holder@example.com']) expect(html).not.toContain(secret);
  expect(html).toContain(urls['badge-public'].split('/').pop()!);
  await expect(page.locator('meta[property="og:url"]')).toHaveAttribute('content', urls['profile']);
  // The private badge is still verifiable by whoever holds its link.
  const verify = await page.goto(urls['badge-private']);
  expect(verify!.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Open Source Contributor');
});

test('the wallet filters (search, status, issuer), sorts and changes all shown badges at once', async ({ page }, info) => {
  await ownAddress(page);
  const { email, subdomain } = await signUp(page, info);
  for (const name of ['Gamma Badge', 'Alpha Badge', 'Beta Badge']) {
    const id = await newTemplate(page, subdomain, { name, image: `${F}/badge-200.png` });
    await issueTo(page, subdomain, id, email);
  }
  // Beta is revoked.
  await page.goto(`/portal/${subdomain}/badges`);
  await page.getByTestId('register').locator('tr', { hasText: 'Beta Badge' }).getByRole('link').first().click();
  await page.getByLabel('Reason (shown to verifiers)').fill('Mistake');
  await page.getByLabel('I understand that a revoked badge cannot be restored.').check();
  await page.getByRole('button', { name: 'Revoke badge' }).click();
  await expect(page.getByTestId('badge-status')).toHaveText('revoked');

  const names = () => page.getByTestId('wallet-item').locator('h2').allTextContents();
  await page.goto('/wallet');
  await expect(page.getByTestId('wallet-count')).toHaveText('3 of 3 badge(s)');
  expect(await names()).toEqual(['Beta Badge', 'Alpha Badge', 'Gamma Badge']);
  const filter = page.getByTestId('wallet-filter');
  await filter.getByLabel('Sort').selectOption('name');
  await filter.getByRole('button', { name: 'Show' }).click();
  expect(await names()).toEqual(['Alpha Badge', 'Beta Badge', 'Gamma Badge']);
  await filter.getByLabel('Search').fill('bet');
  await filter.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByTestId('wallet-count')).toHaveText('1 of 3 badge(s)');
  expect(await names()).toEqual(['Beta Badge']);
  await page.goto('/wallet?status=revoked');
  expect(await names()).toEqual(['Beta Badge']);
  await page.goto('/wallet?issuer=Nobody');
  await expect(page.getByTestId('wallet-count')).toHaveText('0 of 3 badge(s)');

  // Bulk: every valid badge public at once; the revoked one stays private.
  await page.goto('/wallet?status=valid');
  await page.getByRole('button', { name: 'Make all public' }).click();
  await page.goto('/wallet?sort=name');
  await expect(page.getByTestId('visibility')).toHaveText(['Public', 'Private', 'Public']);
  await page.getByRole('button', { name: 'Make all private' }).click();
  await page.goto('/wallet');
  await expect(page.getByTestId('visibility')).toHaveText(['Private', 'Private', 'Private']);
});
