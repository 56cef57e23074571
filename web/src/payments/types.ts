/** The payments API's shapes, as the web app relies on them (see src/api/routes/payments.ts). */
import type { Money } from '../invoices/types.ts';

export type { Money };

export const PAYMENT_METHODS = ['cash', 'cheque', 'in_kind', 'visa', 'mastercard', 'bank_transfer', 'paypal', 'card_gateway', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export const PAYMENT_KINDS = ['receipt', 'refund'] as const;
export const PAYMENT_STATUSES = ['recorded', 'reversed'] as const;

export interface PaymentSummary {
  id: string;
  kind: (typeof PAYMENT_KINDS)[number];
  number: number | null;
  contactId: string;
  contactName: string;
  receivedOn: string;
  amount: Money;
  currency: string;
  method: PaymentMethod;
  reference: string | null;
  note: string | null;
  status: (typeof PAYMENT_STATUSES)[number];
  reversedOn: string | null;
  reversalReason: string | null;
  externalId: string | null;
  allocated: Money;
  toCredit: Money;
  createdBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Allocation {
  id: string;
  invoiceId: string;
  invoiceNumber: number | null;
  paymentId: string | null;
  kind: 'payment' | 'credit' | 'writeoff' | 'reversal';
  amount: Money;
  entryId: string | null;
  createdBy: string;
  createdAt: string;
}

export interface PaymentEntry {
  id: string;
  seq: number;
  date: string;
  kind: string;
  description: string;
  sourceKey: string | null;
  lines: Array<{ account: string; debit: Money; credit: Money; contactId: string | null; invoiceId: string | null }>;
}

export interface Payment extends PaymentSummary {
  allocations: Allocation[];
  entries: PaymentEntry[];
}

export interface OpenInvoice {
  invoiceId: string;
  number: number | null;
  payerId: string;
  payerName: string;
  payerMemberNumber: number | null;
  issueDate: string | null;
  dueDate: string | null;
  daysOverdue: number;
  paymentReference: string | null;
  total: Money;
  paid: Money;
  credited: Money;
  open: Money;
  suggested: Money;
  version: number;
}

export interface OpenInvoicePage {
  items: OpenInvoice[];
  page: number;
  pageSize: number;
  total: number;
  totalOpen: Money;
  at: string;
}

export interface Buckets {
  current: Money;
  days1to30: Money;
  days31to60: Money;
  days61to90: Money;
  over90: Money;
  total: Money;
}
export const BUCKETS = ['current', 'days1to30', 'days31to60', 'days61to90', 'over90'] as const;
export type Bucket = (typeof BUCKETS)[number];

export interface AgeingReport {
  at: string;
  currency: string;
  totals: Buckets & { invoices: number; contacts: number };
  items: Array<Buckets & { contactId: string; name: string; invoices: number; oldestDueDate: string | null }>;
  page: number;
  pageSize: number;
  total: number;
}

export interface CashAmounts {
  received: Money;
  receipts: number;
  reversed: Money;
  reversals: number;
  refunded: Money;
  refunds: number;
  net: Money;
}

export interface CashReport {
  from: string;
  to: string;
  by: 'day' | 'month';
  currency: string;
  rows: Array<CashAmounts & { period: string; method: PaymentMethod }>;
  byMethod: Array<CashAmounts & { method: PaymentMethod }>;
  totals: CashAmounts;
}

export interface ContactBalance {
  contactId: string;
  name: string;
  currency: string;
  invoiced: Money;
  credited: Money;
  received: Money;
  reversed: Money;
  refunded: Money;
  writtenOff: Money;
  open: Money;
  overdue: Money;
  customerCredit: Money;
  balance: Money;
  openItems: OpenInvoice[];
}
