import type { Kysely } from 'kysely';
import { toBigInt, toNumber } from '../../db/database.ts';
import type { DB, SubscriptionEventTable, SubscriptionTable } from '../../db/schema.ts';
import { notFound, validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/ids.ts';
import type { Subscription, SubscriptionEvent, SubscriptionItem, SubscriptionItemType } from './subscription.ts';
import { SUBSCRIPTION_ITEM_TYPES } from './subscription.ts';
import { assertPayerAllowed } from '../contacts/index.ts';
import type { SubscriptionStatus } from './subscription-status.ts';

type Db = Kysely<DB>;

export const toSubscription = (r: SubscriptionTable): Subscription => ({
  id: r.id,
  contactId: r.contact_id,
  payerId: r.payer_id,
  itemType: r.item_type as SubscriptionItemType,
  itemId: r.item_id,
  quantity: r.quantity,
  status: r.status as SubscriptionStatus,
  startDate: r.start_date,
  anchorDay: toNumber(r.anchor_day),
  endDate: r.end_date,
  disconnectDate: r.disconnect_date,
  autoRenew: toNumber(r.auto_renew) === 1,
  specialPriceMinor: r.special_price_minor === null ? null : toBigInt(r.special_price_minor),
  campaignCodeId: r.campaign_code_id,
  campaignPriceMinor: r.campaign_price_minor === null ? null : toBigInt(r.campaign_price_minor),
  trialEndsOn: r.trial_ends_on,
  feeCursor: r.fee_cursor,
  usageCursor: r.usage_cursor,
  nextDue: r.next_due,
  paidThrough: r.paid_through,
  followsId: r.follows_id,
  replacesId: r.replaces_id,
  note: r.note,
  version: toNumber(r.version),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toEvent = (r: SubscriptionEventTable): SubscriptionEvent => ({
  id: r.id,
  subscriptionId: r.subscription_id,
  fromStatus: r.from_status as SubscriptionStatus | null,
  toStatus: r.to_status as SubscriptionStatus,
  effectiveDate: r.effective_date,
  reason: r.reason,
  createdAt: r.created_at,
});

export const findSubscription = async (db: Db, id: string): Promise<Subscription | null> => {
  const row = await db.selectFrom('subscription').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toSubscription(row) : null;
};

export const getSubscription = async (db: Db, id: string): Promise<Subscription> => {
  const s = await findSubscription(db, id);
  if (!s) throw notFound('The subscription');
  return s;
};

export const loadEvents = async (db: Db, subscriptionIds: string[]): Promise<SubscriptionEvent[]> => {
  if (!subscriptionIds.length) return [];
  const rows = await db.selectFrom('subscription_event').selectAll().where('subscription_id', 'in', subscriptionIds).orderBy('created_at').orderBy('id').execute();
  return orderEvents(rows.map(toEvent));
};

/**
 * Events in the order they happened. Timestamps have millisecond resolution and ids are random
 * within a millisecond, so events written in the same millisecond are put in chain order: each
 * starts from the status the previous one went to (a creation has no from-status).
 */
export const orderEvents = (events: readonly SubscriptionEvent[]): SubscriptionEvent[] => {
  const bySub = new Map<string, SubscriptionEvent[]>();
  for (const e of events) bySub.set(e.subscriptionId, [...(bySub.get(e.subscriptionId) ?? []), e]);
  const out: SubscriptionEvent[] = [];
  for (const list of bySub.values()) {
    const rest = [...list].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    let current: SubscriptionStatus | null = null;
    while (rest.length) {
      const at = rest[0]!.createdAt;
      const tie = rest.filter((e) => e.createdAt === at);
      const next = tie.find((e) => e.fromStatus === current) ?? tie[0]!;
      rest.splice(rest.indexOf(next), 1);
      out.push(next);
      current = next.toStatus;
    }
  }
  return out;
};

export interface NewSubscriptionEvent {
  subscriptionId: string;
  fromStatus: SubscriptionStatus | null;
  toStatus: SubscriptionStatus;
  effectiveDate: string;
  reason?: string;
}

const EVENT_CHUNK = 500; // 7 columns each: well under SQLite's variable limit

/**
 * Writes status events (a creation has fromStatus null), in the caller's transaction. Many at once
 * go in multi-row INSERTs, so the billing run can record thousands of transitions cheaply.
 * Does not check the transition table (use assertTransition first) and does not audit.
 */
export const recordSubscriptionEvents = async (tx: Db, clock: Clock, events: readonly NewSubscriptionEvent[]): Promise<SubscriptionEvent[]> => {
  const now = clock.now();
  const rows: SubscriptionEventTable[] = events.map((e) => ({
    id: newId(now.getTime()),
    subscription_id: e.subscriptionId,
    from_status: e.fromStatus,
    to_status: e.toStatus,
    effective_date: e.effectiveDate,
    reason: e.reason ?? '',
    created_at: now.toISOString(),
  }));
  for (let i = 0; i < rows.length; i += EVENT_CHUNK) await tx.insertInto('subscription_event').values(rows.slice(i, i + EVENT_CHUNK)).execute();
  return rows.map(toEvent);
};

export const recordSubscriptionEvent = async (tx: Db, clock: Clock, event: NewSubscriptionEvent): Promise<SubscriptionEvent> =>
  (await recordSubscriptionEvents(tx, clock, [event]))[0]!;

/** A catalog item a subscription can be for, with what the subscription rules need. */
export const loadSubscriptionItem = async (db: Db, itemType: string, itemId: string): Promise<SubscriptionItem> => {
  if (!(SUBSCRIPTION_ITEM_TYPES as readonly string[]).includes(itemType)) {
    throw validation(`The item type must be one of: ${SUBSCRIPTION_ITEM_TYPES.join(', ')}; got "${itemType}".`, { field: 'itemType' });
  }
  const missing = () => validation(`There is no ${itemType.replace('_', ' ')} with the id ${itemId}; choose one from the catalog.`, { field: 'itemId' });
  if (itemType === 'membership_type') {
    const r = await db.selectFrom('membership_type').selectAll().where('id', '=', itemId).executeTakeFirst();
    if (!r) throw missing();
    return {
      itemType,
      id: r.id,
      code: r.code,
      name: r.name,
      archived: toNumber(r.archived) === 1,
      frequency: r.frequency,
      termPeriods: 1,
      trialDays: toNumber(r.trial_days),
      specialPrice: toNumber(r.special_price) === 1,
      followsId: r.follows_id ?? null,
      attributes: [],
    };
  }
  if (itemType === 'product') {
    const r = await db.selectFrom('product').selectAll().where('id', '=', itemId).executeTakeFirst();
    if (!r) throw missing();
    return { itemType, id: r.id, code: r.code, name: r.name, archived: toNumber(r.archived) === 1, frequency: r.frequency, termPeriods: 1, trialDays: 0, specialPrice: false, followsId: null, attributes: [] };
  }
  // Account types are read directly (the catalog module's getAccountType is being written alongside).
  const r = await db.selectFrom('account_type').selectAll().where('id', '=', itemId).executeTakeFirst();
  if (!r) throw missing();
  const attributes = await db.selectFrom('account_attribute').select(['code', 'description', 'unit', 'included', 'per']).where('account_type_id', '=', itemId).orderBy('position').orderBy('code').execute();
  return {
    itemType: 'account_type',
    id: r.id,
    code: r.code,
    name: r.name,
    archived: toNumber(r.archived) === 1,
    frequency: r.frequency,
    termPeriods: toNumber(r.term_periods),
    trialDays: 0,
    specialPrice: false,
    followsId: null,
    attributes,
  };
};

/** Code and name of many items at once (lists). Key: "itemType:itemId". */
export const loadItemNames = async (db: Db, refs: Array<{ itemType: string; itemId: string }>): Promise<Map<string, { code: string; name: string }>> => {
  const out = new Map<string, { code: string; name: string }>();
  const idsOf = (t: string) => [...new Set(refs.filter((r) => r.itemType === t).map((r) => r.itemId))];
  for (const table of SUBSCRIPTION_ITEM_TYPES) {
    const ids = idsOf(table);
    if (!ids.length) continue;
    const rows = await db.selectFrom(table).select(['id', 'code', 'name']).where('id', 'in', ids).execute();
    for (const r of rows) out.set(`${table}:${r.id}`, { code: r.code, name: r.name });
  }
  return out;
};

export const contactNames = async (db: Db, ids: string[]): Promise<Map<string, string>> => {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await db.selectFrom('contact').select(['id', 'display_name']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
};

/** The contact a subscription or charge is for: must exist and not be erased. */
export const activeContact = async (db: Db, contactId: string) => {
  const c = await db.selectFrom('contact').select(['id', 'status', 'display_name', 'payer_id', 'household_id', 'household_role']).where('id', '=', contactId).executeTakeFirst();
  if (!c) throw validation(`No contact has the id ${contactId}.`, { field: 'contactId' });
  if (c.status !== 'active') throw validation(`${c.display_name} is erased; erased contacts cannot get subscriptions or charges.`, { field: 'contactId' });
  return c;
};

/** What the audit trail keeps of a subscription: everything but the id, money as minor-unit strings. */
export const subscriptionSnapshot = (s: Subscription) => {
  const { id: _id, createdAt: _c, updatedAt: _u, specialPriceMinor, campaignPriceMinor, ...rest } = s;
  return { ...rest, specialPriceMinor: specialPriceMinor?.toString() ?? null, campaignPriceMinor: campaignPriceMinor?.toString() ?? null };
};

/** Changed keys only, or null when nothing changed. */
export const diff = (before: Record<string, unknown>, after: Record<string, unknown>) => {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null)) {
      b[key] = before[key] ?? null;
      a[key] = after[key] ?? null;
    }
  }
  return Object.keys(a).length ? { before: b, after: a } : null;
};

/**
 * The payer, resolved when the row is written (contract): the explicit payer, else the contact's
 * own payer, else the contact itself. An explicit payer equal to the contact means the contact.
 */
export const resolvePayer = async (db: Db, contact: { id: string; payer_id: string | null }, payerId: string | null | undefined): Promise<string> => {
  if (payerId && payerId !== contact.id) return (await assertPayerAllowed(db, contact.id, payerId)).id;
  if (payerId === contact.id) return contact.id;
  return contact.payer_id ?? contact.id;
};
