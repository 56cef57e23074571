export * from './payment.ts';
export {
  allocateOldestFirst,
  allocateChosen,
  sortOldestFirst,
  compareOldestFirst,
  creditToTakeBack,
  suggestedAmount,
  checkWriteOff,
  type OpenItem,
  type PlannedAllocation,
  type AllocationPlan,
  type ChosenAllocation,
  type CreditOnInvoice,
} from './allocation.ts';
export { AGEING_BUCKETS, ageingBucket, ageingCutoffs, daysPastDue, type AgeingBucket } from './ageing.ts';
export { getPayment, customerCredit, loadPaymentSettings, type PaymentSettings, type PaymentAccounts, type SubscriptionMove } from './payment-store.ts';
export { recordPayment, type RecordPaymentInput, type RecordedPayment } from './record-payment.ts';
export { reversePayment, type ReversePaymentInput, type ReversedPayment } from './reverse-payment.ts';
export { refundCredit, type RefundInput } from './refund-credit.ts';
export { writeOffInvoice, type WriteOffInput, type WriteOff } from './write-off-invoice.ts';
export { applyCustomerCredit, applyCustomerCreditInTx, creditToSettle, type CreditSettlement, type SettleOptions } from './apply-credit.ts';
export { listPayments, PAYMENT_SORTS, type PaymentSort, type PaymentListQuery, type PaymentPage } from './list-payments.ts';
export { listOpenInvoices, OPEN_INVOICE_SORTS, type OpenInvoiceSort, type OpenInvoiceQuery, type OpenInvoice, type OpenInvoicePage } from './list-open-invoices.ts';
export { ageingReport, AGEING_SORTS, type AgeingSort, type AgeingQuery, type AgeingRow, type AgeingReport, type AgeingAmounts } from './ageing-report.ts';
export { cashReceived, type CashReceivedQuery, type CashReport, type CashRow, type CashAmounts } from './cash-received.ts';
export { contactBalance, type ContactBalance } from './contact-balance.ts';
