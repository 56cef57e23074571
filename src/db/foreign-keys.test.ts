/**
 * `withoutForeignKeyChecks` on a real database (SQLite, and PostgreSQL with TEST_DATABASE_URL):
 * inside it SQLite takes rows whose parent is missing; every other writer, also one that asked for
 * the connection meanwhile, is checked; reads never switch the mode.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { dbKind, withoutForeignKeyChecks } from './database.ts';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
  await sql`create table fk_parent (id text primary key)`.execute(t.db);
  await sql`create table fk_child (id text primary key, parent_id text not null references fk_parent (id))`.execute(t.db);
  await sql`insert into fk_parent (id) values ('p1')`.execute(t.db);
});
after(async () => {
  await t.close();
});

const child = (db: typeof t.db, id: string, parent: string) => sql`insert into fk_child (id, parent_id) values (${id}, ${parent})`.execute(db);
const children = async () => (await sql<{ id: string }>`select id from fk_child order by id`.execute(t.db)).rows.map((r) => r.id);
const REFUSED = /FOREIGN KEY|foreign key/;

test('only the bulk writer skips the check; a writer waiting for the connection meanwhile is checked', async () => {
  const sqlite = dbKind(t.db) === 'sqlite';
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const bulk = withoutForeignKeyChecks(t.db, async (db) => {
    await held;
    await db.transaction().execute(async (tx) => {
      await child(tx, 'a-good', 'p1');
      // A missing parent: taken on SQLite (the caller vouches for its references), refused on PostgreSQL.
      await child(tx, 'b-dangling', 'nope');
    });
  });
  // Another request's write while the bulk writer holds the connection: it waits, then is checked.
  const other = assert.rejects(child(t.db, 'c-other', 'nope'), REFUSED);
  const bulkDone = sqlite ? bulk : assert.rejects(bulk, REFUSED);
  release();
  await bulkDone;
  await other;
  assert.deepEqual(await children(), sqlite ? ['a-good', 'b-dangling'] : []);

  // Reads between bulk writes do not switch the mode back; the next other write does, in a transaction too.
  await withoutForeignKeyChecks(t.db, async (db) => {
    await child(db, 'd-good', 'p1');
  });
  assert.equal((await sql<{ n: number | string }>`select count(*) as n from fk_parent`.execute(t.db)).rows[0]!.n.toString(), '1');
  // (Switching makes SQLite prepare every statement again, so it waits for a statement that may write.)
  const enforced = async () => Number((await sql<{ foreign_keys: number }>`select foreign_keys from pragma_foreign_keys`.execute(t.db)).rows[0]!.foreign_keys);
  if (sqlite) assert.equal(await enforced(), 0);
  await assert.rejects(
    t.db.transaction().execute((tx) => child(tx, 'e-dangling', 'nope')),
    REFUSED,
  );
  await assert.rejects(child(t.db, 'f-dangling', 'nope'), REFUSED);
  if (sqlite) assert.equal(await enforced(), 1);
  assert.deepEqual(await children(), sqlite ? ['a-good', 'b-dangling', 'd-good'] : ['d-good']);
});
