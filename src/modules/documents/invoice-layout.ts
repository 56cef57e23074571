import { money, type Money } from '../../kernel/money.ts';
import type { Invoice } from '../invoices/index.ts';
import type { Formatter } from './format.ts';
import { continuedHeading, drawBlock, drawHeader, drawTotals, type LayoutContext } from './layout-common.ts';
import { organizationValues, type OrganizationProfile } from './organization.ts';
import { CONTENT_WIDTH, PdfWriter, type Column } from './pdf-writer.ts';
import { fillTemplate } from './template-text.ts';

/** An invoice or credit note as its document shows it. */
export interface InvoiceDocumentInput {
  invoice: Invoice;
  /** On a credit note: the number of the invoice it corrects. */
  creditsInvoiceNumber: number | null;
}

const abs = (m: Money): Money => money(m.minor < 0n ? -m.minor : m.minor, m.currency);

/** The values an invoice's or credit note's texts (document and e-mail) may use. */
export const invoiceValues = (org: OrganizationProfile, fmt: Formatter, input: InvoiceDocumentInput): Record<string, string> => {
  const i = input.invoice;
  const number = i.number === null ? '' : String(i.number);
  const base = {
    ...organizationValues(org),
    'payer.name': i.payerName,
    'payer.memberNumber': i.payerMemberNumber === null ? '' : String(i.payerMemberNumber),
  };
  if (i.kind === 'credit_note') {
    return {
      ...base,
      'creditNote.number': number,
      'creditNote.issueDate': fmt.date(i.issueDate),
      'creditNote.total': fmt.money(abs(i.total)),
      'creditNote.invoiceNumber': input.creditsInvoiceNumber === null ? '' : String(input.creditsInvoiceNumber),
      'creditNote.reason': i.note ?? '',
    };
  }
  return {
    ...base,
    'invoice.number': number,
    'invoice.issueDate': fmt.date(i.issueDate),
    'invoice.dueDate': fmt.date(i.dueDate),
    'invoice.total': fmt.money(i.total),
    'invoice.amountDue': fmt.money(amountDue(i)),
    'invoice.paymentReference': i.paymentReference ?? '',
  };
};

/** What the payer is asked to pay now: the open amount of an issued invoice, else its total. */
export const amountDue = (i: Invoice): Money => (i.status === 'issued' || i.status === 'paid' ? i.open : i.total);

/** Draws one invoice or credit note as a document of its own in `w`. */
export const drawInvoice = (w: PdfWriter, c: LayoutContext, input: InvoiceDocumentInput): void => {
  const { fmt, labels, template, org } = c;
  const i = input.invoice;
  const credit = i.kind === 'credit_note';
  const values = invoiceValues(org, fmt, input);
  const marked = i.status === 'draft' ? labels.draft : i.status === 'void' ? labels.voidInvoice : null;
  const title = (fillTemplate(template.title, values) || labels[i.kind]) + (marked ? ` – ${marked}` : '');
  const number = i.number === null ? '' : String(i.number);
  const isKid = !!i.paymentReference && /^\d+$/.test(i.paymentReference);

  w.beginDocument();
  if (i.status === 'void') w.watermark(labels.voidInvoice);
  if (i.status === 'draft') w.watermark(labels.draft);
  drawHeader(w, c, {
    title,
    recipient: { name: i.payerName, address: i.payerAddress },
    facts: credit
      ? [
          [labels.creditNoteNumber, number],
          [labels.creditNoteDate, fmt.date(i.issueDate)],
          [labels.creditsInvoice, input.creditsInvoiceNumber === null ? '' : String(input.creditsInvoiceNumber)],
          [labels.memberNumber, i.payerMemberNumber === null ? '' : String(i.payerMemberNumber)],
        ]
      : [
          [labels.invoiceNumber, number],
          [labels.invoiceDate, fmt.date(i.issueDate)],
          [labels.dueDate, fmt.date(i.dueDate)],
          [labels.memberNumber, i.payerMemberNumber === null ? '' : String(i.payerMemberNumber)],
          [isKid ? labels.kid : labels.reference, i.paymentReference ?? ''],
        ],
  });
  w.onContinue(continuedHeading(w, `${title} ${number}`));

  drawBlock(w, fillTemplate(template.introText, values));
  if (credit && i.note) drawBlock(w, `${labels.reason}: ${i.note}`);

  const columns: Column[] = [
    { label: labels.description, width: CONTENT_WIDTH - 45 - 80 - 50 - 85 },
    { label: labels.quantity, width: 45, align: 'right' },
    { label: labels.unitPrice, width: 80, align: 'right' },
    { label: labels.vat, width: 50, align: 'right' },
    { label: labels.amount, width: 85, align: 'right' },
  ];
  w.ensure(40);
  w.tableHeading(columns, template.accentColor);
  for (const l of i.lines) {
    w.tableRow(
      columns,
      [
        { text: l.description, sub: fmt.period(l.periodStart, l.periodEnd) || undefined },
        { text: fmt.quantity(l.quantity) },
        { text: fmt.amount(l.unitPrice) },
        { text: fmt.rate(l.vatRate) },
        { text: fmt.amount(l.net) },
      ],
      { accent: template.accentColor },
    );
  }

  const totals: { label: string; value: string; strong?: boolean }[] = [{ label: labels.netTotal, value: fmt.money(i.net) }];
  for (const v of i.vatByRate) {
    if (v.vat.minor === 0n && v.rate === '0' && i.vatByRate.length === 1) continue;
    totals.push({ label: labels.vatOf(fmt.rate(v.rate), fmt.amount(v.net)), value: fmt.money(v.vat) });
  }
  totals.push({ label: credit ? labels.totalCredited : labels.total, value: fmt.money(i.total), strong: true });
  if (!credit && (i.paid.minor !== 0n || i.credited.minor !== 0n)) {
    if (i.paid.minor !== 0n) totals.push({ label: labels.paid, value: fmt.money(money(-i.paid.minor, i.currency)) });
    if (i.credited.minor !== 0n) totals.push({ label: labels.credited, value: fmt.money(money(-i.credited.minor, i.currency)) });
    totals.push({ label: labels.amountDue, value: fmt.money(i.open), strong: true });
  }
  drawTotals(w, totals, template.accentColor);

  if (!credit && i.status !== 'void' && i.status !== 'draft') {
    const due = amountDue(i);
    w.box(
      [
        [labels.amountDue, due.minor > 0n ? fmt.money(due) : labels.nothingDue],
        [labels.account, org.bankAccount],
        [isKid ? labels.kid : labels.reference, i.paymentReference ?? ''],
        [labels.dueDate, fmt.date(i.dueDate)],
      ],
      template.accentColor,
    );
  }
  drawBlock(w, fillTemplate(template.paymentTerms, values), 8.5);
  w.endDocument(fillTemplate(template.footer, values), labels.page);
};
