import { sql, type Kysely } from 'kysely';
import { dbKind, lockResource, toNumber } from './database.ts';
import type { DB } from './schema.ts';

/**
 * Gapless number series (member numbers now, invoice numbers later), one row per series in
 * `number_sequence`. Call inside the transaction that uses the number: the row stays locked
 * until commit, and a rollback gives the number back.
 */

/**
 * Takes the next number of series `name`. `first` is where the series starts; when `first` is
 * raised above the stored next value (a setting changed) the series jumps forward, never back.
 */
export const nextNumber = async (tx: Kysely<DB>, name: string, first: number): Promise<number> => nextNumbers(tx, name, first, 1);

/**
 * Takes `count` consecutive numbers of series `name` in one statement and returns the first of
 * them (the block is `first … first + count - 1`). A billing run numbers thousands of invoices
 * this way; like `nextNumber`, the row stays locked until commit and a rollback gives the block back.
 */
export const nextNumbers = async (tx: Kysely<DB>, name: string, first: number, count: number): Promise<number> => {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`nextNumbers: count must be a whole number of at least 1, got ${count}`);
  // One statement: the upsert's row lock serialises concurrent takers until commit on PostgreSQL
  // (SQLite has one writer anyway), and imports taking thousands of numbers stay fast.
  const greatest = dbKind(tx) === 'postgres' ? sql`greatest` : sql`max`;
  const { rows } = await sql<{ next_value: number | string }>`
    insert into number_sequence (name, next_value) values (${name}, ${first + count})
    on conflict (name) do update set next_value = ${greatest}(number_sequence.next_value, ${first}) + ${count}
    returning next_value`.execute(tx);
  return toNumber(rows[0]!.next_value) - count;
};

/**
 * Records that `used` was taken from outside the series (an import keeping old member numbers), so
 * the series continues after it.
 */
export const reserveNumber = async (tx: Kysely<DB>, name: string, used: number, first: number): Promise<void> => {
  await lockResource(tx, `seq:${name}`);
  const row = await tx.selectFrom('number_sequence').select('next_value').where('name', '=', name).executeTakeFirst();
  const next = Math.max(row ? toNumber(row.next_value) : first, used + 1);
  if (row) await tx.updateTable('number_sequence').set({ next_value: next }).where('name', '=', name).execute();
  else await tx.insertInto('number_sequence').values({ name, next_value: next }).execute();
};
