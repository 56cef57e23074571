import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lowestAboveKey, lowestWithKey, nameKey, POSTGRES_KEY_CHARS, SQLITE_KEY_CHARS } from './name-key.ts';

/**
 * The name key orders the search index, so a search reads its matches in name order: it must never
 * put a name that sorts later (byte order of UTF-8, as both databases sort) under a smaller key, and
 * the names it gives as the bounds of a key must bound exactly the names with that key.
 */
const NAMES = [
  '', ' ', ',', '-', '.', '!', '\u0001', 'a', 'ab', 'a b', 'a,b', 'a-b', 'a.b', "o'brien", 'o brien', 'obrien', 'y', 'yy', 'z', 'za', 'zz', '{', 'é', 'ø', '😀', '中',
  'berg', 'berg, anne', 'berg,anne', 'berg-anne', 'berg anne', 'bergen', 'hansen as', 'hansen, kari', 'hansen, karl', 'hansen-karoheim, kari', 'hansen2', 'hansen.',
  'pettersen', 'pettersen, oystein', 'pettersens', 'nordmann, jose', 'nordmann, ola', 'aero, liv', 'aaa', 'aaaaaaaaaaaa', 'aaaaaaaaaaab', 'yyyyyyyyyyyy', '1st choice as',
];
const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

for (const chars of [SQLITE_KEY_CHARS, POSTGRES_KEY_CHARS]) {
  test(`a name that sorts later never gets a smaller key (${chars} characters)`, () => {
    const sorted = [...NAMES].sort(bytes);
    for (let i = 1; i < sorted.length; i++) {
      assert.ok(nameKey(sorted[i - 1]!, chars) <= nameKey(sorted[i]!, chars), `${JSON.stringify(sorted[i - 1])} before ${JSON.stringify(sorted[i])}`);
    }
    assert.ok(nameKey('hansen as', chars) < nameKey('hansen, a', chars));
  });

  test(`the names bounding a key bound exactly the names with that key (${chars} characters)`, () => {
    for (const name of NAMES) {
      const key = nameKey(name, chars);
      const low = lowestWithKey(key, chars);
      assert.equal(nameKey(low, chars), key, `${JSON.stringify(name)}: the lowest name has the key`);
      const above = lowestAboveKey(key, chars);
      for (const other of NAMES) {
        const k = nameKey(other, chars);
        assert.equal(bytes(other, low) >= 0, k >= key, `${JSON.stringify(other)} against the lowest name of ${JSON.stringify(name)}'s key`);
        if (above !== undefined) assert.equal(bytes(other, above) < 0, k <= key, `${JSON.stringify(other)} against the name above ${JSON.stringify(name)}'s key`);
      }
    }
  });
}
