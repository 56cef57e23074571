import type { Kysely } from 'kysely';
import { toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import { getInvoice, payerSnapshot, type Invoice } from '../invoices/index.ts';
import { documentTemplateContent, effectiveLanguage } from './template-store.ts';
import type { DocumentTemplateContent } from './document-template.ts';
import { formatter, LABELS } from './format.ts';
import { drawInvoice, type InvoiceDocumentInput } from './invoice-layout.ts';
import type { LayoutContext } from './layout-common.ts';
import { loadOrganization, type OrganizationProfile } from './organization.ts';
import { PdfWriter, type PdfResult } from './pdf-writer.ts';

type Db = Kysely<DB>;

export interface RenderedPdf extends PdfResult {
  filename: string;
}

export const layoutContext = (org: OrganizationProfile, template: DocumentTemplateContent): LayoutContext => {
  const language = effectiveLanguage(template, org.locale);
  return { org, template, fmt: formatter(org.locale, language), labels: LABELS[language] };
};

/** The invoice with what its document needs besides it (the number of the invoice a credit note corrects). */
export const loadInvoiceInput = async (db: Db, idOrInvoice: string | Invoice): Promise<InvoiceDocumentInput> => {
  let invoice = typeof idOrInvoice === 'string' ? await getInvoice(db, idOrInvoice) : idOrInvoice;
  if (invoice.status === 'draft') {
    // A draft freezes nothing yet: show the payer as they are now.
    const c = await db
      .selectFrom('contact')
      .select(['id', 'display_name', 'address_lines', 'postcode', 'place', 'region', 'country', 'email', 'pseudo_email', 'member_number', 'invoice_delivery'])
      .where('id', '=', invoice.payerId)
      .executeTakeFirst();
    if (c) {
      const p = payerSnapshot(c);
      invoice = { ...invoice, payerAddress: p.address, payerMemberNumber: p.memberNumber };
    }
  }
  let creditsInvoiceNumber: number | null = null;
  if (invoice.creditsInvoiceId) {
    const row = await db.selectFrom('invoice').select('number').where('id', '=', invoice.creditsInvoiceId).executeTakeFirst();
    creditsInvoiceNumber = row?.number === null || row?.number === undefined ? null : toNumber(row.number);
  }
  return { invoice, creditsInvoiceNumber };
};

export const invoiceFilename = (c: LayoutContext, i: Invoice): string =>
  `${c.labels.files[i.kind]}-${i.number ?? c.labels.draft.toLowerCase()}.pdf`;

/** Renders one invoice or credit note (any status; drafts and void ones are marked across the page). */
export const renderInvoicePdf = async (
  deps: { db: Db; clock: Clock },
  idOrInvoice: string | Invoice,
  opts: { template?: DocumentTemplateContent; org?: OrganizationProfile } = {},
): Promise<RenderedPdf> => {
  const input = await loadInvoiceInput(deps.db, idOrInvoice);
  const org = opts.org ?? (await loadOrganization(deps.db));
  const template = opts.template ?? (await documentTemplateContent(deps.db, input.invoice.kind, org.language));
  const c = layoutContext(org, template);
  const title = `${c.labels[input.invoice.kind]} ${input.invoice.number ?? ''}`.trim();
  const w = new PdfWriter({ title, author: org.name, createdAt: deps.clock.now() });
  drawInvoice(w, c, input);
  return { ...(await w.finish()), filename: invoiceFilename(c, input.invoice) };
};
