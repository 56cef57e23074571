import { inTransaction } from '../../db/database.ts';
import { validation } from '../../kernel/app-error.ts';
import { newId } from '../../kernel/ids.ts';
import { recordAudit } from '../audit/index.ts';
import type { ChangedBy, ContactDeps } from './contact.ts';
import { fieldsOfRow } from './contact-store.ts';
import { copyAddressTo } from './household-address.ts';
import { joinablePerson, loadHousehold, setMembership, type Household } from './household-store.ts';
import { addressOf } from './contact.ts';

export interface CreateHouseholdInput {
  name?: string;
  primaryId: string;
  secondaryIds?: string[];
}

/**
 * Makes a household of a primary person and secondaries, who take the primary's address. Each
 * person can be in one household only. Without a name it is called after the primary's last name.
 */
export const createHousehold = async (deps: ContactDeps, by: ChangedBy, input: CreateHouseholdInput): Promise<Household> => {
  const secondaryIds = [...new Set(input.secondaryIds ?? [])];
  if (secondaryIds.includes(input.primaryId)) throw validation('The primary cannot also be a secondary member.', { field: 'secondaryIds' });
  const given = input.name?.replace(/\s+/g, ' ').trim();
  if (given && given.length > 200) throw validation('A household name can be at most 200 characters.', { field: 'name' });
  return inTransaction(deps.db, async (tx) => {
    const primary = await joinablePerson(tx, input.primaryId);
    const secondaries = [];
    for (const id of secondaryIds) secondaries.push(await joinablePerson(tx, id));
    const now = deps.clock.now().toISOString();
    const id = newId(deps.clock.now().getTime());
    const name = given || `${primary.last_name ?? primary.display_name} household`;
    await tx.insertInto('household').values({ id, name, created_at: now, updated_at: now }).execute();
    await setMembership(tx, deps.clock, by, primary.id, { id, name, role: 'primary' }, null);
    const address = addressOf(fieldsOfRow(primary));
    for (const s of secondaries) {
      await setMembership(tx, deps.clock, by, s.id, { id, name, role: 'secondary' }, null);
      await copyAddressTo(tx, deps.clock, by, s.id, address);
    }
    const household = await loadHousehold(tx, id);
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'household', entityId: id, action: 'create', after: { name, members: household.members }, requestId: by.requestId });
    return household;
  });
};
