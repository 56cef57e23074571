/** The API's shapes for subscriptions and charges (copies of the server's zod schemas). */
export type SubscriptionStatus = 'pending' | 'trial' | 'active' | 'grace' | 'suspended' | 'ended';
export type ItemType = 'membership_type' | 'product' | 'account_type';
export const STATUS_TRANSITIONS: Record<SubscriptionStatus, SubscriptionStatus[]> = {
  pending: ['trial', 'active', 'ended'],
  trial: ['active', 'suspended', 'ended'],
  active: ['grace', 'suspended', 'ended'],
  grace: ['active', 'suspended', 'ended'],
  suspended: ['active', 'ended'],
  ended: [],
};
export interface Amount {
  amount: string;
  currency: string;
}
export interface SubscriptionEvent {
  id: string;
  fromStatus: SubscriptionStatus | null;
  toStatus: SubscriptionStatus;
  effectiveDate: string;
  reason: string;
  createdAt: string;
}
export interface Subscription {
  id: string;
  contactId: string;
  contactName: string;
  payerId: string;
  payerName: string;
  itemType: ItemType;
  itemId: string;
  itemCode: string;
  itemName: string;
  quantity: string;
  status: SubscriptionStatus;
  startDate: string;
  anchorDay: number;
  endDate: string | null;
  disconnectDate: string | null;
  autoRenew: boolean;
  specialPrice: Amount | null;
  campaignPrice: Amount | null;
  trialEndsOn: string | null;
  nextDue: string | null;
  paidThrough: string | null;
  memberFrom: string | null;
  memberTo: string | null;
  followsId: string | null;
  note: string | null;
  version: number;
  events?: SubscriptionEvent[];
}
export interface UsageRecord {
  id: string;
  attributeCode: string;
  usedOn: string;
  quantity: string;
  externalRef: string | null;
}
export interface UsageTotal {
  periodStart: string;
  periodEnd: string;
  attributeCode: string;
  unit: string;
  included: string;
  quantity: string;
}
export interface RecurringCharge {
  id: string;
  description: string;
  amount: string;
  currency: string;
  frequency: 'month' | 'quarter' | 'year';
  startDate: string;
  endDate: string | null;
  nextDue: string | null;
  archived: boolean;
}
export interface QueuedCharge {
  id: string;
  description: string;
  quantity: string;
  unitPrice: string;
  currency: string;
  chargeDate: string;
  state: 'open' | 'billed' | 'cancelled';
}
export interface Page<T> {
  items: T[];
  total: number;
}
