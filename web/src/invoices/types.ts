/** The invoice API's shapes, as the web app relies on them (see src/api/routes/invoices.ts). */

export interface Money {
  amount: string;
  currency: string;
  minor: string;
}

export const INVOICE_KINDS = ['invoice', 'credit_note'] as const;
export type InvoiceKind = (typeof INVOICE_KINDS)[number];
export const INVOICE_STATUSES = ['draft', 'issued', 'paid', 'void'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export interface InvoiceSummary {
  id: string;
  kind: InvoiceKind;
  status: InvoiceStatus;
  number: number | null;
  payerId: string;
  payerName: string;
  currency: string;
  issueDate: string | null;
  dueDate: string | null;
  net: Money;
  vat: Money;
  total: Money;
  paid: Money;
  credited: Money;
  open: Money;
  paymentReference: string | null;
  creditsInvoiceId: string | null;
  billingRunId: string | null;
  origin: string;
  note: string | null;
  voidReason: string | null;
  createdBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  issuedAt: string | null;
  voidedAt: string | null;
}

export interface InvoiceLine {
  id: string;
  position: number;
  chargeKey: string | null;
  source: string;
  subscriptionId: string | null;
  itemType: string | null;
  itemId: string | null;
  description: string;
  quantity: string;
  unitPrice: Money;
  net: Money;
  vatRate: string;
  vat: Money;
  total: Money;
  periodStart: string | null;
  /** Exclusive: the period ends the day before. */
  periodEnd: string | null;
  glAccount: string;
  creditsLineId: string | null;
  creditedQuantity: string;
}

export interface Invoice extends InvoiceSummary {
  payerAddress: string[];
  payerEmail: string | null;
  payerMemberNumber: number | null;
  delivery: string;
  lines: InvoiceLine[];
  vatByRate: Array<{ rate: string; net: Money; vat: Money }>;
  creditNotes: Array<{ id: string; number: number | null; issueDate: string | null; total: Money; note: string | null }>;
}

export interface ManualLine {
  description: string;
  quantity?: string;
  unitPrice: string;
  vatRate?: string;
  glAccount?: string | null;
  periodStart?: string | null;
  periodEnd?: string | null;
}
