import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// The official Open Badges validator (1EdTech's badgecheck), offline: see
// end2end/badgecheck/README.md.
const venv = process.env.BADGECHECK_VENV ?? '../target/badgecheck-venv';

/** badgecheck's verdict on `target` (a URL) for `recipient`. */
export function badgecheck(
  target: string,
  recipient = 'holder@example.com',
): { valid: boolean; errorCount: number; messages: unknown[] } {
  if (!existsSync(`${venv}/bin/python`)) {
    throw new Error(`badgecheck venv missing at ${venv}: run end2end/badgecheck/setup.sh (scripts/test.sh does)`);
  }
  try {
    const out = execFileSync(`${venv}/bin/python`, ['badgecheck/verify.py', target, '--recipient', recipient], {
      encoding: 'utf8',
      timeout: 120_000,
      // badgecheck logs its own tracebacks on stderr; the verdict is on stdout.
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return JSON.parse(out);
  } catch (e) {
    const err = e as { status?: number; stdout?: string };
    if (err.status === 1 && err.stdout) return JSON.parse(err.stdout);
    throw e;
  }
}

/** Bakes `text` (an assertion's JSON, URL or JWS) into the PNG at `png`
 * with PyPI's openbadges-bakery — an implementation independent of
 * Laurel's — and writes the baked image to `out`. */
export function bakeWithBakery(png: string, text: string, out: string): string {
  const script = [
    'import sys, shutil',
    'from openbadges_bakery import bake',
    'with open(sys.argv[1], "rb") as image:',
    '    baked = bake(image, sys.stdin.read())',
    'baked.seek(0)',
    'with open(sys.argv[2], "wb") as f:',
    '    shutil.copyfileobj(baked, f)',
  ].join('\n');
  execFileSync(`${venv}/bin/python`, ['-c', script, png, out], { input: text, timeout: 60_000 });
  return out;
}
