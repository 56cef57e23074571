import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import { recordAudit } from '../audit/index.ts';
import { addressOf, sameAddress, type Address, type ChangedBy } from './contact.ts';
import { fieldsOfRow } from './contact-store.ts';

/**
 * A household lives at one address: secondaries take the primary's address when they join and
 * whenever the primary's address changes. Each contact that changes gets its own audit row.
 */
export const copyAddressTo = async (tx: Kysely<DB>, clock: Clock, by: ChangedBy, contactId: string, address: Address): Promise<boolean> => {
  const row = await tx.selectFrom('contact').selectAll().where('id', '=', contactId).executeTakeFirst();
  if (!row) return false;
  const before = addressOf(fieldsOfRow(row));
  if (sameAddress(before, address)) return false;
  await tx
    .updateTable('contact')
    .set((eb) => ({
      address_lines: address.addressLines.length ? address.addressLines.join('\n') : null,
      postcode: address.postcode,
      place: address.place,
      region: address.region,
      country: address.country,
      version: eb('version', '+', 1),
      updated_at: clock.now().toISOString(),
    }))
    .where('id', '=', contactId)
    .execute();
  await recordAudit(tx, clock, by.actor, {
    entityType: 'contact',
    entityId: contactId,
    action: 'household_address',
    before,
    after: addressOf(address),
    requestId: by.requestId,
  });
  return true;
};

/** Gives every secondary of the household the primary's address. */
export const copyAddressToSecondaries = async (tx: Kysely<DB>, clock: Clock, by: ChangedBy, householdId: string, address: Address): Promise<void> => {
  const secondaries = await tx.selectFrom('contact').select('id').where('household_id', '=', householdId).where('household_role', '=', 'secondary').orderBy('id').execute();
  for (const s of secondaries) await copyAddressTo(tx, clock, by, s.id, address);
};
