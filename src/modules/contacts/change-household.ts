import { inTransaction } from '../../db/database.ts';
import { conflict, notFound, validation } from '../../kernel/app-error.ts';
import { recordAudit } from '../audit/index.ts';
import { addressOf, type ChangedBy, type ContactDeps } from './contact.ts';
import { fieldsOfRow, findContactRow } from './contact-store.ts';
import { copyAddressTo, copyAddressToSecondaries } from './household-address.ts';
import { joinablePerson, loadHousehold, setMembership, touchHousehold, type Household } from './household-store.ts';

/**
 * Renames a household, or makes another member its primary (the former primary becomes a
 * secondary, and everyone takes the new primary's address).
 */
export const updateHousehold = async (deps: ContactDeps, by: ChangedBy, id: string, patch: { name?: string; primaryId?: string }): Promise<Household> =>
  inTransaction(deps.db, async (tx) => {
    const before = await loadHousehold(tx, id);
    let name = before.name;
    if (patch.name !== undefined) {
      name = patch.name.replace(/\s+/g, ' ').trim();
      if (!name) throw validation('Give the household a name.', { field: 'name' });
      if (name.length > 200) throw validation('A household name can be at most 200 characters.', { field: 'name' });
      await tx.updateTable('household').set({ name }).where('id', '=', id).execute();
    }
    const oldPrimary = before.members.find((m) => m.role === 'primary');
    if (patch.primaryId !== undefined && patch.primaryId !== oldPrimary?.id) {
      const next = before.members.find((m) => m.id === patch.primaryId);
      if (!next) throw validation('The new primary must already be a member of the household; add them first.', { field: 'primaryId' });
      if (oldPrimary) await setMembership(tx, deps.clock, by, oldPrimary.id, { id, name, role: 'secondary' }, { id, name: before.name, role: 'primary' });
      await setMembership(tx, deps.clock, by, next.id, { id, name, role: 'primary' }, { id, name: before.name, role: 'secondary' });
      const row = (await findContactRow(tx, next.id))!;
      await copyAddressToSecondaries(tx, deps.clock, by, id, addressOf(fieldsOfRow(row)));
    }
    await touchHousehold(tx, deps.clock, id);
    const after = await loadHousehold(tx, id);
    if (JSON.stringify([before.name, before.members]) !== JSON.stringify([after.name, after.members])) {
      await recordAudit(tx, deps.clock, by.actor, {
        entityType: 'household',
        entityId: id,
        action: 'update',
        before: { name: before.name, members: before.members },
        after: { name: after.name, members: after.members },
        requestId: by.requestId,
      });
    }
    return after;
  });

/** Adds a person as a secondary member; they take the primary's address. */
export const addHouseholdMember = async (deps: ContactDeps, by: ChangedBy, id: string, contactId: string): Promise<Household> =>
  inTransaction(deps.db, async (tx) => {
    const before = await loadHousehold(tx, id);
    const person = await joinablePerson(tx, contactId);
    await setMembership(tx, deps.clock, by, person.id, { id, name: before.name, role: 'secondary' }, null);
    const primary = before.members.find((m) => m.role === 'primary');
    if (primary) await copyAddressTo(tx, deps.clock, by, person.id, addressOf(fieldsOfRow((await findContactRow(tx, primary.id))!)));
    await touchHousehold(tx, deps.clock, id);
    const after = await loadHousehold(tx, id);
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'household', entityId: id, action: 'add_member', after: { contactId, displayName: person.display_name, role: 'secondary' }, requestId: by.requestId });
    return after;
  });

/**
 * Takes a person out of a household (their address stays). The primary can leave only when no
 * secondaries remain, and the household then ends; otherwise make someone else primary first.
 * Returns the household, or null when it ended.
 */
export const removeHouseholdMember = async (deps: ContactDeps, by: ChangedBy, id: string, contactId: string): Promise<Household | null> =>
  inTransaction(deps.db, async (tx) => {
    const before = await loadHousehold(tx, id);
    const member = before.members.find((m) => m.id === contactId);
    if (!member) throw notFound('That member of the household');
    if (member.role === 'primary' && before.members.length > 1) {
      throw conflict(`${member.displayName} is the household's primary member. Make another member primary first, or remove the others.`);
    }
    await setMembership(tx, deps.clock, by, contactId, null, { id, name: before.name, role: member.role });
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'household', entityId: id, action: 'remove_member', before: { contactId, displayName: member.displayName, role: member.role }, requestId: by.requestId });
    if (before.members.length === 1) {
      await tx.deleteFrom('household').where('id', '=', id).execute();
      await recordAudit(tx, deps.clock, by.actor, { entityType: 'household', entityId: id, action: 'delete', before: { name: before.name }, requestId: by.requestId });
      return null;
    }
    await touchHousehold(tx, deps.clock, id);
    return loadHousehold(tx, id);
  });
