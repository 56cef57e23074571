import { inTransaction, lockResource } from '../../db/database.ts';
import { conflict, notFound } from '../../kernel/app-error.ts';
import { recordAudit } from '../audit/index.ts';
import { countOtherActiveAdmins, getStaffItem } from './staff-store.ts';
import { assertCanManageAdmins, assertKeepsAnAdmin, staffSnapshot, type ChangedBy, type StaffDeps } from './staff.ts';

/** Removes a staff user (their sessions, memberships and open links go with them; the audit trail stays). */
export const deleteStaffUser = async (deps: StaffDeps, by: ChangedBy, id: string): Promise<void> => {
  await inTransaction(deps.db, async (tx) => {
    await lockResource(tx, 'staff_admins');
    const before = await getStaffItem(tx, id);
    if (!before) throw notFound('The staff user');
    if (before.isAdmin) assertCanManageAdmins(by.grantor);
    assertKeepsAnAdmin(before, null, await countOtherActiveAdmins(tx, id));
    if (by.actor.type === 'staff' && by.actor.id === id) {
      throw conflict('You cannot delete your own account. Ask another administrator, or deactivate it instead.');
    }
    await tx.deleteFrom('staff_user').where('id', '=', id).execute();
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'staff_user', entityId: id, action: 'delete', before: staffSnapshot(before), requestId: by.requestId });
  });
};
