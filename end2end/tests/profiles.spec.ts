import { test, expect } from './base';
import type { BrowserContext, Page } from '@playwright/test';
import { baseURL } from '../playwright.config';
import { F, issueTo, newTemplate, ownAddress, person, signUp, unique } from './flows';

// The rest of the holder side, both projects (JavaScript off and hydrated):
// the profile's photo and social links (each with its own toggle), a handle
// changed with the old one redirecting, "new badges start public", a badge's
// own page in the wallet with its documents, list view and the tag filter,
// and the sitemap, which lists public things only.

test.describe.configure({ timeout: 150_000 });

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

function handleFor(prefix: string, project: string): string {
  return unique(prefix, project).toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 30).replace(/-$/, '');
}

async function saveProfile(page: Page, values: { handle: string; linkedin?: string; linkedinVisible?: boolean; facebook?: string; defaultPublic?: boolean }) {
  await page.goto('/wallet');
  await page.getByLabel('Handle').fill(values.handle);
  await page.getByLabel('Display name').fill('Pat Holder');
  await page.getByLabel('LinkedIn', { exact: true }).fill(values.linkedin ?? '');
  await page.getByLabel('LinkedIn visible').setChecked(values.linkedinVisible ?? false);
  await page.getByLabel('Facebook', { exact: true }).fill(values.facebook ?? '');
  await page.getByLabel('Show my public profile').check();
  await page.getByLabel(/^Make badges issued to me from now on public/).setChecked(values.defaultPublic ?? false);
  await page.getByRole('button', { name: 'Save profile' }).click();
}

test('profile photo and social links, handle change redirects, a badge page with its documents, list view, tag filter, sitemap', async ({ page, browser }, info) => {
  await ownAddress(page);
  const { email, subdomain } = await signUp(page, info);
  const visitor = await person(browser, info, contexts);
  const rust = await newTemplate(page, subdomain, { name: 'Rust Badge', image: `${F}/badge-200.png`, tags: 'rust, code' });
  const talk = await newTemplate(page, subdomain, { name: 'Talk Badge', image: `${F}/badge.svg`, tags: 'speaking' });
  await issueTo(page, subdomain, rust, email);
  await issueTo(page, subdomain, talk, email);

  // Bad input: a social link off its network is refused, nothing saved.
  const handle = handleFor('pp', info.project.name);
  await saveProfile(page, { handle, linkedin: 'https://linkedin.com.evil.example/pat', linkedinVisible: true });
  await expect(page.getByRole('alert')).toContainText('The LinkedIn link must be an https:// address on linkedin.com');
  expect((await visitor.goto(`/u/${handle}`))!.status()).toBe(404);

  // LinkedIn visible, Facebook hidden: the profile shows only LinkedIn.
  await saveProfile(page, { handle, linkedin: 'https://www.linkedin.com/in/pat', linkedinVisible: true, facebook: 'https://www.facebook.com/pat.secret' });
  await expect(page.getByRole('status')).toHaveText('Profile saved.');
  await visitor.goto(`/u/${handle}`);
  const links = visitor.getByTestId('social-links');
  await expect(links.getByRole('link', { name: 'LinkedIn' })).toHaveAttribute('href', 'https://www.linkedin.com/in/pat');
  expect(await visitor.content()).not.toContain('pat.secret');

  // A photo: refused when it is not an image, shown once uploaded.
  await page.goto('/wallet');
  await page.getByLabel(/^Upload a photo/).setInputFiles(`${F}/not-an-image.txt`);
  await page.getByRole('button', { name: 'Upload photo' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await page.goto('/wallet');
  await page.getByLabel(/^Upload a photo/).setInputFiles(`${F}/logo-128.png`);
  await page.getByRole('button', { name: 'Upload photo' }).click();
  await expect(page.getByRole('img', { name: 'Your current photo' })).toBeVisible();
  await visitor.goto(`/u/${handle}`);
  const photo = visitor.getByTestId('profile-photo');
  await expect(photo).toHaveAttribute('src', `/u/${handle}/photo`);
  await expect.poll(() => photo.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(128);

  // The wallet as a list, filtered by tag.
  await page.goto('/wallet');
  await page.getByLabel('Tag').selectOption('speaking');
  await page.getByLabel('Show as').selectOption('list');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await expect(page.getByTestId('wallet')).toHaveAttribute('data-view', 'list');
  await expect(page.getByTestId('wallet-item')).toHaveCount(1);
  await expect(page.getByTestId('wallet-item')).toContainText('Talk Badge');
  expect(new URL(page.url()).searchParams.get('tag')).toBe('speaking');

  // The badge's own page: criteria rendered, its documents, made public
  // from there; the documents are the badge's.
  await page.getByTestId('badge-page').click();
  await expect(page).toHaveURL(/\/wallet\/badges\/[A-Za-z0-9_-]+$/);
  const slug = page.url().split('/').pop()!;
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Talk Badge');
  await expect(page.getByTestId('criteria').locator('strong')).toHaveText('exam');
  const documents = page.getByTestId('documents').getByRole('link');
  await expect(documents).toHaveCount(5);
  const json = await page.request.get((await documents.first().getAttribute('href'))!, { headers: { Accept: 'application/ld+json' } });
  expect(json.status()).toBe(200);
  expect((await json.json()).id).toContain(slug);
  await expect(page.getByTestId('wallet-badge')).toHaveAttribute('data-public', 'false');
  await page.getByRole('button', { name: 'Make public' }).click();
  await expect(page).toHaveURL(new RegExp(`/wallet/badges/${slug}$`));
  await expect(page.getByTestId('wallet-badge')).toHaveAttribute('data-public', 'true');
  await expect(page.getByTestId('embed-snippet')).toContainText('Talk Badge');

  // The sitemap lists the profile and the public badge, not the private one.
  const sitemap = await visitor.request.get('/sitemap.xml');
  expect(sitemap.status()).toBe(200);
  expect(sitemap.headers()['content-type']).toContain('application/xml');
  const xml = await sitemap.text();
  expect(xml).toContain(`/u/${handle}</loc>`);
  expect(xml).toContain(`/assertions/${slug}</loc>`);
  const rustSlug = await (async () => {
    await page.goto('/wallet');
    return (await page.getByTestId('wallet-item').filter({ hasText: 'Rust Badge' }).getAttribute('data-slug'))!;
  })();
  expect(xml).not.toContain(rustSlug);
  expect(xml).not.toContain(email);
  const robots = await (await visitor.request.get('/robots.txt')).text();
  expect(robots).toContain('Sitemap: ');
  expect(robots).toContain('Disallow: /wallet');

  // Another account: my badge's page, its server function and my private
  // photo are not found for it.
  const eve = await person(browser, info, contexts);
  await signUp(eve, info);
  expect((await eve.goto(`/wallet/badges/${slug}`))!.status()).toBe(404);
  const res = await eve.request.post('/api/wallet/get_wallet_badge', { headers: { Origin: baseURL }, form: { slug }, maxRedirects: 0 });
  expect(res.status()).toBe(404);
  expect(await res.text()).not.toContain('Talk Badge');

  // The handle changes: the old address redirects (302) to the new one,
  // and nobody else can take the old one.
  const renamed = handleFor('pq', info.project.name);
  await saveProfile(page, { handle: renamed, linkedin: 'https://www.linkedin.com/in/pat', linkedinVisible: true });
  await expect(page.getByRole('status')).toHaveText('Profile saved.');
  const moved = await visitor.request.get(`/u/${handle}`, { maxRedirects: 0 });
  expect(moved.status()).toBe(302);
  expect(moved.headers()['location']).toBe(`/u/${renamed}`);
  await visitor.goto(`/u/${handle}`);
  await expect(visitor).toHaveURL(new RegExp(`/u/${renamed}$`));
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText('Pat Holder');
  await eve.goto('/wallet');
  await eve.getByLabel('Handle').fill(handle);
  await eve.getByLabel('Display name').fill('Eve');
  await eve.getByRole('button', { name: 'Save profile' }).click();
  await expect(eve.getByRole('alert')).toHaveText(`A profile with the handle “${handle}” already exists.`);

  // Profile off: its photo is 404 for visitors (still shown to me), and the
  // old handle redirects nowhere.
  await page.goto('/wallet');
  await page.getByLabel('Show my public profile').uncheck();
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByRole('status')).toHaveText('Profile saved.');
  expect((await visitor.request.get(`/u/${renamed}/photo`)).status()).toBe(404);
  expect((await eve.request.get(`/u/${renamed}/photo`)).status()).toBe(404);
  expect((await page.request.get(`/u/${renamed}/photo`)).status()).toBe(200);
  expect((await visitor.request.get(`/u/${handle}`, { maxRedirects: 0 })).status()).toBe(404);
  expect(await (await visitor.request.get('/sitemap.xml')).text()).not.toContain(slug);
});

test('"new badges start public": a badge issued after the choice is on the profile at once; earlier ones stay private', async ({ page, browser }, info) => {
  await ownAddress(page);
  const { email, subdomain } = await signUp(page, info);
  const visitor = await person(browser, info, contexts);
  const before = await newTemplate(page, subdomain, { name: 'Before Badge', image: `${F}/badge-200.png` });
  const after = await newTemplate(page, subdomain, { name: 'After Badge', image: `${F}/badge-200.png` });
  await issueTo(page, subdomain, before, email);
  const handle = handleFor('dp', info.project.name);
  await saveProfile(page, { handle, defaultPublic: true });
  await expect(page.getByRole('status')).toHaveText('Profile saved.');
  await expect(page.getByLabel(/^Make badges issued to me from now on public/)).toBeChecked();
  await issueTo(page, subdomain, after, email);
  await visitor.goto(`/u/${handle}`);
  await expect(visitor.getByTestId('profile-badges')).toContainText('After Badge');
  expect(await visitor.content()).not.toContain('Before Badge');
});

test('an organisation’s contact address is in its Issuer profile, and its LinkedIn company ID in every add-to-LinkedIn link', async ({ page }, info) => {
  await ownAddress(page);
  const { email, subdomain } = await signUp(page, info);
  await page.goto(`/portal/${subdomain}/settings`);
  // Bad input: a clear error, nothing saved.
  await page.getByLabel('LinkedIn company ID (optional)').fill('acme-co');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toContainText('A LinkedIn company ID is the number');
  await page.goto(`/portal/${subdomain}/settings`);
  // (The browser checks the address's shape; the server, its length too.)
  await page.getByLabel('Public contact address (optional)').fill(`${'x'.repeat(250)}@example.org`);
  await page.getByLabel('LinkedIn company ID (optional)').fill('1337');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toContainText('An email address can be at most 254 characters long.');
  await page.goto(`/portal/${subdomain}/settings`);
  await page.getByLabel('LinkedIn company ID (optional)').fill('1337');
  let issuer = await (await page.request.get(`/o/${subdomain}/issuer`, { headers: { Accept: 'application/ld+json' } })).json();
  expect(issuer.email).toBeUndefined();
  await page.getByLabel('Public contact address (optional)').fill('Badges@Example.org');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');
  await expect(page.getByLabel('LinkedIn company ID (optional)')).toHaveValue('1337');
  issuer = await (await page.request.get(`/o/${subdomain}/issuer`, { headers: { Accept: 'application/ld+json' } })).json();
  expect(issuer.email).toBe('badges@example.org');

  const id = await newTemplate(page, subdomain, { name: 'Linked Badge', image: `${F}/badge-200.png` });
  await issueTo(page, subdomain, id, email);
  await page.goto('/wallet');
  const item = page.getByTestId('wallet-item').filter({ hasText: 'Linked Badge' });
  const share = (await item.getByRole('link', { name: 'Add to LinkedIn' }).getAttribute('href'))!;
  const res = await page.request.get(share, { maxRedirects: 0 });
  expect(res.status()).toBe(302);
  const target = new URL(res.headers()['location']);
  expect(target.searchParams.get('organizationId')).toBe('1337');
  expect(target.searchParams.get('organizationName')).toBeNull();
});
