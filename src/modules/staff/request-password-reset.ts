import { inTransaction } from '../../db/database.ts';
import { mailDeps, queueMail } from '../mail/index.ts';
import { lockedFor, resetMailKey, RESET_MAIL_RULE } from './login-throttle.ts';
import { countFailure, insertOneTimeToken, readThrottle } from './session-store.ts';
import { findStaffByEmail } from './staff-store.ts';
import { normalizeEmail, type StaffConfigDeps } from './staff.ts';

export const RESET_LINK_VALID_MS = 60 * 60_000;

/**
 * Mails a single-use link (valid one hour) to an active staff user. The caller answers the same
 * whether or not the address belongs to anyone; a few mails per hour per account at most.
 */
export const requestPasswordReset = async (deps: StaffConfigDeps, input: { email: string }): Promise<void> => {
  const email = normalizeEmail(input.email);
  const user = await findStaffByEmail(deps.db, email);
  if (!user || !Number(user.active)) return;
  if (lockedFor(await readThrottle(deps.db, resetMailKey(email)), deps.clock.now()) > 0) return;
  const mail = await mailDeps(deps);
  await inTransaction(deps.db, async (tx) => {
    await countFailure(tx, deps.clock, resetMailKey(email), RESET_MAIL_RULE);
    const token = await insertOneTimeToken(tx, deps.clock, { purpose: 'password_reset', staffId: user.id, validMs: RESET_LINK_VALID_MS });
    const link = `${deps.config.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
    await queueMail(tx, mail, {
      to: [user.email],
      subject: 'Reset your Guildhall password',
      text:
        `Hello ${user.name || user.email},\n\n` +
        `Someone (hopefully you) asked to reset the password of your Guildhall account.\n` +
        `Choose a new password here within one hour:\n\n${link}\n\n` +
        `The link works once. If you did not ask for this, ignore this message: your password stays as it is.\n`,
      relatedType: 'staff_user',
      relatedId: user.id,
    });
  });
};
