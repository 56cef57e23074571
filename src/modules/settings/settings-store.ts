import type { Executor } from '../../db/database.ts';
import type { SettingTable } from '../../db/schema.ts';

/** Kysely queries for stored overrides. A key without a row has its default. */
export const loadOverrides = (db: Executor): Promise<SettingTable[]> => db.selectFrom('setting').selectAll().execute();

export const loadOverride = (db: Executor, key: string): Promise<SettingTable | undefined> =>
  db.selectFrom('setting').selectAll().where('key', '=', key).executeTakeFirst();

export const saveOverride = async (db: Executor, row: SettingTable): Promise<void> => {
  await db
    .insertInto('setting')
    .values(row)
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: row.value, updated_at: row.updated_at, updated_by: row.updated_by }))
    .execute();
};

export const deleteOverride = async (db: Executor, key: string): Promise<void> => {
  await db.deleteFrom('setting').where('key', '=', key).execute();
};
