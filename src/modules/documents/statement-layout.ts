import { money } from '../../kernel/money.ts';
import { paymentMethodText, type DocumentLanguage, type Formatter, type Labels } from './format.ts';
import { continuedHeading, drawBlock, drawHeader, drawTotals, type LayoutContext } from './layout-common.ts';
import { organizationValues, type OrganizationProfile } from './organization.ts';
import { CONTENT_WIDTH, PdfWriter, type Column } from './pdf-writer.ts';
import type { Statement, StatementEntry } from './statement.ts';
import { fillTemplate } from './template-text.ts';

/** The values a statement's texts (document and e-mail) may use. */
export const statementValues = (org: OrganizationProfile, fmt: Formatter, s: Statement): Record<string, string> => ({
  ...organizationValues(org),
  'payer.name': s.contact.name,
  'payer.memberNumber': s.contact.memberNumber === null ? '' : String(s.contact.memberNumber),
  'statement.date': fmt.date(s.asOf),
  'statement.balance': fmt.money(s.balance),
  'statement.amountDue': fmt.money(s.amountDue),
});

/** "Invoice 10001", "Payment 501", … and the grey detail under it. */
export const entryText = (labels: Labels, language: DocumentLanguage, e: StatementEntry): { text: string; sub: string | undefined } => {
  const n = e.number === null ? '' : ` ${e.number}`;
  const paid = [e.method ? paymentMethodText(language, e.method) : '', e.detail ?? ''].filter(Boolean).join(' · ') || undefined;
  switch (e.kind) {
    case 'invoice':
      return { text: `${labels.invoice}${n}`, sub: e.detail ? `${labels.kid} ${e.detail}` : undefined };
    case 'credit_note':
      return { text: `${labels.credit_note}${n}`, sub: e.detail ? `${labels.creditsInvoice} ${e.detail}` : undefined };
    case 'payment':
      return { text: `${labels.payment}${n ? ` (${labels.receiptNumber}${n})` : ''}`, sub: paid };
    case 'reversal':
      return { text: labels.paymentReversed + (n ? ` (${labels.receiptNumber}${n})` : ''), sub: e.detail ?? undefined };
    case 'refund':
      return { text: labels.refund, sub: paid };
    case 'writeoff':
      return { text: labels.writeOff, sub: e.detail ? `${labels.invoice} ${e.detail}` : undefined };
  }
};

export const drawStatement = (w: PdfWriter, c: LayoutContext, s: Statement): void => {
  const { fmt, labels, template, org } = c;
  const values = statementValues(org, fmt, s);
  const title = fillTemplate(template.title, values) || labels.statement;
  w.beginDocument();
  drawHeader(w, c, {
    title,
    recipient: { name: s.contact.name, address: s.contact.address },
    facts: [
      [labels.statementDate, fmt.date(s.asOf)],
      [labels.memberNumber, s.contact.memberNumber === null ? '' : String(s.contact.memberNumber)],
      [labels.balance, fmt.money(s.balance)],
    ],
  });
  w.onContinue(continuedHeading(w, `${title} – ${s.contact.name} – ${fmt.date(s.asOf)}`));
  drawBlock(w, fillTemplate(template.introText, values));

  const columns: Column[] = [
    { label: labels.date, width: 62 },
    { label: labels.document, width: CONTENT_WIDTH - 62 - 62 - 78 - 78 - 85 },
    { label: labels.dueDate, width: 62 },
    { label: labels.charges, width: 78, align: 'right' },
    { label: labels.payments, width: 78, align: 'right' },
    { label: labels.balance, width: 85, align: 'right' },
  ];
  w.ensure(40);
  w.tableHeading(columns, template.accentColor);
  if (!s.entries.length) {
    w.font('regular', 9);
    w.text(labels.noEntries, w.doc.page.margins.left, w.y, CONTENT_WIDTH);
    w.y += 18;
  }
  for (const e of s.entries) {
    const t = entryText(labels, fmt.language, e);
    w.tableRow(
      columns,
      [
        { text: fmt.date(e.date) },
        { text: t.text, sub: t.sub },
        { text: fmt.date(e.dueDate) },
        { text: e.charge.minor ? fmt.amount(e.charge) : '' },
        { text: e.credit.minor ? fmt.amount(e.credit) : '' },
        { text: fmt.amount(e.balance) },
      ],
      { accent: template.accentColor },
    );
  }
  const rows: { label: string; value: string; strong?: boolean }[] = [
    { label: labels.charges, value: fmt.money(s.totalCharged) },
    { label: labels.payments, value: fmt.money(s.totalCredited) },
    { label: labels.closingBalance, value: fmt.money(s.balance), strong: true },
  ];
  if (s.balance.minor < 0n) rows.push({ label: labels.creditBalance, value: fmt.money(money(-s.balance.minor, s.currency)) });
  else rows.push({ label: labels.amountDue, value: fmt.money(s.amountDue), strong: true });
  drawTotals(w, rows, template.accentColor);

  if (s.openInvoices.length) {
    w.ensure(60);
    w.font('bold', 9.5, template.accentColor);
    w.text(labels.openInvoices, w.doc.page.margins.left, w.y, CONTENT_WIDTH);
    w.y += 16;
    const open: Column[] = [
      { label: labels.invoiceNumber, width: 110 },
      { label: labels.dueDate, width: 90 },
      { label: labels.kid, width: CONTENT_WIDTH - 110 - 90 - 100 },
      { label: labels.open, width: 100, align: 'right' },
    ];
    w.tableHeading(open, template.accentColor);
    for (const o of s.openInvoices) {
      w.tableRow(
        open,
        [{ text: o.number === null ? '' : String(o.number) }, { text: fmt.date(o.dueDate), bold: o.overdue }, { text: o.paymentReference ?? '' }, { text: fmt.money(o.open) }],
        { accent: template.accentColor },
      );
    }
    w.y += 8;
  }
  if (s.amountDue.minor > 0n) {
    w.box(
      [
        [labels.amountDue, fmt.money(s.amountDue)],
        [labels.account, org.bankAccount],
      ],
      template.accentColor,
    );
  }
  drawBlock(w, fillTemplate(template.paymentTerms, values), 8.5);
  w.endDocument(fillTemplate(template.footer, values), labels.page);
};
