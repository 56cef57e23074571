import type { Permissions } from '../../api/access.ts';
import { inTransaction } from '../../db/database.ts';
import { conflict, validation } from '../../kernel/app-error.ts';
import { newId } from '../../kernel/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { assertStaffExist, findGroupByName, getGroupItem, setGroupMembers } from './staff-store.ts';
import { assertCanGrant, groupSnapshot, isUniqueViolation, type AccessGroupItem, type ChangedBy, type StaffDeps } from './staff.ts';

export interface CreateGroupInput {
  name: string;
  description?: string;
  permissions: Permissions;
  memberIds?: string[];
}

export const createAccessGroup = async (deps: StaffDeps, by: ChangedBy, input: CreateGroupInput): Promise<AccessGroupItem> => {
  const name = input.name.trim();
  if (!name) throw validation('Give the access group a name.');
  assertCanGrant(by.grantor, input.permissions);
  const memberIds = [...new Set(input.memberIds ?? [])];
  await assertStaffExist(deps.db, memberIds);
  const id = newId(deps.clock.now().getTime());
  try {
    return await inTransaction(deps.db, async (tx) => {
      if (await findGroupByName(tx, name)) throw conflict(`An access group named "${name}" already exists.`);
      const now = deps.clock.now().toISOString();
      await tx
        .insertInto('access_group')
        .values({ id, name, description: input.description?.trim() ?? '', permissions: JSON.stringify(input.permissions), builtin: 0, created_at: now, updated_at: now })
        .execute();
      await setGroupMembers(tx, id, memberIds);
      const item = (await getGroupItem(tx, id))!;
      await recordAudit(tx, deps.clock, by.actor, { entityType: 'access_group', entityId: id, action: 'create', after: groupSnapshot(item), requestId: by.requestId });
      return item;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(`An access group named "${name}" already exists.`);
    throw e;
  }
};
