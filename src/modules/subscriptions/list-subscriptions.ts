import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { MEMBER_STATUSES, type SubscriptionStatus } from './subscription-status.ts';
import type { Subscription, SubscriptionEvent } from './subscription.ts';
import { contactNames, getSubscription, loadEvents, loadItemNames, orderEvents, toSubscription } from './subscription-store.ts';

export const SUBSCRIPTION_SORTS = ['start_date', 'created_at', 'next_due', 'status', 'end_date'] as const;
export type SubscriptionSort = (typeof SUBSCRIPTION_SORTS)[number];

export interface SubscriptionListQuery {
  page: number;
  pageSize: number;
  sort: { column: SubscriptionSort; direction: 'asc' | 'desc' };
  contactId?: string;
  payerId?: string;
  status?: SubscriptionStatus;
  itemType?: string;
  itemId?: string;
}

/** A subscription with the names a list shows and its member from/to. */
export interface SubscriptionView extends Subscription {
  itemCode: string;
  itemName: string;
  contactName: string;
  payerName: string;
  memberFrom: string | null;
  memberTo: string | null;
}

/**
 * "Member from": the effective date of the first event into a member status (trial, active, grace,
 * suspended). "Member to": the effective date of the end, or null while it runs.
 */
export const memberSpan = (events: readonly SubscriptionEvent[]): { memberFrom: string | null; memberTo: string | null } => {
  const sorted = orderEvents(events);
  const first = sorted.find((e) => MEMBER_STATUSES.includes(e.toStatus));
  const end = sorted.find((e) => e.toStatus === 'ended');
  return { memberFrom: first?.effectiveDate ?? null, memberTo: end?.effectiveDate ?? null };
};

export const viewsOf = async (db: Kysely<DB>, subs: Subscription[]): Promise<SubscriptionView[]> => {
  const names = await loadItemNames(db, subs);
  const people = await contactNames(db, subs.flatMap((s) => [s.contactId, s.payerId]));
  const events = await loadEvents(db, subs.map((s) => s.id));
  return subs.map((s) => {
    const item = names.get(`${s.itemType}:${s.itemId}`);
    return {
      ...s,
      itemCode: item?.code ?? '',
      itemName: item?.name ?? '',
      contactName: people.get(s.contactId) ?? '',
      payerName: people.get(s.payerId) ?? '',
      ...memberSpan(events.filter((e) => e.subscriptionId === s.id)),
    };
  });
};

export const listSubscriptions = async (db: Kysely<DB>, query: SubscriptionListQuery) => {
  let q = db.selectFrom('subscription');
  if (query.contactId) q = q.where('contact_id', '=', query.contactId);
  if (query.payerId) q = q.where('payer_id', '=', query.payerId);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.itemType) q = q.where('item_type', '=', query.itemType);
  if (query.itemId) q = q.where('item_id', '=', query.itemId);
  const total = Number((await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0);
  const rows = await q
    .selectAll()
    .orderBy(query.sort.column, query.sort.direction)
    .orderBy('id', query.sort.direction)
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  return { items: await viewsOf(db, rows.map(toSubscription)), page: query.page, pageSize: query.pageSize, total };
};

/** One subscription with its names, member span and every event (oldest first). */
export const getSubscriptionDetail = async (db: Kysely<DB>, id: string): Promise<SubscriptionView & { events: SubscriptionEvent[] }> => {
  const sub = await getSubscription(db, id);
  const [view] = await viewsOf(db, [sub]);
  return { ...view!, events: await loadEvents(db, [id]) };
};

/**
 * A contact's membership history across subscriptions: each subscription's span and every event,
 * newest first, and "member since" (the earliest member-from of a membership type).
 */
export const contactSubscriptionHistory = async (db: Kysely<DB>, contactId: string) => {
  const subs = (await db.selectFrom('subscription').selectAll().where('contact_id', '=', contactId).orderBy('start_date').orderBy('id').execute()).map(toSubscription);
  const views = await viewsOf(db, subs);
  const events = await loadEvents(db, subs.map((s) => s.id));
  const memberships = views.filter((v) => v.itemType === 'membership_type' && v.memberFrom);
  const memberSince = memberships.reduce<string | null>((m, v) => (m === null || v.memberFrom! < m ? v.memberFrom : m), null);
  const running = memberships.some((v) => v.memberTo === null);
  const memberUntil = running || !memberships.length ? null : memberships.reduce((m, v) => (v.memberTo! > m ? v.memberTo! : m), '');
  const byId = new Map(views.map((v) => [v.id, v]));
  return {
    memberSince,
    memberUntil,
    spans: views.map((v) => ({ subscriptionId: v.id, itemType: v.itemType, itemCode: v.itemCode, itemName: v.itemName, status: v.status, memberFrom: v.memberFrom, memberTo: v.memberTo })),
    events: [...events].reverse().sort((a, b) => (a.createdAt > b.createdAt ? -1 : a.createdAt < b.createdAt ? 1 : 0)).map((e) => ({ ...e, itemCode: byId.get(e.subscriptionId)?.itemCode ?? '' })),
  };
};
