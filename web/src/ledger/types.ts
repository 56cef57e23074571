/** The ledger API's shapes, as the web app relies on them (see src/api/routes/ledger.ts). */
import type { Money } from '../invoices/types.ts';

export type { Money };

export const ACCOUNT_TYPES = ['asset', 'liability', 'equity', 'income', 'expense'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];
export const ENTRY_KINDS = ['invoice', 'credit_note', 'void', 'payment', 'reversal', 'credit_applied', 'refund', 'writeoff', 'fee', 'manual'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];
export const HOLDING_STATUSES = ['waiting', 'imported', 'not_exported', 'exported', 'all'] as const;
export type HoldingStatus = (typeof HOLDING_STATUSES)[number];

export interface GlAccount {
  code: string;
  name: string;
  type: AccountType;
  description: string;
  archived: boolean;
  inUse: boolean;
  role: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface EntryLine {
  lineNo: number;
  account: string;
  accountName: string;
  contactId: string | null;
  invoiceId: string | null;
  debit: Money;
  credit: Money;
}

export interface LedgerEntry {
  id: string;
  seq: number;
  date: string;
  kind: string;
  description: string;
  contactId: string | null;
  contactName: string | null;
  invoiceId: string | null;
  invoiceNumber: number | null;
  paymentId: string | null;
  sourceKey: string | null;
  journalId: string | null;
  journalSeq: number | null;
  amount: Money;
  createdBy: string;
  createdAt: string;
  prevHash: string;
  hash: string;
  lines: EntryLine[];
}

export interface Journal {
  id: string;
  seq: number;
  upTo: string;
  firstSeq: number | null;
  lastSeq: number | null;
  entryCount: number;
  debit: Money;
  credit: Money;
  prevHash: string;
  hash: string;
  closedBy: string;
  closedAt: string;
}

export interface JournalDetail extends Journal {
  summary: {
    byKind: Array<{ kind: string; entries: number; debit: Money; credit: Money }>;
    byAccount: Array<{ account: string; name: string; debit: Money; credit: Money }>;
  };
}

export interface TrialRow {
  code: string;
  name: string;
  type: AccountType;
  debit: Money;
  credit: Money;
  balance: Money;
  debitBalance: Money;
  creditBalance: Money;
}

export interface TrialBalance {
  at: string;
  currency: string;
  accounts: TrialRow[];
  totals: { debit: Money; credit: Money; debitBalance: Money; creditBalance: Money };
}

export interface HoldingItem {
  invoiceId: string;
  kind: string;
  number: number | null;
  payerId: string;
  payerName: string | null;
  issueDate: string | null;
  total: Money;
  queuedAt: string;
  importedAt: string | null;
  entryId: string | null;
  exportedAt: string | null;
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  journals: number;
  head: { seq: number; hash: string; date: string } | null;
  /** The anchors asked about (?anchor=SEQ:HASH) that the chain still has. */
  anchored: number[];
  firstBad?: { type: 'entry' | 'journal'; seq: number; id: string | null; problem: string; message: string };
}

/** A stored check of the books (GET /ledger/checks/{id}). */
export interface LedgerCheck {
  id: string;
  status: 'running' | 'done' | 'failed';
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
  progress: number;
  step: string | null;
  headSeq: number | null;
  ok: boolean | null;
  verification: VerifyResult | null;
  violations: string[] | null;
  error: string | null;
}

export interface LatestCheck {
  check: LedgerCheck | null;
  /** The ledger's last entry now. */
  headSeq: number;
}

export interface ContactAccount {
  contactId: string;
  contactName: string;
  currency: string;
  from: string | null;
  to: string | null;
  openingBalance: Money;
  lines: Array<{
    entryId: string;
    seq: number;
    date: string;
    kind: string;
    description: string;
    account: string;
    accountRole: 'receivable' | 'credit';
    invoiceId: string | null;
    invoiceNumber: number | null;
    paymentId: string | null;
    debit: Money;
    credit: Money;
    balance: Money;
  }>;
  receivable: Money;
  customerCredit: Money;
  balance: Money;
}
