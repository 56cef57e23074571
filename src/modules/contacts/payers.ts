import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { lockResource } from '../../db/database.ts';
import { validation } from '../../kernel/app-error.ts';

/** Payers: a contact may name another contact (a parent, an employer) who receives and pays its invoices. */

/**
 * A payer must exist, be active, not be the contact itself, and must not lead back to the contact
 * through its own payer chain (invoices would go round in a circle and reach nobody).
 * `contactId` is null for a contact not created yet.
 */
export const assertPayerAllowed = async (db: Kysely<DB>, contactId: string | null, payerId: string): Promise<{ id: string; displayName: string }> => {
  // Two concurrent changes (A pays for B, B pays for A) must not each miss the other's circle.
  await lockResource(db, 'contact_payers');
  if (contactId !== null && payerId === contactId) throw validation('A contact cannot be its own payer; leave the payer empty instead.', { field: 'payerId' });
  const payer = await db.selectFrom('contact').select(['id', 'status', 'display_name', 'payer_id']).where('id', '=', payerId).executeTakeFirst();
  if (!payer) throw validation(`No contact has the id ${payerId}; choose the payer from the contacts list.`, { field: 'payerId' });
  if (payer.status !== 'active') throw validation(`${payer.display_name} is erased and cannot pay for anyone.`, { field: 'payerId' });
  const ref = { id: payer.id, displayName: payer.display_name };
  if (contactId === null) return ref;
  const seen = new Set<string>([payer.id]);
  let next = payer.payer_id;
  while (next) {
    if (next === contactId) {
      throw validation(`${payer.display_name} cannot pay for this contact: this contact already pays for ${payer.display_name} (directly or through others), and payers cannot go round in a circle.`, {
        field: 'payerId',
      });
    }
    if (seen.has(next)) break;
    seen.add(next);
    const row = await db.selectFrom('contact').select(['payer_id']).where('id', '=', next).executeTakeFirst();
    next = row?.payer_id ?? null;
  }
  return ref;
};
