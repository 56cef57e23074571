import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from './ids.ts';

test('ids are 26 Crockford base32 characters, unique, and sort in the order they were made', () => {
  const same = Array.from({ length: 5000 }, () => newId(1_700_000_000_000));
  const later = Array.from({ length: 10 }, (_, i) => newId(1_700_000_000_001 + i));
  const all = [...same, ...later];
  for (const id of all) assert.match(id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
  assert.equal(new Set(all).size, all.length);
  assert.deepEqual([...all].sort(), all); // monotonic within a millisecond and across them
  assert.ok(newId(1_600_000_000_000) < newId(1_700_000_000_000)); // time first
  assert.notEqual(newId(5).slice(10), newId(6).slice(10)); // a new millisecond draws new randomness
});
