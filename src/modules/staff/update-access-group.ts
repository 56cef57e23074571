import type { Permissions } from '../../api/access.ts';
import { inTransaction } from '../../db/database.ts';
import { conflict, notFound, validation } from '../../kernel/app-error.ts';
import { recordAudit } from '../audit/index.ts';
import { assertStaffExist, findGroupByName, getGroupItem, setGroupMembers } from './staff-store.ts';
import { assertCanGrant, groupSnapshot, isUniqueViolation, samePermissions, type AccessGroupItem, type ChangedBy, type StaffDeps } from './staff.ts';

export interface UpdateGroupInput {
  name?: string;
  description?: string;
  permissions?: Permissions;
  memberIds?: string[];
}

/** Changes a group. The built-in Administrators group keeps its name and full access; only its description and members change. */
export const updateAccessGroup = async (deps: StaffDeps, by: ChangedBy, id: string, input: UpdateGroupInput): Promise<AccessGroupItem> => {
  const current = await getGroupItem(deps.db, id);
  if (!current) throw notFound('The access group');
  const name = input.name !== undefined ? input.name.trim() : current.name;
  if (!name) throw validation('Give the access group a name.');
  if (current.builtin && (name !== current.name || (input.permissions && !samePermissions(input.permissions, current.permissions)))) {
    throw conflict(`"${current.name}" is built in: its name and access cannot change. Create a new group instead.`);
  }
  if (input.permissions) assertCanGrant(by.grantor, input.permissions);
  if (input.memberIds) {
    const added = input.memberIds.filter((m) => !current.memberIds.includes(m));
    if (added.length) assertCanGrant(by.grantor, input.permissions ?? current.permissions);
    await assertStaffExist(deps.db, input.memberIds);
  }
  try {
    return await inTransaction(deps.db, async (tx) => {
      const before = await getGroupItem(tx, id);
      if (!before) throw notFound('The access group');
      if (name !== before.name && (await findGroupByName(tx, name))) throw conflict(`An access group named "${name}" already exists.`);
      await tx
        .updateTable('access_group')
        .set({
          name,
          description: input.description !== undefined ? input.description.trim() : before.description,
          permissions: JSON.stringify(input.permissions ?? before.permissions),
          updated_at: deps.clock.now().toISOString(),
        })
        .where('id', '=', id)
        .execute();
      if (input.memberIds) await setGroupMembers(tx, id, [...new Set(input.memberIds)]);
      const after = (await getGroupItem(tx, id))!;
      if (JSON.stringify(groupSnapshot(before)) !== JSON.stringify(groupSnapshot(after))) {
        await recordAudit(tx, deps.clock, by.actor, {
          entityType: 'access_group',
          entityId: id,
          action: 'update',
          before: groupSnapshot(before),
          after: groupSnapshot(after),
          requestId: by.requestId,
        });
      }
      return after;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(`An access group named "${name}" already exists.`);
    throw e;
  }
};
