import { execFileSync } from 'node:child_process';
import { port, dataDir, bin, baseURL } from '../playwright.config';

// `laurel demo` is idempotent: running it again against the server's data
// directory returns the URLs of what the web server's own `demo` made.
let cached: Record<string, string> | undefined;

export function demoUrls(): Record<string, string> {
  if (!cached) {
    const out = execFileSync(bin, ['demo'], {
      env: { ...process.env, LAUREL_DATA_DIR: dataDir, LAUREL_PUBLIC_URL: baseURL, RUST_LOG: 'error' },
      encoding: 'utf8',
    });
    cached = Object.fromEntries(
      out
        .trim()
        .split('\n')
        .map((line) => line.split(' ') as [string, string]),
    );
  }
  return cached;
}

/** Runs an operator's command (`laurel …`) against the server's data
 * directory; returns what it printed. */
export function operator(args: string[]): string {
  return execFileSync(bin, args, {
    env: { ...process.env, LAUREL_DATA_DIR: dataDir, LAUREL_PUBLIC_URL: baseURL, RUST_LOG: 'error' },
    encoding: 'utf8',
  });
}

export { port };
