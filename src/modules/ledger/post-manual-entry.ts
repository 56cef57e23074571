import { inTransaction } from '../../db/database.ts';
import { validation } from '../../kernel/app-error.ts';
import { parseMoney } from '../../kernel/money.ts';
import { recordAudit } from '../audit/index.ts';
import { getSetting } from '../settings/index.ts';
import { authorOf, type ChangedBy, type LedgerDeps } from './deps.ts';
import { getEntry, type LedgerEntry } from './entries.ts';
import type { NewEntryLine } from './ledger.ts';
import { postEntry } from './post-entries.ts';
import { loadRoles } from './roles.ts';

export interface ManualEntryInput {
  /** YYYY-MM-DD. */
  date: string;
  description: string;
  /** Each line: an account and a debit or a credit in major units ("450.00"). */
  lines: { account: string; debit?: string | null; credit?: string | null }[];
}

/**
 * A correction or adjustment posted by hand (kind 'manual'): a closed journal never changes, so a
 * mistake is put right by a new entry. Accounts receivable and customer credit are left to
 * invoices and payments (their balances must match the invoices'), and archived accounts are
 * refused.
 */
export const postManualEntry = async (deps: LedgerDeps, by: ChangedBy, input: ManualEntryInput): Promise<LedgerEntry> =>
  inTransaction(deps.db, async (tx) => {
    const currency = await getSetting(tx, 'organization.currency');
    const roles = await loadRoles(tx);
    if (!Array.isArray(input.lines)) throw validation('Give the entry its lines.', { field: 'lines' });
    const lines: NewEntryLine[] = input.lines.map((l, i) => {
      const field = (f: string) => ({ field: `lines.${i}.${f}` });
      if (l.account === roles.ar || l.account === roles.credit) {
        throw validation(
          `Line ${i + 1}: ${l.account} is the ${l.account === roles.ar ? 'accounts receivable' : 'customer credit'} account; it follows invoices and payments. Use a credit note, a payment or a write-off instead.`,
          field('account'),
        );
      }
      const hasDebit = l.debit !== undefined && l.debit !== null && l.debit !== '';
      const hasCredit = l.credit !== undefined && l.credit !== null && l.credit !== '';
      if (hasDebit === hasCredit) throw validation(`Line ${i + 1}: give either a debit or a credit.`, field('debit'));
      const amount = parseMoney(hasDebit ? l.debit! : l.credit!, currency).minor;
      if (amount <= 0n) throw validation(`Line ${i + 1}: the amount must be more than 0.`, field(hasDebit ? 'debit' : 'credit'));
      return { account: l.account, ...(hasDebit ? { debitMinor: amount } : { creditMinor: amount }) };
    });
    const ref = await postEntry(tx, deps, authorOf(by), { date: input.date, kind: 'manual', description: input.description, lines }, { roles });
    const entry = await getEntry(tx, ref.id);
    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'ledger_entry',
      entityId: entry.id,
      action: 'post',
      after: { seq: entry.seq, date: entry.date, description: entry.description, lines: entry.lines.map((l) => [l.account, l.debit.minor.toString(), l.credit.minor.toString()]) },
      requestId: by.requestId,
    });
    return entry;
  });
