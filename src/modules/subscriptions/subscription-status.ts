import { conflict } from '../../kernel/app-error.ts';

/**
 * The life of a subscription as a transition table (pure, no I/O). Every transition, and the
 * creation, is written as a `subscription_event` row with its effective date, so "member from/to"
 * is data (see recordSubscriptionEvent in subscription-store.ts).
 *
 *   pending ─→ trial ─→ active ⇄ grace ─→ suspended ─→ ended
 *
 * - pending: registered, not started (awaiting payment or a start); not billed.
 * - trial: free trial until trial_ends_on; not billed.
 * - active: billed each term.
 * - grace: unpaid past due but still served; billed.
 * - suspended: service stopped for non-payment or by staff; still billed (the debt runs on).
 * - ended: final. Nothing leaves it; a returning member gets a new subscription.
 */
export const SUBSCRIPTION_STATUSES = ['pending', 'trial', 'active', 'grace', 'suspended', 'ended'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** Where each status may go. `ended` goes nowhere. */
export const STATUS_TRANSITIONS: Readonly<Record<SubscriptionStatus, readonly SubscriptionStatus[]>> = {
  pending: ['trial', 'active', 'ended'],
  trial: ['active', 'suspended', 'ended'],
  active: ['grace', 'suspended', 'ended'],
  grace: ['active', 'suspended', 'ended'],
  suspended: ['active', 'ended'],
  ended: [],
};

/** The statuses the billing run bills. */
export const BILLED_STATUSES: readonly SubscriptionStatus[] = ['active', 'grace', 'suspended'];
/** Statuses in which the contact is a member (for "member from/to"). */
export const MEMBER_STATUSES: readonly SubscriptionStatus[] = ['trial', 'active', 'grace', 'suspended'];

export const isSubscriptionStatus = (s: string): s is SubscriptionStatus => (SUBSCRIPTION_STATUSES as readonly string[]).includes(s);
export const isBilledStatus = (s: string): boolean => (BILLED_STATUSES as readonly string[]).includes(s);
export const isFinalStatus = (s: string): boolean => s === 'ended';

export const canTransition = (from: SubscriptionStatus, to: SubscriptionStatus): boolean => STATUS_TRANSITIONS[from].includes(to);

/** Throws a conflict (409) that says which statuses are reachable when `from → to` is not allowed. */
export const assertTransition = (from: SubscriptionStatus, to: SubscriptionStatus): void => {
  if (from === to) throw conflict(`The subscription is already ${from}.`, { field: 'status' });
  if (canTransition(from, to)) return;
  const next = STATUS_TRANSITIONS[from];
  throw conflict(
    next.length
      ? `A subscription that is ${from} cannot become ${to}; it can become ${next.join(', ')}.`
      : `The subscription has ended; an ended subscription cannot change status. Create a new subscription instead.`,
    { field: 'status', from, to, allowed: next },
  );
};
