/** The documents API's shapes, as the web app relies on them (see src/api/routes/documents.ts). */
import type { Money } from '../invoices/types.ts';

export const DELIVERY_CHANNELS = ['email', 'print'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];
export const DOCUMENT_KINDS = ['invoice', 'credit_note', 'statement'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
export const TEMPLATE_LANGUAGES = ['organization', 'en', 'nb'] as const;
export const MAIL_TEMPLATE_KEYS = ['invoice', 'credit_note', 'receipt', 'statement', 'welcome'] as const;
export type MailTemplateKey = (typeof MAIL_TEMPLATE_KEYS)[number];
export const MAIL_LANGUAGES = ['en', 'nb'] as const;
export type MailLanguage = (typeof MAIL_LANGUAGES)[number];

export interface SendResult {
  invoiceId: string;
  sending: number;
  sentCount: number;
  channel: DeliveryChannel;
  recipients: string[];
  jobId: string;
  note: string | null;
}

export interface Delivery {
  id: string;
  sending: number;
  channel: string;
  recipient: string | null;
  status: string;
  error: string | null;
  mailMessageId: string | null;
  printBatchId: string | null;
  createdBy: string;
  createdAt: string;
  deliveredAt: string | null;
}

export interface Deliveries {
  invoiceId: string;
  sentCount: number;
  lastSentAt: string | null;
  delivery: string;
  items: Delivery[];
}

export interface MassSendResult {
  count: number;
  dryRun: boolean;
  invoiceIds: string[];
}

export interface WaitingPrint {
  items: Array<{ deliveryId: string; invoiceId: string; kind: string; number: number | null; payerName: string; sending: number; queuedAt: string }>;
  total: number;
}

export interface PrintBatch {
  id: string;
  file: string;
  documentCount: number;
  pageCount: number;
  createdBy: string;
  createdAt: string;
}

export interface PrintBatchDetail extends PrintBatch {
  items: Array<{ invoiceId: string; kind: string; number: number | null; payerName: string; address: string[]; firstPage: number | null; lastPage: number | null }>;
}

export interface StatementEntry {
  date: string;
  kind: 'invoice' | 'credit_note' | 'payment' | 'reversal' | 'refund' | 'writeoff';
  sourceId: string;
  number: number | null;
  detail: string | null;
  method: string | null;
  dueDate: string | null;
  charge: Money;
  credit: Money;
  balance: Money;
}

export interface Statement {
  contact: { id: string; name: string; address: string[]; email: string | null; memberNumber: number | null; language: string | null; delivery: string };
  asOf: string;
  currency: string;
  entries: StatementEntry[];
  totalCharged: Money;
  totalCredited: Money;
  balance: Money;
  amountDue: Money;
  openInvoices: Array<{ id: string; number: number | null; issueDate: string | null; dueDate: string | null; paymentReference: string | null; total: Money; open: Money; overdue: boolean }>;
}

export interface StatementsSendResult {
  batchId: string | null;
  asOf: string;
  dryRun: boolean;
  count: number;
  withoutEmail: number;
  withoutEmailIds: string[];
}

export interface SentReportRow {
  contactId: string;
  name: string;
  email: string | null;
  delivery: string;
  openInvoices: number;
  open: Money;
  timesSent: number;
  oldestDueDate: string | null;
  lastSentAt: string | null;
}

export interface TemplateVariable {
  name: string;
  description: string;
  example: string;
}

export interface TemplateContent {
  title: string;
  introText: string;
  paymentTerms: string;
  footer: string;
  accentColor: string;
  showLogo: boolean;
  logoWidth: number;
  language: (typeof TEMPLATE_LANGUAGES)[number];
}

export interface DocumentTemplate {
  kind: DocumentKind;
  content: TemplateContent;
  customized: boolean;
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
  variables: TemplateVariable[];
  effectiveLanguage: MailLanguage;
}

export interface MailTemplate {
  key: MailTemplateKey;
  language: MailLanguage;
  subject: string;
  body: string;
  customized: boolean;
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
  variables: TemplateVariable[];
}

export interface MailPreview {
  subject: string;
  body: string;
  source: 'invoice' | 'contact' | 'payment' | 'sample';
  sourceId: string | null;
}
