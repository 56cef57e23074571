import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';

/**
 * Record ids: time-ordered (so they sort by creation and index well) and random.
 * 48-bit millisecond time + 80 random bits, Crockford base32, 26 characters (ULID layout).
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export const newId = (nowMs: number = Date.now()): string => {
  let time = '';
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(10);
  let rand = '';
  let acc = 0n;
  for (const b of bytes) acc = (acc << 8n) | BigInt(b);
  for (let i = 0; i < 16; i++) {
    rand = ALPHABET[Number(acc & 31n)] + rand;
    acc >>= 5n;
  }
  return time + rand;
};

/** A secret for links and keys: 32 random bytes, URL-safe. */
export const newToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** Secrets are stored only as their SHA-256; a token has enough entropy that no salt is needed. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export const safeEqual = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};
