import type { Kysely } from 'kysely';
import { lockResource } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { conflict, notFound, validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { recordAudit } from '../audit/index.ts';
import type { ChangedBy, ContactRef, HouseholdRole } from './contact.ts';
import { byText } from './contact-store.ts';

/** Households: a primary person and secondary persons living at the primary's address. */
export interface Household {
  id: string;
  name: string;
  members: Array<ContactRef & { role: HouseholdRole }>;
  createdAt: string;
  updatedAt: string;
}

export const loadHousehold = async (db: Kysely<DB>, id: string): Promise<Household> => {
  const h = await db.selectFrom('household').selectAll().where('id', '=', id).executeTakeFirst();
  if (!h) throw notFound('The household');
  const members = (await db.selectFrom('contact').select(['id', 'display_name', 'household_role', 'sort_name']).where('household_id', '=', id).execute()).sort(
    (a, b) => byText(a.household_role ?? '', b.household_role ?? '') || byText(a.sort_name, b.sort_name) || byText(a.id, b.id),
  );
  return {
    id: h.id,
    name: h.name,
    members: members.map((m) => ({ id: m.id, displayName: m.display_name, role: m.household_role as HouseholdRole })),
    createdAt: h.created_at,
    updatedAt: h.updated_at,
  };
};

/** A contact that may join a household: an active person not in another household. */
export const joinablePerson = async (db: Kysely<DB>, contactId: string) => {
  // Serialises joins so two requests cannot put one person in two households.
  await lockResource(db, 'households');
  const c = await db.selectFrom('contact').selectAll().where('id', '=', contactId).executeTakeFirst();
  if (!c) throw validation(`No contact has the id ${contactId}.`, { field: 'contactId' });
  if (c.kind !== 'person') throw validation(`${c.display_name} is an organization; households are made of persons.`, { field: 'contactId' });
  if (c.status !== 'active') throw conflict(`${c.display_name} is erased and cannot join a household.`);
  if (c.household_id) {
    const h = await db.selectFrom('household').select('name').where('id', '=', c.household_id).executeTakeFirst();
    throw conflict(`${c.display_name} already belongs to the household "${h?.name ?? c.household_id}"; remove them from it first.`, { contactId });
  }
  return c;
};

/** Puts a contact in a household (or takes it out with null) and notes it in the contact's history. */
export const setMembership = async (
  tx: Kysely<DB>,
  clock: Clock,
  by: ChangedBy,
  contactId: string,
  household: { id: string; name: string; role: HouseholdRole } | null,
  previous: { id: string; name: string; role: string | null } | null,
): Promise<void> => {
  await tx
    .updateTable('contact')
    .set({ household_id: household?.id ?? null, household_role: household?.role ?? null })
    .where('id', '=', contactId)
    .execute();
  await recordAudit(tx, clock, by.actor, {
    entityType: 'contact',
    entityId: contactId,
    action: household ? (previous ? 'household_role' : 'household_join') : 'household_leave',
    before: previous ? { household: previous } : null,
    after: household ? { household } : null,
    requestId: by.requestId,
  });
};

export const touchHousehold = (tx: Kysely<DB>, clock: Clock, id: string) =>
  tx.updateTable('household').set({ updated_at: clock.now().toISOString() }).where('id', '=', id).execute();
