import { createHmac } from 'node:crypto';

// RFC 6238 TOTP (HMAC-SHA-1, 30-second steps), computed the way an
// authenticator app does, so the tests can sign in with two-factor
// authentication without a phone.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Decodes RFC 4648 base32 (spaces, padding and case are ignored). */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const index = ALPHABET.indexOf(ch);
    if (index < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
      value &= (1 << bits) - 1;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP: the code of `counter` under `key`. */
export function hotp(key: Buffer, counter: number, digits = 6): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary =
    ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The 30-second step of a time (seconds since the epoch; default now). */
export function stepOf(seconds = Date.now() / 1000): number {
  return Math.floor(seconds / 30);
}

/** The code of a base32 secret for one time step. */
export function totpAtStep(secretBase32: string, step: number, digits = 6): string {
  return hotp(base32Decode(secretBase32), step, digits);
}

/** A six-digit code that is certainly not accepted around now. */
export function wrongCode(secretBase32: string): string {
  const now = stepOf();
  const near = new Set([-2, -1, 0, 1, 2].map((d) => totpAtStep(secretBase32, now + d)));
  for (let n = 123456; ; n = (n + 1) % 1_000_000) {
    const code = String(n).padStart(6, '0');
    if (!near.has(code)) return code;
  }
}
