import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Config } from '../../config.ts';
import { money } from '../../kernel/money.ts';
import { getInvoice, type Invoice } from '../invoices/index.ts';
import { receiptValues, welcomeValues } from './account-mails.ts';
import { checkDocumentTemplate, type DocumentKind, type DocumentTemplateContent } from './document-template.ts';
import { formatter } from './format.ts';
import { invoiceValues } from './invoice-layout.ts';
import { checkMailTemplate, MAIL_VARIABLES, renderMailText, type MailTemplateText } from './mail-template.ts';
import { loadOrganization, type OrganizationProfile } from './organization.ts';
import { loadInvoiceInput, renderInvoicePdf, type RenderedPdf } from './render-invoice.ts';
import { statementValues } from './statement-layout.ts';
import { loadStatement, type Statement } from './statement.ts';
import { renderStatementPdf, statementDate } from './statements.ts';
import { assertDocumentKind } from './template-store.ts';
import { assertMailTemplateId } from './mail-template.ts';
import { exampleValues } from './template-text.ts';

type Db = Kysely<DB>;

export interface PreviewDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'publicUrl'>;
}

/** Where a preview's data came from: a real record, or made-up examples when there is none yet. */
export interface PreviewSource {
  source: 'invoice' | 'contact' | 'payment' | 'sample';
  sourceId: string | null;
}

const latestInvoice = async (db: Db, kind: 'invoice' | 'credit_note'): Promise<string | null> =>
  (await db.selectFrom('invoice').select('id').where('kind', '=', kind).where('status', 'in', ['issued', 'paid']).orderBy('issued_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst())?.id ?? null;

const latestPayer = async (db: Db): Promise<string | null> =>
  (await db.selectFrom('invoice').select('payer_id').where('status', 'in', ['issued', 'paid']).orderBy('issued_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst())?.payer_id ?? null;

/** A made-up invoice (or credit note) for previews on an empty database. */
export const sampleInvoice = (org: OrganizationProfile, kind: 'invoice' | 'credit_note', today: string): Invoice => {
  const cur = org.currency;
  const sign = kind === 'credit_note' ? -1n : 1n;
  const m = (minor: bigint) => money(minor * sign, cur);
  const line = (n: number, description: string, quantity: string, unit: bigint, net: bigint, vatRate: string, vat: bigint, start: string | null, end: string | null) => ({
    id: `sample-line-${n}`,
    position: n,
    chargeKey: null,
    source: 'manual',
    subscriptionId: null,
    itemType: null,
    itemId: null,
    description,
    quantity: kind === 'credit_note' ? `-${quantity}` : quantity,
    unitPrice: money(unit, cur),
    net: m(net),
    vatRate,
    vat: m(vat),
    total: m(net + vat),
    periodStart: start,
    periodEnd: end,
    glAccount: '30000-0000',
    creditsLineId: null,
    creditedQuantity: '0',
  });
  const year = Number(today.slice(0, 4));
  const lines = [line(0, 'Ordinary membership', '1', 45000n, 45000n, '0', 0n, `${year}-01-01`, `${year + 1}-01-01`), line(1, 'Locker rental', '3', 12550n, 37650n, '25', 9413n, `${year}-01-01`, `${year}-04-01`)];
  return {
    id: 'sample',
    kind,
    status: 'issued',
    number: kind === 'credit_note' ? 10002 : 10001,
    payerId: 'sample',
    payerName: 'Ødegård, Åse',
    currency: cur,
    issueDate: today,
    dueDate: kind === 'credit_note' ? null : today,
    net: m(82650n),
    vat: m(9413n),
    total: m(92063n),
    paid: money(0n, cur),
    credited: money(0n, cur),
    open: kind === 'credit_note' ? money(0n, cur) : m(92063n),
    paymentReference: kind === 'credit_note' ? null : '0000100016',
    creditsInvoiceId: null,
    billingRunId: null,
    origin: 'manual',
    note: kind === 'credit_note' ? 'Locker returned' : null,
    voidReason: null,
    createdBy: 'sample',
    version: 1,
    createdAt: `${today}T00:00:00.000Z`,
    updatedAt: `${today}T00:00:00.000Z`,
    issuedAt: `${today}T00:00:00.000Z`,
    voidedAt: null,
    payerAddress: ['Kirkeveien 12 B', '0368 Oslo'],
    payerEmail: 'ase@example.org',
    payerMemberNumber: 1001,
    delivery: 'email',
    lines,
    vatByRate: [
      { rate: '25', net: m(37650n), vat: m(9413n) },
      { rate: '0', net: m(45000n), vat: m(0n) },
    ],
    creditNotes: [],
  };
};

const sampleStatement = (org: OrganizationProfile, asOf: string): Statement => {
  const cur = org.currency;
  const mk = (minor: bigint) => money(minor, cur);
  return {
    contact: { id: 'sample', name: 'Ødegård, Åse', address: ['Kirkeveien 12 B', '0368 Oslo'], email: 'ase@example.org', memberNumber: 1001, language: null, delivery: 'email' },
    asOf,
    currency: cur,
    entries: [
      { date: asOf, kind: 'invoice', sourceId: 'sample-1', number: 10001, detail: '0000100016', method: null, dueDate: asOf, charge: mk(92063n), credit: mk(0n), balance: mk(92063n) },
      { date: asOf, kind: 'payment', sourceId: 'sample-2', number: 501, detail: 'Ref 88231', method: 'bank_transfer', dueDate: null, charge: mk(0n), credit: mk(13613n), balance: mk(78450n) },
    ],
    totalCharged: mk(92063n),
    totalCredited: mk(13613n),
    balance: mk(78450n),
    amountDue: mk(78450n),
    openInvoices: [{ id: 'sample-1', number: 10001, issueDate: asOf, dueDate: asOf, paymentReference: '0000100016', total: mk(92063n), open: mk(78450n), overdue: false }],
  };
};

/**
 * Renders an unsaved document template (checked like a save: unknown variables are refused) on real
 * data — the invoice or contact given, else the newest one — or on examples when there is none.
 */
export const previewDocumentTemplate = async (
  deps: PreviewDeps,
  kindText: string,
  input: { content: DocumentTemplateContent; invoiceId?: string; contactId?: string; asOf?: string },
): Promise<RenderedPdf & PreviewSource> => {
  const kind: DocumentKind = assertDocumentKind(kindText);
  const template = checkDocumentTemplate(kind, input.content);
  const org = await loadOrganization(deps.db);
  const today = deps.clock.today(org.timeZone).toString();
  if (kind === 'statement') {
    const contactId = input.contactId ?? (await latestPayer(deps.db));
    if (!contactId) return { ...(await renderStatementPdf(deps, sampleStatement(org, today), { template, org })), source: 'sample', sourceId: null };
    return { ...(await renderStatementPdf(deps, contactId, { asOf: input.asOf, template, org })), source: 'contact', sourceId: contactId };
  }
  const invoiceId = input.invoiceId ?? (await latestInvoice(deps.db, kind));
  if (!invoiceId) return { ...(await renderInvoicePdf(deps, sampleInvoice(org, kind, today), { template, org })), source: 'sample', sourceId: null };
  return { ...(await renderInvoicePdf(deps, invoiceId, { template, org })), source: 'invoice', sourceId: invoiceId };
};

/**
 * Fills an unsaved e-mail template (checked like a save) with real data — the record given, else
 * the newest of its kind — or with each variable's example.
 */
export const previewMailTemplate = async (
  deps: PreviewDeps,
  keyText: string,
  languageText: string,
  input: MailTemplateText & { invoiceId?: string; contactId?: string; paymentId?: string },
): Promise<MailTemplateText & PreviewSource> => {
  const { key, language } = assertMailTemplateId(keyText, languageText);
  const text = checkMailTemplate(key, input);
  const org = await loadOrganization(deps.db);
  const fmt = formatter(org.locale, language);
  const examples = exampleValues(MAIL_VARIABLES[key]);
  let values: Record<string, string> | null = null;
  let source: PreviewSource = { source: 'sample', sourceId: null };
  if (key === 'invoice' || key === 'credit_note') {
    const id = input.invoiceId ?? (await latestInvoice(deps.db, key));
    if (id) {
      const inv = await getInvoice(deps.db, id);
      values = { ...invoiceValues(org, fmt, await loadInvoiceInput(deps.db, inv)), 'recipient.name': inv.payerName };
      source = { source: 'invoice', sourceId: id };
    }
  } else if (key === 'statement') {
    const id = input.contactId ?? (await latestPayer(deps.db));
    if (id) {
      const s = await loadStatement(deps.db, id, statementDate(deps, org), org.currency);
      values = { ...statementValues(org, fmt, s), 'recipient.name': s.contact.name };
      source = { source: 'contact', sourceId: id };
    }
  } else if (key === 'receipt') {
    const id = input.paymentId ?? (await deps.db.selectFrom('payment').select('id').where('kind', '=', 'receipt').orderBy('created_at', 'desc').limit(1).executeTakeFirst())?.id;
    if (id) {
      const { contactId: _c, ...v } = await receiptValues(deps.db, org, fmt, id);
      values = { ...v, 'recipient.name': v['payer.name'] ?? '' };
      source = { source: 'payment', sourceId: id };
    }
  } else {
    const id = input.contactId ?? (await deps.db.selectFrom('contact').select('id').where('status', '=', 'active').orderBy('created_at', 'desc').limit(1).executeTakeFirst())?.id;
    if (id) {
      values = await welcomeValues(deps.db, org, id, deps.config.publicUrl);
      values['recipient.name'] = values['member.name'] ?? '';
      source = { source: 'contact', sourceId: id };
    }
  }
  return { ...renderMailText(text, values ?? examples), ...source };
};
