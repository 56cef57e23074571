import { sql, type Kysely } from 'kysely';
import { toBigInt, toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { notFound } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { money } from '../../kernel/money.ts';
import type { Config } from '../../config.ts';
import type { SettingValues } from '../settings/index.ts';
import { mailDeps, mailFromOf, queueMail } from '../mail/index.ts';
import { planDelivery } from './delivery-plan.ts';
import { formatter, paymentMethodText, type Formatter } from './format.ts';
import { renderMailText } from './mail-template.ts';
import { loadOrganization, organizationFrom, organizationValues, type OrganizationProfile } from './organization.ts';
import { mailTemplateText } from './template-store.ts';
import { openAmountOf } from '../invoices/open-amount.ts';

/**
 * The e-mails about an account that carry no document: the receipt when a payment is recorded,
 * and the welcome to a new member. The payments and contacts modules call these inside their own
 * transactions; staff edit the texts like every other template.
 */

type Db = Kysely<DB>;

/** What a contact still owes on its invoices (open amounts), for {{account.amountDue}}. */
const openTotal = async (db: Db, contactId: string): Promise<bigint> => {
  const { rows } = await sql<{ s: string | number | null }>`select sum(${openAmountOf('i')}) as s
    from invoice i where i.payer_id = ${contactId} and i.kind = 'invoice' and i.status = 'issued'`.execute(db);
  const s = toBigInt(rows[0]?.s);
  return s > 0n ? s : 0n;
};

/**
 * A receipt as the payments module has just written it, in the same transaction: with it the
 * receipt e-mail reads neither the settings nor the payment back.
 */
export interface RecordedReceipt {
  /** The settings as read in the transaction that records the payment. */
  settings: SettingValues;
  contactId: string;
  payerName: string;
  payerMemberNumber: number | null;
  number: number | null;
  receivedOn: string;
  amountMinor: bigint;
  currency: string;
  method: string;
  reference: string | null;
  /** The invoices the receipt was put on (its allocations of kind 'payment'). */
  invoiceNumbers: readonly (number | null)[];
}

type ReceiptFacts = Omit<RecordedReceipt, 'settings'>;

/** The values of the receipt e-mail for a payment (read from the payments tables). */
export const receiptValues = async (db: Db, org: OrganizationProfile, fmt: Formatter, paymentId: string): Promise<Record<string, string> & { contactId: string }> => {
  const p = await db
    .selectFrom('payment')
    .innerJoin('contact', 'contact.id', 'payment.contact_id')
    .select(['payment.id', 'payment.contact_id', 'payment.number', 'payment.received_on', 'payment.amount_minor', 'payment.currency', 'payment.method', 'payment.reference', 'contact.display_name', 'contact.member_number'])
    .where('payment.id', '=', paymentId)
    .executeTakeFirst();
  if (!p) throw notFound('The payment');
  const allocated = await db
    .selectFrom('payment_allocation as a')
    .innerJoin('invoice as i', 'i.id', 'a.invoice_id')
    .select(['i.number'])
    .where('a.payment_id', '=', paymentId)
    .where('a.kind', '=', 'payment')
    .execute();
  return receiptValuesOf(db, org, fmt, {
    contactId: p.contact_id,
    payerName: p.display_name,
    payerMemberNumber: p.member_number === null ? null : toNumber(p.member_number),
    number: p.number === null ? null : toNumber(p.number),
    receivedOn: p.received_on,
    amountMinor: toBigInt(p.amount_minor),
    currency: p.currency,
    method: p.method,
    reference: p.reference,
    invoiceNumbers: allocated.map((a) => (a.number === null ? null : toNumber(a.number))),
  });
};

const receiptValuesOf = async (db: Db, org: OrganizationProfile, fmt: Formatter, p: ReceiptFacts): Promise<Record<string, string> & { contactId: string }> => ({
  contactId: p.contactId,
  ...organizationValues(org),
  'payer.name': p.payerName,
  'payer.memberNumber': p.payerMemberNumber === null ? '' : String(p.payerMemberNumber),
  'payment.number': p.number === null ? '' : String(p.number),
  'payment.date': fmt.date(p.receivedOn),
  'payment.amount': fmt.money(money(p.amountMinor, p.currency)),
  'payment.method': paymentMethodText(fmt.language, p.method),
  'payment.reference': p.reference ?? '',
  // Each invoice once, by number.
  'payment.invoices': [...new Set(p.invoiceNumbers.filter((n): n is number => n !== null))].sort((a, b) => a - b).join(', '),
  'account.amountDue': fmt.money(money(await openTotal(db, p.contactId), org.currency)),
});

export interface MailDepsInput {
  clock: Clock;
  config: Pick<Config, 'mailFrom' | 'publicUrl'>;
}

/**
 * Queues the receipt e-mail for a recorded payment, in the caller's transaction, to the payer (and
 * an organization's contact persons). Returns the outbox ids; none when nobody has an address.
 * `recorded`: what the caller has just written (recordPayment), so nothing is read back.
 */
export const queueReceiptMail = async (tx: Db, deps: MailDepsInput, paymentId: string, recorded?: RecordedReceipt): Promise<string[]> => {
  const org = recorded ? organizationFrom(recorded.settings) : await loadOrganization(tx);
  const valuesIn = (fmt: Formatter) => (recorded ? receiptValuesOf(tx, org, fmt, recorded) : receiptValues(tx, org, fmt, paymentId));
  const base = await valuesIn(formatter(org.locale, org.language));
  const plan = await planDelivery(tx, base.contactId, { channel: 'email', orgLanguage: org.language }).catch(() => null);
  if (!plan) return [];
  const md = recorded ? { clock: deps.clock, defaultFrom: mailFromOf(deps.config, recorded.settings['organization.billing_email']) } : await mailDeps({ db: tx, clock: deps.clock, config: deps.config }, tx);
  const ids: string[] = [];
  for (const r of plan.recipients) {
    const values = r.language === org.language ? base : await valuesIn(formatter(org.locale, r.language));
    const m = renderMailText(await mailTemplateText(tx, 'receipt', r.language), { ...values, 'recipient.name': r.name });
    ids.push(await queueMail(tx, md, { to: [r.email], subject: m.subject, text: m.body, replyTo: org.billingEmail || undefined, relatedType: 'payment', relatedId: paymentId }));
  }
  return ids;
};

/** The values of the welcome e-mail for a contact. */
export const welcomeValues = async (db: Db, org: OrganizationProfile, contactId: string, publicUrl: string): Promise<Record<string, string>> => {
  const c = await db.selectFrom('contact').select(['display_name', 'first_names', 'last_name', 'member_number']).where('id', '=', contactId).executeTakeFirst();
  if (!c) throw notFound('The contact');
  return {
    ...organizationValues(org),
    'member.name': [c.first_names, c.last_name].filter(Boolean).join(' ') || c.display_name,
    'member.number': c.member_number === null ? '' : String(toNumber(c.member_number)),
    'portal.url': publicUrl,
  };
};

/** Queues the welcome e-mail to a new member, in the caller's transaction. */
export const queueWelcomeMail = async (tx: Db, deps: MailDepsInput, contactId: string): Promise<string[]> => {
  const org = await loadOrganization(tx);
  const values = await welcomeValues(tx, org, contactId, deps.config.publicUrl);
  const plan = await planDelivery(tx, contactId, { channel: 'email', orgLanguage: org.language }).catch(() => null);
  if (!plan) return [];
  const md = await mailDeps({ db: tx, clock: deps.clock, config: deps.config }, tx);
  const ids: string[] = [];
  for (const r of plan.recipients) {
    const m = renderMailText(await mailTemplateText(tx, 'welcome', r.language), { ...values, 'recipient.name': r.name });
    ids.push(await queueMail(tx, md, { to: [r.email], subject: m.subject, text: m.body, replyTo: org.billingEmail || undefined, relatedType: 'contact', relatedId: contactId }));
  }
  return ids;
};
