import type { Kysely } from 'kysely';
import { toBigInt, toNumber } from '../../db/database.ts';
import type { DB, InvoiceLineTable, InvoiceTable } from '../../db/schema.ts';
import { nextNumbers } from '../../db/sequences.ts';
import { inList, insertRows } from '../../db/bulk.ts';
import { AppError, notFound, validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { parseDate } from '../../kernel/dates.ts';
import { newId } from '../../kernel/ids.ts';
import { money, toDecimalString } from '../../kernel/money.ts';
import { getSettings } from '../settings/index.ts';
import { recordIssuedInvoices, type LedgerInvoice } from '../ledger/index.ts';
import {
  INVOICE_SEQUENCE,
  type CreditNoteRef,
  type Invoice,
  type InvoiceKind,
  type InvoiceLine,
  type InvoiceOrigin,
  type InvoiceStatus,
  type InvoiceSummary,
  type NewLine,
  addDec,
  absDec,
} from './invoice.ts';
import { referenceFor, type PaymentReferenceKind } from './payment-reference.ts';
import { invoiceTotals, lineVat, vatByRate } from './vat.ts';
import { creditedOf } from './open-amount.ts';

type Db = Kysely<DB>;

// ---- issuing: one piece of code for the billing run, a draft being issued, and credit notes

export interface IssueSettings {
  firstNumber: number;
  dueDays: number;
  referenceKind: PaymentReferenceKind;
  kidLength: number;
}

export const loadIssueSettings = async (tx: Db): Promise<IssueSettings> => {
  const s = await getSettings(tx);
  return {
    firstNumber: s['billing.first_invoice_number'],
    dueDays: s['general.invoice_due_days'],
    referenceKind: s['billing.payment_reference'] as PaymentReferenceKind,
    kidLength: s['billing.kid_length'],
  };
};

/** The payer as an issued invoice keeps them. */
export interface PayerSnapshot {
  id: string;
  name: string;
  /** Address lines, then "postcode place", region and country when set. */
  address: string[];
  /** Null when the contact has no real e-mail (none, or one an import made up). */
  email: string | null;
  memberNumber: number | null;
  /** email | print: print when the payer wants e-mail but has no real address. */
  delivery: string;
}

interface PayerRow {
  id: string;
  display_name: string;
  address_lines: string | null;
  postcode: string | null;
  place: string | null;
  region: string | null;
  country: string | null;
  email: string | null;
  pseudo_email: number | string;
  member_number: number | string | null;
  invoice_delivery: string;
}

export const payerSnapshot = (r: PayerRow): PayerSnapshot => {
  const address = [
    ...(r.address_lines ? r.address_lines.split('\n') : []),
    [r.postcode, r.place].filter(Boolean).join(' '),
    r.region ?? '',
    r.country ?? '',
  ].map((l) => l.trim()).filter(Boolean);
  const email = r.email && toNumber(r.pseudo_email) !== 1 ? r.email : null;
  return {
    id: r.id,
    name: r.display_name,
    address,
    email,
    memberNumber: r.member_number === null ? null : toNumber(r.member_number),
    delivery: r.invoice_delivery === 'email' && !email ? 'print' : r.invoice_delivery,
  };
};

/** Every payer of `ids` in one query (any number of ids: one array or JSON parameter). Unknown or erased ids are refused. */
export const loadPayerSnapshots = async (tx: Db, ids: readonly string[]): Promise<Map<string, PayerSnapshot>> => {
  const unique = [...new Set(ids)];
  const out = new Map<string, PayerSnapshot>();
  if (!unique.length) return out;
  const inIds = inList(tx, 'id', unique);
  const rows = await tx
    .selectFrom('contact')
    .select(['id', 'display_name', 'address_lines', 'postcode', 'place', 'region', 'country', 'email', 'pseudo_email', 'member_number', 'invoice_delivery', 'erased_at'])
    .where(inIds)
    .execute();
  for (const r of rows) {
    if (r.erased_at) throw validation(`The payer ${r.display_name} (${r.id}) has been erased and cannot be invoiced.`, { field: 'payerId' });
    out.set(r.id, payerSnapshot(r));
  }
  const missing = unique.filter((id) => !out.has(id));
  if (missing.length) throw validation(`No contact has the id ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''}: the payer of an invoice must be a contact.`, { field: 'payerId' });
  return out;
};

export const addDays = (day: string, days: number): string => parseDate(day).add({ days }).toString();

/** The columns an invoice gets when it is issued with `number`. */
export const issuedColumns = (
  settings: IssueSettings,
  kind: InvoiceKind,
  number: number,
  payer: PayerSnapshot,
  issueDate: string,
  dueDate: string,
  now: string,
) => ({
  status: 'issued' as const,
  number,
  payer_name: payer.name,
  payer_address: JSON.stringify(payer.address),
  payer_email: payer.email,
  payer_member_number: payer.memberNumber,
  delivery: payer.delivery,
  issue_date: issueDate,
  // A credit note is not paid: it has no due date and no payment reference.
  due_date: kind === 'invoice' ? dueDate : null,
  payment_reference: kind === 'invoice' ? referenceFor(settings.referenceKind, number, settings.kidLength) : null,
  issued_at: now,
  updated_at: now,
});

/** Takes `count` invoice numbers in one statement; returns the first. */
export const takeInvoiceNumbers = (tx: Db, settings: IssueSettings, count: number): Promise<number> =>
  nextNumbers(tx, INVOICE_SEQUENCE, settings.firstNumber, count);

export interface WriteLine extends NewLine {
  /** Computed from net and rate when left out. */
  vatMinor?: bigint;
  creditsLineId?: string | null;
}
export interface WriteInvoice {
  payerId: string;
  currency: string;
  lines: WriteLine[];
  note?: string | null;
  creditsInvoiceId?: string | null;
}
export interface WriteOptions {
  kind: InvoiceKind;
  origin: InvoiceOrigin;
  billingRunId: string | null;
  /** YYYY-MM-DD. */
  issueDate: string;
  createdBy: string;
  /** Issued (numbered, payer frozen) or a draft. */
  status: 'issued' | 'draft';
  /** Issued invoices written as sent once, now: the caller queues that first sending in the same transaction. */
  firstSending?: boolean;
  /** Issued: the payers read already (see `issueNewInvoices`); each invoice's payer must be there. */
  payers?: ReadonlyMap<string, PayerSnapshot>;
}
export interface WrittenInvoice {
  id: string;
  number: number | null;
  payerId: string;
  total: bigint;
}

// SQLite allows 32,766 variables per statement, PostgreSQL 65,535: invoices have 31 columns, lines 20.
const INVOICE_CHUNK = 500;
const LINE_CHUNK = 1000;

const QUANTITY = /^-?\d{1,12}(\.\d{1,6})?$/;
const GL = /^\d{5}-\d{4}$/;

const isUniqueViolation = (e: unknown): boolean => {
  const code = (e as { code?: unknown }).code;
  return code === '23505' || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT_UNIQUE'));
};

/**
 * Writes invoices with their lines in multi-row INSERTs: for `status: 'issued'` it loads every
 * payer in one query, takes all numbers in one block and sets the payment reference and due
 * date. No audit rows: the caller audits. A charge key already billed (or twice in the batch)
 * fails the whole call with a conflict; the caller's transaction must roll back.
 */
/** Multi-row insert of row objects that all have the same keys (the first row's, in its order). */
const insertObjects = <T extends object>(tx: Db, table: 'invoice' | 'invoice_line', rows: T[]) => {
  if (!rows.length) return Promise.resolve();
  const columns = Object.keys(rows[0]!) as (keyof T & string)[];
  return insertRows(tx, table, columns, rows.map((r) => columns.map((c) => r[c])));
};

export const writeInvoices = async (tx: Db, clock: Clock, opts: WriteOptions, invoices: readonly WriteInvoice[]): Promise<WrittenInvoice[]> => {
  if (!invoices.length) return [];
  const issued = opts.status === 'issued';
  if (issued && !/^\d{4}-\d{2}-\d{2}$/.test(opts.issueDate)) throw validation(`The issue date must be written YYYY-MM-DD; got "${opts.issueDate}".`, { field: 'issueDate' });
  const settings = issued ? await loadIssueSettings(tx) : null;
  const payers = !issued ? null : opts.payers && invoices.every((i) => opts.payers!.has(i.payerId)) ? opts.payers : await loadPayerSnapshots(tx, invoices.map((i) => i.payerId));
  const first = issued ? await takeInvoiceNumbers(tx, settings!, invoices.length) : 0;
  const dueDate = issued ? addDays(opts.issueDate, settings!.dueDays) : null;
  const nowMs = clock.now().getTime();
  const now = clock.now().toISOString();

  const result: WrittenInvoice[] = [];
  // Issued invoices go to the ledger (holding step / posting) from what is in memory: no read-back.
  const toLedger: LedgerInvoice[] = [];
  const invoiceRows: InvoiceTable[] = [];
  const lineRows: InvoiceLineTable[] = [];
  const flush = async (force: boolean) => {
    if (invoiceRows.length && (force || invoiceRows.length >= INVOICE_CHUNK)) {
      await insertObjects(tx, 'invoice', invoiceRows.splice(0));
    }
    while (lineRows.length && (force || lineRows.length >= LINE_CHUNK)) {
      const chunk = lineRows.splice(0, LINE_CHUNK);
      try {
        await insertObjects(tx, 'invoice_line', chunk);
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        const detail = /\(charge_key\)=\(([^)]*)\)/.exec(String((e as { detail?: string }).detail ?? ''))?.[1];
        throw new AppError(
          'conflict',
          `A charge is already on an invoice${detail ? ` (charge key ${detail})` : ''}: the same charge is never billed twice. Nothing in this batch was written.`,
          detail ? { chargeKey: detail } : undefined,
        );
      }
    }
  };

  for (let i = 0; i < invoices.length; i++) {
    const inv = invoices[i]!;
    if (!inv.lines.length) throw validation(`Invoice ${i + 1} (payer ${inv.payerId}) has no lines.`, { field: 'lines' });
    const id = newId(nowMs);
    const lines = inv.lines.map((l, position) => {
      if (!QUANTITY.test(l.quantity)) throw validation(`Invoice ${i + 1}, line ${position + 1}: "${l.quantity}" is not a decimal quantity.`, { field: 'quantity' });
      if (!GL.test(l.glAccount)) throw validation(`Invoice ${i + 1}, line ${position + 1}: the G/L account "${l.glAccount}" must be written NNNNN-NNNN.`, { field: 'glAccount' });
      return { ...l, position, vatMinor: l.vatMinor ?? lineVat(l.netMinor, l.vatRate) };
    });
    const totals = invoiceTotals(lines);
    const number = issued ? first + i : null;
    const payer = payers?.get(inv.payerId);
    invoiceRows.push({
      id,
      kind: opts.kind,
      status: 'draft',
      number: null,
      payer_id: inv.payerId,
      payer_name: null,
      payer_address: null,
      payer_email: null,
      payer_member_number: null,
      delivery: 'email',
      currency: inv.currency,
      issue_date: null,
      due_date: null,
      net_minor: totals.netMinor.toString(),
      vat_minor: totals.vatMinor.toString(),
      total_minor: totals.totalMinor.toString(),
      paid_minor: '0',
      payment_reference: null,
      credits_invoice_id: inv.creditsInvoiceId ?? null,
      billing_run_id: opts.billingRunId,
      origin: opts.origin,
      note: inv.note ?? null,
      void_reason: null,
      created_by: opts.createdBy,
      version: 1,
      created_at: now,
      updated_at: now,
      issued_at: null,
      voided_at: null,
      sent_count: issued && opts.firstSending ? 1 : 0,
      last_sent_at: issued && opts.firstSending ? now : null,
      ...(issued ? issuedColumns(settings!, opts.kind, number!, payer!, opts.issueDate, dueDate!, now) : {}),
    });
    for (const l of lines) {
      lineRows.push({
        id: newId(nowMs),
        invoice_id: id,
        position: l.position,
        charge_key: l.chargeKey,
        source: l.source,
        subscription_id: l.subscriptionId,
        item_type: l.itemType,
        item_id: l.itemId,
        description: l.description,
        quantity: l.quantity,
        unit_price_minor: l.unitPriceMinor.toString(),
        net_minor: l.netMinor.toString(),
        vat_rate: l.vatRate,
        vat_minor: l.vatMinor.toString(),
        period_start: l.periodStart,
        period_end: l.periodEnd,
        gl_account: l.glAccount,
        credits_line_id: l.creditsLineId ?? null,
      });
    }
    result.push({ id, number, payerId: inv.payerId, total: totals.totalMinor });
    if (issued) {
      toLedger.push({ id, kind: opts.kind, number, payerId: inv.payerId, issueDate: opts.issueDate, creditsInvoiceId: inv.creditsInvoiceId ?? null, lines });
    }
    // Invoices go in before their lines (foreign key), so lines are flushed right after a chunk of invoices.
    if (invoiceRows.length >= INVOICE_CHUNK) await flush(true);
  }
  await flush(true);
  await recordIssuedInvoices(tx, { clock }, opts.createdBy, toLedger);
  return result;
};

// ---- reading

const m = (v: unknown, currency: string) => money(toBigInt(v), currency);

const creditedSubquery = creditedOf('invoice');

export const summaryColumns = [
  'invoice.id',
  'invoice.kind',
  'invoice.status',
  'invoice.number',
  'invoice.payer_id',
  'invoice.payer_name',
  'invoice.currency',
  'invoice.issue_date',
  'invoice.due_date',
  'invoice.net_minor',
  'invoice.vat_minor',
  'invoice.total_minor',
  'invoice.paid_minor',
  'invoice.payment_reference',
  'invoice.credits_invoice_id',
  'invoice.billing_run_id',
  'invoice.origin',
  'invoice.note',
  'invoice.void_reason',
  'invoice.created_by',
  'invoice.version',
  'invoice.created_at',
  'invoice.updated_at',
  'invoice.issued_at',
  'invoice.voided_at',
] as const;

/** A query over invoices with the payer's current name (for drafts) and the credited sum. */
export const invoiceQuery = (db: Db) =>
  db
    .selectFrom('invoice')
    .innerJoin('contact', 'contact.id', 'invoice.payer_id')
    .select([...summaryColumns, 'contact.display_name as current_payer_name'])
    .select(creditedSubquery.as('credited_sum'));

type SummaryRow = Pick<InvoiceTable, 'id' | 'kind' | 'status' | 'number' | 'payer_id' | 'payer_name' | 'currency' | 'issue_date' | 'due_date' | 'net_minor' | 'vat_minor' | 'total_minor' | 'paid_minor' | 'payment_reference' | 'credits_invoice_id' | 'billing_run_id' | 'origin' | 'note' | 'void_reason' | 'created_by' | 'version' | 'created_at' | 'updated_at' | 'issued_at' | 'voided_at'> & {
  current_payer_name: string;
  credited_sum: string | number | null;
};

export const toSummary = (r: SummaryRow): InvoiceSummary => {
  const total = toBigInt(r.total_minor);
  const paid = toBigInt(r.paid_minor);
  const credited = -toBigInt(r.credited_sum);
  const owes = r.kind === 'invoice' && (r.status === 'issued' || r.status === 'paid');
  return {
    id: r.id,
    kind: r.kind as InvoiceKind,
    status: r.status as InvoiceStatus,
    number: r.number === null ? null : toNumber(r.number),
    payerId: r.payer_id,
    payerName: r.payer_name ?? r.current_payer_name,
    currency: r.currency,
    issueDate: r.issue_date,
    dueDate: r.due_date,
    net: m(r.net_minor, r.currency),
    vat: m(r.vat_minor, r.currency),
    total: m(total, r.currency),
    paid: m(paid, r.currency),
    credited: m(credited, r.currency),
    open: m(owes ? total - paid - credited : 0n, r.currency),
    paymentReference: r.payment_reference,
    creditsInvoiceId: r.credits_invoice_id,
    billingRunId: r.billing_run_id,
    origin: r.origin as InvoiceOrigin,
    note: r.note,
    voidReason: r.void_reason,
    createdBy: r.created_by,
    version: toNumber(r.version),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    issuedAt: r.issued_at,
    voidedAt: r.voided_at,
  };
};

/** Per line of `lineIds`: what issued credit notes reversed (quantity positive, net and VAT in the original's direction). */
export const loadCredited = async (db: Db, invoiceId: string) => {
  const rows = await db
    .selectFrom('invoice_line as l')
    .innerJoin('invoice as c', 'c.id', 'l.invoice_id')
    .select(['l.credits_line_id', 'l.quantity', 'l.net_minor', 'l.vat_minor'])
    .where('c.credits_invoice_id', '=', invoiceId)
    .where('c.kind', '=', 'credit_note')
    .where('c.status', '=', 'issued')
    .where('l.credits_line_id', 'is not', null)
    .execute();
  const by = new Map<string, { quantity: string; netMinor: bigint; vatMinor: bigint }>();
  for (const r of rows) {
    const t = by.get(r.credits_line_id!) ?? { quantity: '0', netMinor: 0n, vatMinor: 0n };
    t.quantity = addDec(t.quantity, absDec(r.quantity));
    t.netMinor -= toBigInt(r.net_minor);
    t.vatMinor -= toBigInt(r.vat_minor);
    by.set(r.credits_line_id!, t);
  }
  return by;
};

export const loadLines = async (db: Db, invoiceId: string, currency: string, kind: InvoiceKind): Promise<InvoiceLine[]> => {
  const rows = await db.selectFrom('invoice_line').selectAll().where('invoice_id', '=', invoiceId).orderBy('position').execute();
  const credited = kind === 'invoice' ? await loadCredited(db, invoiceId) : new Map();
  return rows.map((r) => {
    const net = toBigInt(r.net_minor);
    const vat = toBigInt(r.vat_minor);
    return {
      id: r.id,
      position: toNumber(r.position),
      chargeKey: r.charge_key,
      source: r.source,
      subscriptionId: r.subscription_id,
      itemType: r.item_type,
      itemId: r.item_id,
      description: r.description,
      quantity: r.quantity,
      unitPrice: m(r.unit_price_minor, currency),
      net: m(net, currency),
      vatRate: r.vat_rate,
      vat: m(vat, currency),
      total: m(net + vat, currency),
      periodStart: r.period_start,
      periodEnd: r.period_end,
      glAccount: r.gl_account,
      creditsLineId: r.credits_line_id,
      creditedQuantity: credited.get(r.id)?.quantity ?? '0',
    };
  });
};

export const getInvoice = async (db: Db, id: string): Promise<Invoice> => {
  const row = await invoiceQuery(db)
    .select(['invoice.payer_address', 'invoice.payer_email', 'invoice.payer_member_number', 'invoice.delivery', 'contact.email as current_email', 'contact.invoice_delivery as current_delivery'])
    .where('invoice.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('The invoice');
  const summary = toSummary(row);
  const lines = await loadLines(db, id, summary.currency, summary.kind);
  const creditRows =
    summary.kind === 'invoice'
      ? await db
          .selectFrom('invoice')
          .select(['id', 'number', 'issue_date', 'total_minor', 'note'])
          .where('credits_invoice_id', '=', id)
          .where('kind', '=', 'credit_note')
          .where('status', '=', 'issued')
          .orderBy('number')
          .execute()
      : [];
  const creditNotes: CreditNoteRef[] = creditRows.map((c) => ({
    id: c.id,
    number: c.number === null ? null : toNumber(c.number),
    issueDate: c.issue_date,
    total: m(c.total_minor, summary.currency),
    note: c.note,
  }));
  return {
    ...summary,
    payerAddress: row.payer_address ? (JSON.parse(row.payer_address) as string[]) : [],
    payerEmail: row.payer_email ?? (summary.status === 'draft' ? row.current_email : null),
    payerMemberNumber: row.payer_member_number === null ? null : toNumber(row.payer_member_number),
    delivery: summary.status === 'draft' ? row.current_delivery : row.delivery,
    lines,
    vatByRate: vatByRate(lines.map((l) => ({ netMinor: l.net.minor, vatMinor: l.vat.minor, vatRate: l.vatRate }))).map((t) => ({
      rate: t.rate,
      net: money(t.netMinor, summary.currency),
      vat: money(t.vatMinor, summary.currency),
    })),
    creditNotes,
  };
};

/** What the audit trail keeps of an invoice: the header and its lines, money as decimal strings. */
export const invoiceSnapshot = (i: Invoice) => ({
  kind: i.kind,
  status: i.status,
  number: i.number,
  payerId: i.payerId,
  payerName: i.payerName,
  currency: i.currency,
  issueDate: i.issueDate,
  dueDate: i.dueDate,
  net: toDecimalString(i.net),
  vat: toDecimalString(i.vat),
  total: toDecimalString(i.total),
  paymentReference: i.paymentReference,
  creditsInvoiceId: i.creditsInvoiceId,
  origin: i.origin,
  note: i.note,
  voidReason: i.voidReason,
  lines: i.lines.map((l) => ({
    description: l.description,
    quantity: l.quantity,
    unitPrice: toDecimalString(l.unitPrice),
    net: toDecimalString(l.net),
    vatRate: l.vatRate,
    vat: toDecimalString(l.vat),
    glAccount: l.glAccount,
    ...(l.chargeKey ? { chargeKey: l.chargeKey } : {}),
    ...(l.creditsLineId ? { creditsLineId: l.creditsLineId } : {}),
  })),
});

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
