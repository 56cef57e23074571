import type { Kysely } from 'kysely';
import { toBigInt, toNumber } from '../../db/database.ts';
import type { DB, QueuedChargeTable, RecurringChargeTable } from '../../db/schema.ts';
import { notFound } from '../../kernel/app-error.ts';
import type { ChargeFrequency } from './subscription.ts';

export interface RecurringCharge {
  id: string;
  contactId: string;
  payerId: string;
  description: string;
  amountMinor: bigint;
  currency: string;
  frequency: ChargeFrequency;
  startDate: string;
  anchorDay: number;
  endDate: string | null;
  glAccount: string | null;
  vatRate: string;
  cursor: string | null;
  nextDue: string | null;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface QueuedCharge {
  id: string;
  contactId: string;
  payerId: string;
  subscriptionId: string | null;
  description: string;
  quantity: string;
  unitPriceMinor: bigint;
  currency: string;
  glAccount: string | null;
  vatRate: string;
  chargeDate: string;
  source: string;
  invoiceId: string | null;
  cancelled: boolean;
  createdAt: string;
}

export const toRecurring = (r: RecurringChargeTable): RecurringCharge => ({
  id: r.id,
  contactId: r.contact_id,
  payerId: r.payer_id,
  description: r.description,
  amountMinor: toBigInt(r.amount_minor),
  currency: r.currency,
  frequency: r.frequency as ChargeFrequency,
  startDate: r.start_date,
  anchorDay: toNumber(r.anchor_day),
  endDate: r.end_date,
  glAccount: r.gl_account,
  vatRate: r.vat_rate,
  cursor: r.cursor,
  nextDue: r.next_due,
  archived: toNumber(r.archived) === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toQueued = (r: QueuedChargeTable): QueuedCharge => ({
  id: r.id,
  contactId: r.contact_id,
  payerId: r.payer_id,
  subscriptionId: r.subscription_id,
  description: r.description,
  quantity: r.quantity,
  unitPriceMinor: toBigInt(r.unit_price_minor),
  currency: r.currency,
  glAccount: r.gl_account,
  vatRate: r.vat_rate,
  chargeDate: r.charge_date,
  source: r.source,
  invoiceId: r.invoice_id,
  cancelled: toNumber(r.cancelled) === 1,
  createdAt: r.created_at,
});

export const getRecurringCharge = async (db: Kysely<DB>, id: string): Promise<RecurringCharge> => {
  const r = await db.selectFrom('recurring_charge').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('The recurring charge');
  return toRecurring(r);
};

export const getQueuedCharge = async (db: Kysely<DB>, id: string): Promise<QueuedCharge> => {
  const r = await db.selectFrom('queued_charge').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('The queued charge');
  return toQueued(r);
};

export const recurringSnapshot = (c: RecurringCharge) => {
  const { id: _id, createdAt: _c, updatedAt: _u, amountMinor, ...rest } = c;
  return { ...rest, amountMinor: amountMinor.toString() };
};
export const queuedSnapshot = (c: QueuedCharge) => {
  const { id: _id, createdAt: _c, unitPriceMinor, ...rest } = c;
  return { ...rest, unitPriceMinor: unitPriceMinor.toString() };
};

export const listRecurringCharges = async (db: Kysely<DB>, q: { page: number; pageSize: number; contactId?: string; payerId?: string; archived?: boolean }) => {
  let s = db.selectFrom('recurring_charge');
  if (q.contactId) s = s.where('contact_id', '=', q.contactId);
  if (q.payerId) s = s.where('payer_id', '=', q.payerId);
  if (q.archived !== undefined) s = s.where('archived', '=', q.archived ? 1 : 0);
  const total = Number((await s.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0);
  const rows = await s.selectAll().orderBy('start_date', 'desc').orderBy('id', 'desc').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute();
  return { items: rows.map(toRecurring), page: q.page, pageSize: q.pageSize, total };
};

/** state: open (waiting for an invoice), billed, cancelled. */
export const QUEUED_STATES = ['open', 'billed', 'cancelled'] as const;
export type QueuedState = (typeof QUEUED_STATES)[number];
export const queuedState = (c: QueuedCharge): QueuedState => (c.cancelled ? 'cancelled' : c.invoiceId ? 'billed' : 'open');

export const listQueuedCharges = async (db: Kysely<DB>, q: { page: number; pageSize: number; contactId?: string; payerId?: string; state?: QueuedState }) => {
  let s = db.selectFrom('queued_charge');
  if (q.contactId) s = s.where('contact_id', '=', q.contactId);
  if (q.payerId) s = s.where('payer_id', '=', q.payerId);
  if (q.state === 'open') s = s.where('cancelled', '=', 0).where('invoice_id', 'is', null);
  if (q.state === 'billed') s = s.where('invoice_id', 'is not', null);
  if (q.state === 'cancelled') s = s.where('cancelled', '=', 1);
  const total = Number((await s.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0);
  const rows = await s.selectAll().orderBy('charge_date', 'desc').orderBy('id', 'desc').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute();
  return { items: rows.map(toQueued), page: q.page, pageSize: q.pageSize, total };
};
