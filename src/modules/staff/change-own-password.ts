import { inTransaction } from '../../db/database.ts';
import { notFound, validation } from '../../kernel/app-error.ts';
import { recordAudit, type Actor } from '../audit/index.ts';
import { assertPasswordAcceptable } from './create-staff-user.ts';
import { accountKey, ACCOUNT_RULE } from './login-throttle.ts';
import { hashPassword, verifyPassword } from './password-hash.ts';
import { countFailure, deleteSessionsOf, retireTokensOf } from './session-store.ts';
import { assertNotThrottled } from './sign-in.ts';
import { findStaffById } from './staff-store.ts';
import type { StaffConfigDeps } from './staff.ts';

export interface ChangeOwnPasswordInput {
  staffId: string;
  currentPassword: string;
  newPassword: string;
  /** The session asking; every other session of the user ends. */
  sessionIdHash: string | null;
  requestId?: string | null;
}

/**
 * A signed-in user changes their password. The current one is required (a borrowed, unlocked
 * browser is not enough), and wrong guesses count towards the account's sign-in throttle.
 */
export const changeOwnPassword = async (deps: StaffConfigDeps, actor: Actor, input: ChangeOwnPasswordInput): Promise<void> => {
  const user = await findStaffById(deps.db, input.staffId);
  if (!user) throw notFound('The staff user');
  await assertNotThrottled(deps, [accountKey(user.email)]);
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
    await countFailure(deps.db, deps.clock, accountKey(user.email), ACCOUNT_RULE);
    throw validation('The current password is wrong.', { field: 'currentPassword' });
  }
  assertPasswordAcceptable(input.newPassword, { email: user.email, name: user.name });
  if (input.newPassword === input.currentPassword) throw validation('The new password is the same as the current one.', { field: 'newPassword' });
  const passwordHash = await hashPassword(input.newPassword);
  await inTransaction(deps.db, async (tx) => {
    const now = deps.clock.now().toISOString();
    await tx.updateTable('staff_user').set({ password_hash: passwordHash, password_changed_at: now, updated_at: now }).where('id', '=', user.id).execute();
    await deleteSessionsOf(tx, user.id, input.sessionIdHash);
    await retireTokensOf(tx, deps.clock, user.id, 'password_reset');
    await recordAudit(tx, deps.clock, actor, { entityType: 'staff_user', entityId: user.id, action: 'change_password', requestId: input.requestId });
  });
};
