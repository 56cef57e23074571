import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import fc from 'fast-check';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { chunkSizes, inList, insertRows, insertValues, updateRows } from './bulk.ts';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
  await sql`create table bulk_probe (id text primary key, label text, amount_minor bigint not null, n integer, payload text)`.execute(t.db);
});
after(async () => {
  await t.close();
});

const read = async () =>
  (await sql<{ id: string; label: string | null; amount_minor: string | number; n: number | null; payload: string | null }>`select * from bulk_probe order by id`.execute(t.db)).rows.map((r) => ({
    ...r,
    amount_minor: String(r.amount_minor),
  }));

// Text that would break an array literal, a VALUES list or COPY if escaped wrongly.
const HOSTILE = ['', 'a,b', '{x}', '"quoted"', 'back\\slash', "it's", 'NULL', 'tab\tnew\nline', 'Æøå €', '😀', ' lead and trail '];

test('chunk sizes: full chunks of a power of two, then the rest as descending powers of two, under 16 rows in one', () => {
  assert.deepEqual(chunkSizes(500, 10, 1000), [256, 128, 64, 32, 16, 4]);
  assert.deepEqual(chunkSizes(1200, 10, 1000), [512, 512, 128, 32, 16]);
  assert.deepEqual(chunkSizes(0, 10, 1000), []);
  assert.deepEqual(chunkSizes(3, 10, 1000), [3]);
  assert.deepEqual(chunkSizes(47, 10, 1000), [32, 15]);
  // The parameter limit (30,000) bounds a chunk: 31 columns → 512 rows.
  assert.deepEqual(chunkSizes(2000, 31, 5000), [512, 512, 512, 256, 128, 64, 16]);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 5000 }), (n, cols, per) => {
      const sizes = chunkSizes(n, cols, per);
      assert.equal(sizes.reduce((a, b) => a + b, 0), n);
      sizes.forEach((s, i) => {
        assert.ok(s * cols <= 30_000 && s <= per);
        // Powers of two, largest first; only the last may be any count under 16.
        assert.ok((s & (s - 1)) === 0 || (i === sizes.length - 1 && s < 16));
        if (i > 0) assert.ok(s <= sizes[i - 1]!);
      });
    }),
  );
});

test('insertRows and insertValues keep every value as given, hostile text, nulls and big amounts included', async () => {
  await sql`delete from bulk_probe`.execute(t.db);
  const rows = Array.from({ length: 1300 }, (_, i) => [
    `r${String(i).padStart(5, '0')}`,
    i % 7 === 0 ? null : HOSTILE[i % HOSTILE.length]!,
    // The largest amounts SQLite hands back exactly as numbers (2^53 − 1 minor units and below).
    (9_007_199_254_740_991n - BigInt(i)).toString(),
    i % 5 === 0 ? null : i,
    JSON.stringify({ i, text: HOSTILE[(i + 3) % HOSTILE.length] }),
  ]);
  await t.db.transaction().execute(async (tx) => {
    await insertRows(tx, 'bulk_probe', ['id', 'label', 'amount_minor', 'n', 'payload'], rows.slice(0, 700));
    await insertValues(tx, 'bulk_probe', ['id', 'label', 'amount_minor', 'n', 'payload'], rows.slice(700));
  });
  const back = await read();
  assert.equal(back.length, 1300);
  back.forEach((r, i) => {
    const [id, label, amount, n, payload] = rows[i]!;
    assert.deepEqual([r.id, r.label, r.amount_minor, r.n === null ? null : Number(r.n), r.payload], [id, label, amount, n, payload]);
  });
});

test('updateRows sets each row by key, with a shared extra assignment, and leaves other rows alone', async () => {
  await sql`delete from bulk_probe`.execute(t.db);
  await insertRows(t.db, 'bulk_probe', ['id', 'label', 'amount_minor', 'n'], Array.from({ length: 40 }, (_, i) => [`u${String(i).padStart(3, '0')}`, 'before', '1', 0]));
  const changes = Array.from({ length: 30 }, (_, i) => [`u${String(i).padStart(3, '0')}`, HOSTILE[i % HOSTILE.length]!, String(-5_000_000_000n * BigInt(i))]);
  await updateRows(t.db, 'bulk_probe', 'id', ['label', 'amount_minor'], changes, { extra: 'n = n + 1' });
  const back = await read();
  back.forEach((r, i) => {
    if (i < 30) assert.deepEqual([r.label, r.amount_minor, Number(r.n)], [HOSTILE[i % HOSTILE.length], String(-5_000_000_000n * BigInt(i)), 1]);
    else assert.deepEqual([r.label, r.amount_minor, Number(r.n)], ['before', '1', 0]);
  });
});

test('a failing chunk fails the call, and the transaction leaves nothing', async () => {
  await sql`delete from bulk_probe`.execute(t.db);
  const rows = Array.from({ length: 600 }, (_, i) => [`d${String(i).padStart(4, '0')}`, 'x', '1']);
  rows.push(['d0003', 'duplicate key', '1']);
  await assert.rejects(t.db.transaction().execute((tx) => insertRows(tx, 'bulk_probe', ['id', 'label', 'amount_minor'], rows)));
  assert.equal((await read()).length, 0);
});

test('inList finds exactly the listed ids, however many (padding repeats the last)', async () => {
  await sql`delete from bulk_probe`.execute(t.db);
  await insertRows(t.db, 'bulk_probe', ['id', 'amount_minor'], Array.from({ length: 100 }, (_, i) => [`k${String(i).padStart(3, '0')}`, '0']));
  for (const n of [0, 1, 3, 64, 65, 99]) {
    const ids = Array.from({ length: n }, (_, i) => `k${String(i * 1).padStart(3, '0')}`);
    const found = await t.db.selectFrom('bulk_probe' as never).select('id' as never).where(inList(t.db, 'id', [...ids, 'missing'])).execute();
    assert.equal(found.length, n, `${n} ids`);
  }
});
