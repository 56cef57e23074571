/**
 * Login throttling, pure: a counter of failures in a window; reaching the limit locks the key
 * (an account's e-mail or a client address) for a while. The same rules apply whether or not an
 * account exists, so a lock says nothing about which e-mail addresses are registered.
 */
export interface ThrottleRule {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export interface ThrottleState {
  failures: number;
  windowStartedAt: string;
  lockedUntil: string | null;
}

export const ACCOUNT_RULE: ThrottleRule = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
export const ADDRESS_RULE: ThrottleRule = { maxFailures: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
/** Reset mails per account: enough for a lost mail or two, not enough to flood an inbox. */
export const RESET_MAIL_RULE: ThrottleRule = { maxFailures: 5, windowMs: 60 * 60_000, lockMs: 60 * 60_000 };

export const accountKey = (email: string) => `account:${email}`;
export const addressKey = (ip: string) => `ip:${ip}`;
export const resetMailKey = (email: string) => `reset:${email}`;

/** Milliseconds the key stays locked (0 when it is not locked). */
export const lockedFor = (state: ThrottleState | null | undefined, now: Date): number => {
  if (!state?.lockedUntil) return 0;
  return Math.max(0, new Date(state.lockedUntil).getTime() - now.getTime());
};

/** The state after one more failure (or one more counted event). */
export const afterFailure = (state: ThrottleState | null | undefined, now: Date, rule: ThrottleRule): ThrottleState => {
  const windowOver = !state || now.getTime() - new Date(state.windowStartedAt).getTime() >= rule.windowMs;
  const lockOver = state?.lockedUntil != null && lockedFor(state, now) === 0;
  const failures = !state || windowOver || lockOver ? 1 : state.failures + 1;
  return {
    failures,
    windowStartedAt: !state || windowOver || lockOver ? now.toISOString() : state.windowStartedAt,
    lockedUntil: failures >= rule.maxFailures ? new Date(now.getTime() + rule.lockMs).toISOString() : null,
  };
};

export const throttledMessage = (ms: number): string => {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
};
