import type { JobRegistry } from '../../jobs/registry.ts';
import { deliverInvoiceJob } from './deliver-invoice.ts';
import { INVOICE_DELIVERY_JOB } from './queue-deliveries.ts';
import { sendStatementJob, STATEMENT_SEND_JOB } from './send-statements.ts';

export { DOCUMENT_LANGUAGES, LABELS, formatter, languageOf, type DocumentLanguage, type Formatter } from './format.ts';
export { fillTemplate, templateProblems, variablesIn, type TemplateVariable } from './template-text.ts';
export {
  DOCUMENT_KINDS,
  DOCUMENT_VARIABLES,
  TEMPLATE_LANGUAGES,
  checkDocumentTemplate,
  defaultDocumentTemplate,
  type DocumentKind,
  type DocumentTemplateContent,
  type TemplateLanguage,
} from './document-template.ts';
export { MAIL_TEMPLATE_KEYS, MAIL_LANGUAGES, MAIL_VARIABLES, DEFAULT_MAIL_TEMPLATES, checkMailTemplate, renderMailText, type MailTemplateKey, type MailTemplateText } from './mail-template.ts';
export {
  getDocumentTemplate,
  listDocumentTemplates,
  updateDocumentTemplate,
  resetDocumentTemplate,
  listMailTemplates,
  getMailTemplate,
  updateMailTemplate,
  resetMailTemplate,
  mailTemplateText,
  type DocumentTemplateView,
  type MailTemplateView,
} from './template-store.ts';
export { loadOrganization, parseLogo, type OrganizationProfile, type Logo } from './organization.ts';
export { renderInvoicePdf, type RenderedPdf } from './render-invoice.ts';
export { getStatement, renderStatementPdf, writeStatementsZip, statementContacts, type StatementSelection } from './statements.ts';
export { buildEntries, STATEMENT_ENTRY_KINDS, type Statement, type StatementEntry, type StatementItem, type OpenInvoice } from './statement.ts';
export { DELIVERY_CHANNELS, planDelivery, type DeliveryChannel, type DeliveryPlan, type Recipient } from './delivery-plan.ts';
export { queueInvoiceDeliveries, queueFirstSendings, deliveryJobId, INVOICE_DELIVERY_JOB, type DeliveryPayload, type QueuedSending } from './queue-deliveries.ts';
export { deliverInvoiceJob } from './deliver-invoice.ts';
export { sendInvoice, type SendInvoiceInput, type SendInvoiceResult } from './send-invoice.ts';
export { sendInvoices, selectInvoices, MAX_MASS_SEND, type InvoiceSelection, type SendInvoicesResult } from './send-invoices.ts';
export { getInvoiceDeliveries, invoicesSentReport, SENT_REPORT_SORTS, type DeliveryItem, type InvoiceDeliveries, type SentReportItem, type SentReportQuery } from './deliveries.ts';
export { createPrintBatch, listPrintBatches, getPrintBatch, printBatchFile, listWaitingPrint, PRINT_DIR, type PrintBatch, type PrintBatchDetail, type PrintBatchItem, type WaitingPrint } from './print-batches.ts';
export { sendStatement, sendStatements, sendStatementJob, STATEMENT_SEND_JOB, type SendStatementsResult } from './send-statements.ts';
export { queueReceiptMail, queueWelcomeMail, receiptValues, welcomeValues } from './account-mails.ts';
export { previewDocumentTemplate, previewMailTemplate, sampleInvoice, type PreviewSource } from './preview.ts';

/** The documents module's jobs: one sending of an invoice, one contact's statement by e-mail. */
export const registerDocumentJobs = (registry: JobRegistry) => {
  registry.handle(INVOICE_DELIVERY_JOB, deliverInvoiceJob);
  registry.handle(STATEMENT_SEND_JOB, sendStatementJob);
};
