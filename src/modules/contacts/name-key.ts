/**
 * The name key of migration 0014: the first characters of a sort name as a number that never
 * decreases as the name sorts later (byte order, as both databases sort `sort_name`). Each character
 * is 5 bits: space, comma, hyphen and a–y keep their own value; every other character stands for its
 * range and ends the key. The search index keeps its entries in this order (SQLite: the FTS5 rowid;
 * PostgreSQL: the GiST index on `contact_search`), so a search reads its matches in name order.
 * The migration computes the key in SQL; this file must give the same values (see the tests).
 */

/** Characters in SQLite's key (the rowid holds 7 × 5 bits above the contact's 28-bit rowid). */
export const SQLITE_KEY_CHARS = 7;
export const SQLITE_ROWID_BITS = 28;
/** Characters in PostgreSQL's key (`contact_search.name_point`, exact as a double up to 50 bits). */
export const POSTGRES_KEY_CHARS = 10;

/** Lowest code point of each character value (0: the end, or a control character). */
const LOWEST = [0, 32, 33, 44, 45, 46, ...Array.from({ length: 25 }, (_, i) => 97 + i), 122];
/** Values that stand for one character, so the key goes on after them. */
const EXACT = (v: number) => v === 1 || v === 3 || v === 4 || (v >= 6 && v <= 30);

const valueOf = (c: number): number => (c < 32 ? 0 : c === 32 ? 1 : c < 44 ? 2 : c === 44 ? 3 : c === 45 ? 4 : c < 97 ? 5 : c < 122 ? c - 91 : 31);

/** The key of a sort name over `chars` characters. */
export const nameKey = (sortName: string, chars: number): number => {
  const points = [...sortName].map((ch) => ch.codePointAt(0)!);
  let key = 0;
  let open = true;
  for (let i = 0; i < chars; i++) {
    const v: number = open && i < points.length ? valueOf(points[i]!) : 0;
    open = open && EXACT(v);
    key = key * 32 + v;
  }
  return key;
};

/**
 * The lowest sort name with this key, i.e. every name with a smaller key sorts before it and every
 * name with this key or a larger one sorts at or after it.
 */
export const lowestWithKey = (key: number, chars: number): string => {
  let name = '';
  for (let i = chars - 1; i >= 0; i--) {
    const v = Math.floor(key / 32 ** i) % 32;
    if (v === 0) break;
    name += String.fromCodePoint(LOWEST[v]!);
    if (!EXACT(v)) break;
  }
  return name;
};

/**
 * The lowest sort name with a key above this one (undefined when there is none): every name with
 * this key or a smaller one sorts before it. The next key a name can have is the key with the
 * character that ends it (or the last one) raised by one and nothing after.
 */
export const lowestAboveKey = (key: number, chars: number): string | undefined => {
  let last = chars - 1;
  for (let i = 0; i < chars; i++) {
    if (!EXACT(Math.floor(key / 32 ** (chars - 1 - i)) % 32)) {
      last = i;
      break;
    }
  }
  const step = 32 ** (chars - 1 - last);
  const next = (Math.floor(key / step) + 1) * step;
  return next >= 32 ** chars ? undefined : lowestWithKey(next, chars);
};
