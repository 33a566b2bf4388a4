import { defineConfig } from '@playwright/test';

// The suite runs against the real `laurel` binary built by `cargo leptos build --release`
// (see scripts/test.sh), on a fresh SQLite data directory filled by
// `laurel demo`, in Debian's Chromium (never a downloaded browser).
export const port = Number(process.env.LAUREL_E2E_PORT ?? 3210);
export const baseURL = `http://127.0.0.1:${port}`;
export const dataDir = process.env.LAUREL_E2E_DATA_DIR ?? '../target/e2e-data';
// The production build (`cargo leptos build --release`), as scripts/test.sh makes it.
export const bin = process.env.LAUREL_BIN ?? '../target/release/laurel';
// A real SMTP server (aiosmtpd, end2end/smtp/) receives Laurel's mail and
// appends each message as a JSON line to this file; tests read it there.
export const smtpPort = port + 1000;
export const mailFile = `${dataDir}.smtp.jsonl`;
const smtpPython = process.env.SMTP_VENV ? `${process.env.SMTP_VENV}/bin/python` : '../target/smtp-venv/bin/python';

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: [['list']],
  // Per test, fixtures included: the guard (tests/base.ts) waits for its axe
  // checks before it lets a test end.
  timeout: 60_000,
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    {
      name: 'ssr',
      use: { browserName: 'chromium', javaScriptEnabled: false },
      testIgnore: /\.(hydrated|live)\.spec\.ts$/,
    },
    {
      name: 'hydrated',
      use: { browserName: 'chromium', javaScriptEnabled: true },
      testIgnore: /\.(ssr|live)\.spec\.ts$/,
    },
    {
      // Load-heavy hydrated tests, after the others (they flood the outbox).
      name: 'live',
      use: { browserName: 'chromium', javaScriptEnabled: true },
      testMatch: /\.live\.spec\.ts$/,
      dependencies: ['ssr', 'hydrated'],
    },
  ],
  webServer: [
    {
      command: `rm -f ${mailFile} && ${smtpPython} smtp/server.py --port ${smtpPort} --out ${mailFile}`,
      port: smtpPort,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
    // The operator's plans for the suite: a free one every sign-up takes
    // (flows.ts `signUp`), a trial of two badges and one without a trial
    // (billing.spec.ts).
    command:
      `rm -rf ${dataDir} && ${bin} demo` +
      ` && ${bin} plans add --name 'Test plan' --monthly-fee 0 --per-badge-fee 0 --trial-days 60 --trial-quota 100000` +
      ` && ${bin} plans add --name 'Tiny trial' --monthly-fee 10 --per-badge-fee 0.10 --vat 21 --trial-days 14 --trial-quota 2` +
      ` && ${bin} plans add --name 'Pay as you go' --monthly-fee 5 --per-badge-fee 0.20 --vat 21 --trial-days 0 --trial-quota 0` +
      ` && ${bin} serve`,
    url: `${baseURL}/readyz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      LAUREL_DATA_DIR: dataDir,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LAUREL_PUBLIC_URL: baseURL,
      LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? '../target/site',
      RUST_LOG: 'warn',
      // Specs that act as several people give each its own client address
      // (X-Forwarded-For), so per-address rate limits do not add up across
      // the suite; requests without the header use the peer address.
      LAUREL_TRUST_FORWARDED_FOR: 'true',
      LAUREL_SMTP_URL: `smtp://127.0.0.1:${smtpPort}?tls=none`,
      LAUREL_JOB_BACKOFF_BASE_MS: '500',
      // The public verifier and imports fetch the demo badges from this very
      // server on 127.0.0.1; the SSRF guard's refusal of loopback is tested
      // against a server without this (server/tests/verify.rs).
      LAUREL_FETCH_ALLOW_PRIVATE: 'true',
      // Analytics roll up every second, so a test sees its own visits.
      LAUREL_ANALYTICS_INTERVAL_SECONDS: '1',
    },
    },
  ],
});
