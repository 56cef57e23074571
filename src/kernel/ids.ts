import { randomBytes, randomFillSync, createHash, timingSafeEqual } from 'node:crypto';

/**
 * Record ids: time-ordered (so they sort by creation and index well) and random.
 * 48-bit millisecond time + 80 random bits, Crockford base32, 26 characters (ULID layout).
 * Monotonic within a process: ids made in the same millisecond count up from the first one's
 * random part, so they sort in the order they were made (status events written together).
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TWO40 = 2 ** 40;

// Random bytes are drawn in blocks: one system call per 400 ids instead of one per id.
const pool = Buffer.alloc(4000);
let poolAt = pool.length;
const random40 = (): number => {
  if (poolAt + 5 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  let n = 0;
  for (let i = 0; i < 5; i++) n = n * 256 + pool[poolAt++]!;
  return n;
};

const base32 = (n: number, chars: number): string => {
  let out = '';
  for (let i = 0; i < chars; i++) {
    out = ALPHABET[n % 32] + out;
    n = Math.floor(n / 32);
  }
  return out;
};

let lastMs = -1;
let hi = 0;
let lo = 0;

export const newId = (nowMs: number = Date.now()): string => {
  if (nowMs === lastMs) {
    lo++;
    if (lo >= TWO40) {
      lo = 0;
      hi = (hi + 1) % TWO40;
    }
  } else {
    lastMs = nowMs;
    hi = random40();
    lo = random40();
  }
  return base32(nowMs, 10) + base32(hi, 8) + base32(lo, 8);
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
