import { inTransaction } from '../../db/database.ts';
import { validation } from '../../kernel/app-error.ts';
import { recordAudit } from '../audit/index.ts';
import { assertPasswordAcceptable } from './create-staff-user.ts';
import { accountKey } from './login-throttle.ts';
import { hashPassword } from './password-hash.ts';
import { checkOneTimeToken, clearThrottle, consumeOneTimeToken, deleteSessionsOf, retireTokensOf } from './session-store.ts';
import { findStaffById } from './staff-store.ts';
import type { StaffDeps } from './staff.ts';

const NOT_VALID = 'This link is not valid. Ask for a new one.';

/**
 * Sets a new password from an e-mailed link. The link works once and only until it expires; a
 * password the policy refuses leaves the link usable. Every session of the user ends.
 */
export const confirmPasswordReset = async (deps: StaffDeps, input: { token: string; password: string; requestId?: string | null }): Promise<void> => {
  const row = await checkOneTimeToken(deps.db, deps.clock, 'password_reset', input.token);
  const user = row.staff_id ? await findStaffById(deps.db, row.staff_id) : undefined;
  if (!user || !Number(user.active)) throw validation(NOT_VALID);
  assertPasswordAcceptable(input.password, { email: user.email, name: user.name });
  const passwordHash = await hashPassword(input.password);
  await inTransaction(deps.db, async (tx) => {
    await consumeOneTimeToken(tx, deps.clock, 'password_reset', input.token);
    const now = deps.clock.now().toISOString();
    await tx.updateTable('staff_user').set({ password_hash: passwordHash, password_changed_at: now, updated_at: now }).where('id', '=', user.id).execute();
    await retireTokensOf(tx, deps.clock, user.id, 'password_reset');
    await deleteSessionsOf(tx, user.id);
    // Whoever proved they own the mailbox may sign in again at once.
    await clearThrottle(tx, accountKey(user.email));
    await recordAudit(tx, deps.clock, { type: 'staff', id: user.id, name: user.name || user.email }, {
      entityType: 'staff_user',
      entityId: user.id,
      action: 'reset_password',
      requestId: input.requestId,
    });
  });
};
