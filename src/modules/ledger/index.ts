export * from './ledger.ts';
export { postEntries, postEntry, type PostedRef } from './post-entries.ts';
export { loadRoles, rolesOf, ROLE_SETTINGS, type LedgerRoles } from './roles.ts';
export { checkInvariants, inspectLedger, INSPECTION_STEPS, type InspectionStep, type LedgerInspection } from './check-invariants.ts';
export { startLedgerCheck, getLedgerCheck, latestLedgerCheck, inspectOffThread, type LedgerCheck, type LedgerCheckDeps } from './ledger-checks.ts';
export { verifyLedger, parseAnchor, type LedgerVerification, type LedgerFinding, type LedgerAnchor } from './verify-ledger.ts';
export {
  recordIssuedInvoices,
  recordIssuedInvoiceIds,
  recordVoidedInvoice,
  postHeldInvoices,
  loadLedgerInvoices,
  invoiceEntry,
  invoiceSourceKey,
  voidSourceKey,
  type LedgerInvoice,
} from './invoice-postings.ts';
export type { LedgerDeps, ChangedBy } from './deps.ts';
export { getAccount, listAccounts, ACCOUNT_SORTS, type GlAccount, type AccountListQuery, type AccountSort } from './accounts.ts';
export { createAccount, type AccountInput } from './create-account.ts';
export { updateAccount, type AccountPatch } from './update-account.ts';
export { deleteAccount } from './delete-account.ts';
export { getEntry, listEntries, ENTRY_SORTS, type LedgerEntry, type EntryLine, type EntryListQuery, type EntrySort } from './entries.ts';
export { getJournal, listJournals, type Journal, type JournalDetail } from './journals.ts';
export { journalize } from './journalize.ts';
export { trialBalance, contactAccount, type TrialBalance, type TrialBalanceRow, type ContactAccount, type ContactAccountLine } from './reports.ts';
export { listHolding, importHeld, markExported, backfillHolding, HOLDING_STATUSES, type HoldingItem, type HoldingStatus } from './holding.ts';
export { exportLedger, exportLedgerText, hledgerAccountName, EXPORT_FORMATS, type ExportFormat } from './export-ledger.ts';
export { registerLedgerJobs, ledgerImportTask, ledgerCheckTask } from './ledger-jobs.ts';
export { postManualEntry, type ManualEntryInput } from './post-manual-entry.ts';
