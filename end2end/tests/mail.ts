import { readFileSync, existsSync } from 'node:fs';
import { mailFile } from '../playwright.config';

// Reads the mail Laurel delivered over SMTP to the test's aiosmtpd server
// (end2end/smtp/server.py), which appends one JSON line per message.

type Received = { to: string; subject: string; raw: string; parts: { content_type: string; body: string }[] };

function decode(raw: string): string {
  // Undo quoted-printable (soft line breaks, =XX escapes) and base64 parts,
  // enough to find links in the text.
  let text = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  for (const m of raw.matchAll(/Content-Transfer-Encoding: base64\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)/g)) {
    text += '\n' + Buffer.from(m[1].replace(/\s/g, ''), 'base64').toString('utf8');
  }
  return text;
}

function received(): Received[] {
  if (!existsSync(mailFile)) return [];
  const text = readFileSync(mailFile, 'utf8');
  // Only whole lines: the SMTP server may be half-way through appending one.
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Received);
}

/** The newest mail to `to` (whose subject matches, if given), raw and decoded. */
export async function waitForMail(to: string, timeoutMs = 15_000, subject?: string | RegExp): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const mine = received().filter(
      (m) => m.to.toLowerCase().includes(to.toLowerCase()) && (!subject || (typeof subject === 'string' ? m.subject.includes(subject) : subject.test(m.subject))),
    );
    const last = mine[mine.length - 1];
    if (last) return decode(last.raw) + '\n' + last.parts.map((p) => p.body).join('\n');
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
}

export function linkIn(mail: string, path: string): string {
  const m = mail.match(new RegExp(`https?://[^\\s"<>]+${path}[^\\s"<>]*`));
  if (!m) throw new Error(`no ${path} link in mail:\n${mail}`);
  return m[0];
}
