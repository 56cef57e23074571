import type { Kysely } from 'kysely';
import { inTransaction } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { conflict, validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { recordAudit } from '../audit/index.ts';
import { orgToday } from '../catalog/index.ts';
import { addDays, assertDate, lowerNextDue, type ChangedBy, type Subscription, type SubscriptionDeps } from './subscription.ts';
import { assertTransition, canTransition, isSubscriptionStatus, SUBSCRIPTION_STATUSES, type SubscriptionStatus } from './subscription-status.ts';
import { getSubscription, loadSubscriptionItem, recordSubscriptionEvent } from './subscription-store.ts';

export interface StatusChange {
  status: SubscriptionStatus;
  reason: string;
  /** Default: the organization's today. Not in the future, not before the last event. */
  effectiveDate?: string;
  /** The version the caller saw; a different stored version is refused (409). */
  version?: number;
}

export const staleSubscription = (current: number) =>
  conflict(`Someone else changed this subscription after you opened it (it is now version ${current}). Reload it and make your change again.`, { currentVersion: current });

/**
 * Moves a subscription through the state machine inside the caller's transaction: checks the
 * transition, writes the status event with its effective date, lowers next_due (contract), audits
 * (unless `audit: false`, for a caller that audits a batch) and moves household followers with it.
 */
export const changeSubscriptionStatusInTx = async (
  tx: Kysely<DB>,
  clock: Clock,
  by: ChangedBy,
  id: string,
  change: StatusChange,
  opts: { audit?: boolean; today?: string } = {},
): Promise<Subscription> => {
  const before = await getSubscription(tx, id);
  if (change.version !== undefined && change.version !== before.version) throw staleSubscription(before.version);
  if (!isSubscriptionStatus(change.status)) throw validation(`The status must be one of: ${SUBSCRIPTION_STATUSES.join(', ')}.`, { field: 'status' });
  const reason = (change.reason ?? '').trim();
  if (!reason) throw validation('Give a reason for the status change; it is kept in the history.', { field: 'reason' });
  if (reason.length > 500) throw validation('The reason can be at most 500 characters.', { field: 'reason' });
  assertTransition(before.status, change.status);
  const today = opts.today ?? (await orgToday(tx, clock));
  const effectiveDate = assertDate(change.effectiveDate ?? today, 'effectiveDate', 'The effective date');
  if (effectiveDate > today) throw validation(`A status change takes effect today (${today}) or earlier, not ${effectiveDate}. To end a subscription later, set its disconnect date.`, { field: 'effectiveDate' });
  const last = await tx.selectFrom('subscription_event').select((eb) => eb.fn.max('effective_date').as('d')).where('subscription_id', '=', id).where('from_status', 'is not', null).executeTakeFirst();
  if (last?.d && effectiveDate < last.d) throw validation(`The effective date cannot be before the subscription's last change (${last.d}).`, { field: 'effectiveDate' });

  let trialEndsOn = before.trialEndsOn;
  if (change.status === 'trial' && !trialEndsOn) {
    const item = await loadSubscriptionItem(tx, before.itemType, before.itemId);
    trialEndsOn = addDays(effectiveDate, Math.max(item.trialDays, 1));
  }
  const result = await tx
    .updateTable('subscription')
    .set({
      status: change.status,
      trial_ends_on: trialEndsOn,
      next_due: lowerNextDue(before.nextDue, today, change.status === 'ended'),
      version: before.version + 1,
      updated_at: clock.now().toISOString(),
    })
    .where('id', '=', id)
    .where('version', '=', before.version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw staleSubscription(before.version + 1);
  await recordSubscriptionEvent(tx, clock, { subscriptionId: id, fromStatus: before.status, toStatus: change.status, effectiveDate, reason });
  const after = await getSubscription(tx, id);
  if (opts.audit !== false) {
    await recordAudit(tx, clock, by.actor, {
      entityType: 'subscription',
      entityId: id,
      action: 'status',
      before: { status: before.status },
      after: { status: after.status, effectiveDate, reason },
      requestId: by.requestId,
    });
  }
  // Household followers (FM2) share the primary's status.
  const followers = await tx.selectFrom('subscription').select(['id', 'status']).where('follows_id', '=', id).execute();
  for (const f of followers) {
    if (!canTransition(f.status as SubscriptionStatus, change.status)) continue;
    await changeSubscriptionStatusInTx(tx, clock, by, f.id, { status: change.status, reason: `${reason} (follows the household's primary)`, effectiveDate }, { ...opts, today });
  }
  return after;
};

export const changeSubscriptionStatus = (deps: SubscriptionDeps, by: ChangedBy, id: string, change: StatusChange): Promise<Subscription> =>
  inTransaction(deps.db, (tx) => changeSubscriptionStatusInTx(tx, deps.clock, by, id, change));
