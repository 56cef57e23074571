import { inTransaction } from '../../db/database.ts';
import { conflict } from '../../kernel/app-error.ts';
import { recordAudit } from '../audit/index.ts';
import { getAccount } from './accounts.ts';
import type { ChangedBy, LedgerDeps } from './deps.ts';

const REFERENCES = [
  ['membership_type', 'membership types'],
  ['product', 'products'],
  ['account_type', 'account types'],
  ['account_attribute', 'account type attributes'],
  ['recurring_charge', 'recurring charges'],
  ['queued_charge', 'queued charges'],
  ['invoice_line', 'invoice lines'],
] as const;

/**
 * Deletes an account nobody uses: no postings (archive it instead), not named by a ledger.* setting,
 * and not named by a catalog item, charge or invoice line.
 */
export const deleteAccount = async (deps: LedgerDeps, by: ChangedBy, code: string): Promise<void> =>
  inTransaction(deps.db, async (tx) => {
    const account = await getAccount(tx, code);
    if (account.inUse) throw conflict(`Account ${code} has postings, so it is never deleted. Archive it instead.`);
    if (account.role) throw conflict(`Account ${code} is the one the setting ${account.role} names. Point the setting at another account first.`);
    for (const [table, what] of REFERENCES) {
      const used = await tx.selectFrom(table).select('gl_account').where('gl_account', '=', code).limit(1).executeTakeFirst();
      if (used) throw conflict(`Account ${code} is named by ${what}. Change them to another account first, or archive this one.`);
    }
    await tx.deleteFrom('gl_account').where('code', '=', code).execute();
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'gl_account', entityId: code, action: 'delete', before: { code, name: account.name, type: account.type }, requestId: by.requestId });
  });
