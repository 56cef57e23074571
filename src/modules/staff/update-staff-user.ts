import { mergePermissions } from '../../api/access.ts';
import { inTransaction, lockResource } from '../../db/database.ts';
import { conflict, notFound, validation } from '../../kernel/app-error.ts';
import { recordAudit } from '../audit/index.ts';
import { assertPasswordAcceptable } from './create-staff-user.ts';
import { hashPassword } from './password-hash.ts';
import { deleteSessionsOf } from './session-store.ts';
import { countOtherActiveAdmins, findStaffByEmail, getStaffItem, groupsPermissions, loadGroups, setStaffGroups } from './staff-store.ts';
import {
  assertCanGrant,
  assertEmailAddress,
  assertCanManageAdmins,
  assertKeepsAnAdmin,
  isUniqueViolation,
  normalizeEmail,
  staffSnapshot,
  type ChangedBy,
  type Language,
  type StaffDeps,
  type StaffItem,
} from './staff.ts';

export interface UpdateStaffInput {
  email?: string;
  name?: string;
  isAdmin?: boolean;
  active?: boolean;
  language?: Language | null;
  groupIds?: string[];
  password?: string;
}

/**
 * Changes a staff user. The last administrator with full access keeps that status; a new password
 * or a deactivation ends the user's sessions (except the one making a change to its own password).
 */
export const updateStaffUser = async (deps: StaffDeps, by: ChangedBy, id: string, input: UpdateStaffInput): Promise<StaffItem> => {
  const current = await getStaffItem(deps.db, id);
  if (!current) throw notFound('The staff user');
  if (current.isAdmin || input.isAdmin) assertCanManageAdmins(by.grantor);
  const email = input.email !== undefined ? normalizeEmail(input.email) : current.email;
  if (input.email !== undefined) assertEmailAddress(email);
  const name = input.name !== undefined ? input.name.trim() : current.name;
  if (!name) throw validation('Give the staff user a name.');
  if (input.groupIds) {
    const added = input.groupIds.filter((g) => !current.groupIds.includes(g));
    assertCanGrant(by.grantor, mergePermissions(groupsPermissions(await loadGroups(deps.db, added))));
    await loadGroups(deps.db, input.groupIds);
  }
  if (input.password !== undefined) assertPasswordAcceptable(input.password, { email, name });
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : null;

  try {
    return await inTransaction(deps.db, async (tx) => {
      // Serialise admin changes so two requests cannot each demote "the other" last administrator.
      await lockResource(tx, 'staff_admins');
      const before = await getStaffItem(tx, id);
      if (!before) throw notFound('The staff user');
      const isAdmin = input.isAdmin ?? before.isAdmin;
      const active = input.active ?? before.active;
      assertKeepsAnAdmin(before, { isAdmin, active }, await countOtherActiveAdmins(tx, id));
      if (email !== before.email && (await findStaffByEmail(tx, email))) {
        throw conflict(`A staff user with the e-mail ${email} already exists.`);
      }
      const now = deps.clock.now().toISOString();
      await tx
        .updateTable('staff_user')
        .set({
          email,
          name,
          is_admin: isAdmin ? 1 : 0,
          active: active ? 1 : 0,
          language: input.language !== undefined ? input.language : before.language,
          updated_at: now,
          ...(passwordHash ? { password_hash: passwordHash, password_changed_at: now } : {}),
        })
        .where('id', '=', id)
        .execute();
      if (input.groupIds) await setStaffGroups(tx, id, [...new Set(input.groupIds)]);
      if (!active) await deleteSessionsOf(tx, id);
      else if (passwordHash) await deleteSessionsOf(tx, id, by.sessionIdHash);

      const after = (await getStaffItem(tx, id))!;
      const audit = { entityType: 'staff_user', entityId: id, requestId: by.requestId };
      if (JSON.stringify(staffSnapshot(before)) !== JSON.stringify(staffSnapshot(after))) {
        await recordAudit(tx, deps.clock, by.actor, { ...audit, action: 'update', before: staffSnapshot(before), after: staffSnapshot(after) });
      }
      if (passwordHash) await recordAudit(tx, deps.clock, by.actor, { ...audit, action: 'set_password' });
      return after;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(`A staff user with the e-mail ${email} already exists.`);
    throw e;
  }
};
