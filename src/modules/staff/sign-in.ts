import { AppError } from '../../kernel/app-error.ts';
import { inTransaction } from '../../db/database.ts';
import { accountKey, addressKey, ACCOUNT_RULE, ADDRESS_RULE, lockedFor, throttledMessage } from './login-throttle.ts';
import { verifyPassword } from './password-hash.ts';
import { clearThrottle, countFailure, deleteSession, insertSession, readThrottle, type NewSession } from './session-store.ts';
import { findStaffByEmail } from './staff-store.ts';
import { normalizeEmail, type StaffConfigDeps } from './staff.ts';

export const WRONG_CREDENTIALS = 'The e-mail or password is wrong.';

export interface SignInInput {
  email: string;
  password: string;
  ip: string;
  userAgent?: string | null;
  /** A session the browser still carries; it is ended, since the new one replaces it. */
  previousSessionIdHash?: string | null;
}

/** Refuses with 429 while the account or the address is locked. Says nothing about whether the account exists. */
export const assertNotThrottled = async (deps: StaffConfigDeps, keys: string[]): Promise<void> => {
  const now = deps.clock.now();
  let wait = 0;
  for (const key of keys) wait = Math.max(wait, lockedFor(await readThrottle(deps.db, key), now));
  if (wait > 0) throw new AppError('too_many_requests', throttledMessage(wait), { retryAfterSeconds: Math.ceil(wait / 1000) });
};

/**
 * Checks an e-mail and password and opens a new session (a new random id every time, so a session
 * id planted before sign-in is worthless). Unknown e-mail, wrong password and inactive user all
 * get the same answer after the same work.
 */
export const signIn = async (deps: StaffConfigDeps, input: SignInInput): Promise<{ staffId: string; session: NewSession }> => {
  const email = normalizeEmail(input.email);
  const keys = { account: accountKey(email), address: addressKey(input.ip) };
  await assertNotThrottled(deps, [keys.account, keys.address]);

  const user = await findStaffByEmail(deps.db, email);
  const passwordOk = await verifyPassword(user?.password_hash, input.password);
  if (!user || !passwordOk || !Number(user.active)) {
    await inTransaction(deps.db, async (tx) => {
      await countFailure(tx, deps.clock, keys.account, ACCOUNT_RULE);
      await countFailure(tx, deps.clock, keys.address, ADDRESS_RULE);
    });
    throw new AppError('unauthenticated', WRONG_CREDENTIALS);
  }

  const session = await inTransaction(deps.db, async (tx) => {
    await clearThrottle(tx, keys.account);
    if (input.previousSessionIdHash) await deleteSession(tx, input.previousSessionIdHash);
    return insertSession(tx, deps.clock, { staffId: user.id, absoluteHours: deps.config.sessionAbsoluteHours, ip: input.ip, userAgent: input.userAgent });
  });
  return { staffId: user.id, session };
};
