import { test as base, expect, Browser, BrowserContext, ConsoleMessage, Page, TestInfo } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The one fixture every spec runs under (import `test` and `expect` from
// here, never from '@playwright/test'). For every page a test opens — the
// `page` fixture, pages of contexts made with `browser.newContext()`, and
// `browser.newPage()` — it fails the test on:
//
// - an uncaught exception in the page (a failed hydration, a panic in WASM);
// - a console error (a CSP violation, a resource that failed to load, a
//   broken image), except a 4xx answer to a request whose status the page
//   itself shows: the document the test navigated to (tests visit 403/404/
//   410 pages on purpose and check the status) and a server function
//   (`/api/…`) refusing a form, whose sentence the page displays. A 5xx is
//   never excused;
// - an accessibility violation found by axe-core (WCAG 2.1 A and AA), on
//   every page type the suite visits: each page's server-rendered HTML is
//   checked when it loads (in a separate checker page, so the test's own page
//   is never disturbed, and so it works in the JavaScript-free project too),
//   and when JavaScript is on, the live page is checked again after the test,
//   as hydration and the test's actions left it.
//
// A page type is its path with identifiers left out, plus the names of its
// query parameters (`?error=` pages show an alert). Each is checked once per
// run (server-rendered HTML) and once more live per run, by whichever test
// reaches it first, whatever the worker or project: axe takes about a
// second a page on this machine, and checking each type in every test would
// double the suite's time.

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Identifiers in paths: subdomains, slugs, UUIDs, numbers. */
function pageType(url: string): string {
  const u = new URL(url);
  const parts = u.pathname.split('/').map((seg, i, all) => {
    const before = all[i - 1];
    if (before === 'portal' || before === 'o') return ':org';
    if (/\d/.test(seg) || /^[0-9a-f-]{16,}$/i.test(seg)) return ':id';
    return seg;
  });
  const query = [...new Set(u.searchParams.keys())].sort().join('&');
  return parts.join('/') + (query ? `?${query}` : '');
}

// Claimed page types, shared by the workers of one run (their parent is the
// Playwright runner): creating a file with `wx` is an atomic claim.
const claims = join(tmpdir(), `laurel-axe-${process.ppid}`);
mkdirSync(claims, { recursive: true });
const checked = new Set<string>();

/** True for the first caller in this run to claim `key`. */
function claim(key: string): boolean {
  if (checked.has(key)) return false;
  checked.add(key);
  try {
    closeSync(openSync(join(claims, createHash('sha256').update(key).digest('hex')), 'wx'));
    return true;
  } catch {
    return false;
  }
}

/** One JavaScript-enabled page per worker in which server-rendered HTML is
 * re-played (its scripts blocked) for axe-core. */
let checker: Promise<Page> | undefined;
let checkerQueue: Promise<unknown> = Promise.resolve();

function checkerPage(browser: Browser): Promise<Page> {
  if (!checker) {
    checker = (async () => {
      const context = await browser.newContext({ javaScriptEnabled: true });
      return context.newPage();
    })();
  }
  return checker;
}

function describe(violations: Awaited<ReturnType<AxeBuilder['analyze']>>['violations']): string[] {
  return violations.map((v) => {
    const where = v.nodes
      .slice(0, 3)
      .map((n) => `${n.target.join(' ')}${n.failureSummary ? ` (${n.failureSummary.replace(/\s+/g, ' ')})` : ''}`)
      .join('; ');
    return `${v.id} [${v.impact}]: ${v.help} — ${where}`;
  });
}

/** Replays `html` as if served at `url` and runs axe-core on it. */
async function checkHtml(browser: Browser, url: string, html: string): Promise<string[]> {
  const run = checkerQueue.then(async () => {
    const page = await checkerPage(browser);
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.route('**/*', (route) => {
      const request = route.request();
      if (request.isNavigationRequest() && request.url() === url) {
        return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
      }
      // The server-rendered page as a visitor without JavaScript sees it.
      if (/\.(js|wasm)(\?|$)/.test(request.url())) return route.abort();
      return route.continue();
    });
    await page.goto(url, { waitUntil: 'load' });
    const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    return describe(result.violations);
  });
  checkerQueue = run.catch(() => undefined);
  return run;
}

type Guard = {
  /** Extra console errors a test expects (a test that provokes one on purpose). */
  allowConsoleErrors: RegExp[];
  guard: void;
};

function excused(msg: ConsoleMessage, page: Page, allow: RegExp[]): boolean {
  const text = msg.text();
  if (allow.some((r) => r.test(text))) return true;
  const status = /the server responded with a status of (\d{3})/.exec(text);
  if (status && Number(status[1]) >= 400 && Number(status[1]) < 500) {
    const at = msg.location().url;
    if (at && (at === page.url() || new URL(at).pathname.startsWith('/api/'))) return true;
  }
  return false;
}

export const test = base.extend<Guard>({
  allowConsoleErrors: [[], { option: true }],
  guard: [
    async ({ context, browser, allowConsoleErrors }, use, testInfo: TestInfo) => {
      const problems: string[] = [];
      const pending: Promise<void>[] = [];
      // Live checks need scripts in the page (axe runs there).
      const scripts = testInfo.project.use.javaScriptEnabled !== false;
      const watched = new Set<Page>();

      const checkLoaded = (page: Page) => {
        const url = page.url();
        if (!url.startsWith('http')) return;
        const key = `html ${pageType(url)}`;
        if (checked.has(key)) return;
        pending.push(
          (async () => {
            let html: string;
            try {
              // Only HTML pages (not JSON, images or files a test opens).
              if ((await page.evaluate(() => document.contentType)) !== 'text/html') return;
              html = await page.content();
            } catch {
              return; // navigated away meanwhile: checked on a later visit
            }
            if (!claim(key)) return;
            try {
              for (const v of await checkHtml(browser, url, html)) problems.push(`axe on ${url}: ${v}`);
            } catch (e) {
              problems.push(`axe could not check ${url}: ${(e as Error).message}`);
            }
          })(),
        );
      };

      const watch = (page: Page) => {
        if (watched.has(page)) return;
        watched.add(page);
        page.on('pageerror', (err) => problems.push(`uncaught error on ${page.url()}: ${err.message}`));
        page.on('console', (msg) => {
          if (msg.type() === 'error' && !excused(msg, page, allowConsoleErrors)) {
            problems.push(`console error on ${page.url()}: ${msg.text()}`);
          }
        });
        page.on('load', () => checkLoaded(page));
      };
      const attach = (ctx: BrowserContext) => {
        ctx.pages().forEach(watch);
        ctx.on('page', watch);
      };

      attach(context);
      await checkerPage(browser); // made before the patch below, so it is not watched
      const newContext = browser.newContext;
      const newPage = browser.newPage;
      browser.newContext = async function (this: Browser, ...args: Parameters<Browser['newContext']>) {
        const ctx = await newContext.apply(this, args);
        attach(ctx);
        return ctx;
      };
      browser.newPage = async function (this: Browser, ...args: Parameters<Browser['newPage']>) {
        const page = await newPage.apply(this, args);
        watch(page);
        return page;
      };

      await use();

      browser.newContext = newContext;
      browser.newPage = newPage;
      // The live page, as hydration and the test left it (JavaScript on).
      for (const page of scripts ? watched : []) {
        if (page.isClosed() || !page.url().startsWith('http')) continue;
        const key = `live ${pageType(page.url())}`;
        if (checked.has(key)) continue;
        const html = await page.evaluate(() => document.contentType === 'text/html').catch(() => false);
        if (!html || !claim(key)) continue;
        try {
          const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
          for (const v of describe(result.violations)) problems.push(`axe on ${page.url()} (live): ${v}`);
        } catch (e) {
          problems.push(`axe could not check ${page.url()} (live): ${(e as Error).message}`);
        }
      }
      await Promise.all(pending);
      expect(problems, 'page errors, console errors and accessibility violations').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
