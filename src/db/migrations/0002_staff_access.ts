import type { Kysely } from 'kysely';
import { newId } from '../../kernel/ids.ts';

/** Staff and access: the built-in "Administrators" access group, granting every area. */
const AREAS = ['settings', 'contacts', 'billing', 'payments', 'ledger', 'communications', 'provisioning', 'reports', 'staff'];

export async function up(db: Kysely<any>): Promise<void> {
  const now = new Date().toISOString();
  await db
    .insertInto('access_group')
    .values({
      id: newId(),
      name: 'Administrators',
      description: 'Full access to everything. Administrators belong here.',
      permissions: JSON.stringify(Object.fromEntries(AREAS.map((a) => [a, 'update']))),
      builtin: 1,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}
