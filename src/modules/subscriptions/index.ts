export * from './subscription-status.ts';
export * from './subscription.ts';
export {
  getSubscription,
  findSubscription,
  loadEvents,
  recordSubscriptionEvent,
  recordSubscriptionEvents,
  loadSubscriptionItem,
  resolvePayer,
  subscriptionSnapshot,
  toSubscription,
  type NewSubscriptionEvent,
} from './subscription-store.ts';
export { createSubscription, createSubscriptionInTx, type SubscriptionInput } from './create-subscription.ts';
export { updateSubscription, updateSubscriptionInTx, type SubscriptionPatch } from './update-subscription.ts';
export { changeSubscriptionStatus, changeSubscriptionStatusInTx, type StatusChange } from './change-subscription-status.ts';
export {
  listSubscriptions,
  getSubscriptionDetail,
  contactSubscriptionHistory,
  memberSpan,
  SUBSCRIPTION_SORTS,
  type SubscriptionListQuery,
  type SubscriptionSort,
  type SubscriptionView,
} from './list-subscriptions.ts';
export { checkUsage, insertUsage, type UsageInput, type UsageRecord } from './usage.ts';
export { recordUsage } from './record-usage.ts';
export { listUsage, type UsageTotal } from './list-usage.ts';
export { importUsage, MAX_USAGE_IMPORT_BYTES, type UsageImportReport } from './import-usage.ts';
export {
  getRecurringCharge,
  getQueuedCharge,
  listRecurringCharges,
  listQueuedCharges,
  queuedState,
  QUEUED_STATES,
  type QueuedState,
  type RecurringCharge,
  type QueuedCharge,
  toRecurring,
  toQueued,
} from './charge-store.ts';
export { createRecurringCharge, updateRecurringCharge, type RecurringChargeInput, type RecurringChargePatch } from './recurring-charges.ts';
export { queueCharge, queueChargeInTx, cancelQueuedCharge, type QueuedChargeInput } from './queued-charges.ts';
