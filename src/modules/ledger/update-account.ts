import { inTransaction } from '../../db/database.ts';
import { conflict } from '../../kernel/app-error.ts';
import { recordAudit } from '../audit/index.ts';
import { assertAccountType, getAccount, type GlAccount } from './accounts.ts';
import { assertAccountDescription, assertAccountName } from './create-account.ts';
import type { ChangedBy, LedgerDeps } from './deps.ts';

export interface AccountPatch {
  name?: string;
  type?: string;
  description?: string | null;
  /** Archived accounts are kept (with their postings) but left out of pick lists; manual entries cannot use them. */
  archived?: boolean;
}

/**
 * Renames, re-describes, re-types or archives an account. The type of an account with postings
 * never changes (its history would change meaning); an account a ledger.* setting names cannot
 * be archived until the setting names another.
 */
export const updateAccount = async (deps: LedgerDeps, by: ChangedBy, code: string, patch: AccountPatch): Promise<GlAccount> =>
  inTransaction(deps.db, async (tx) => {
    const before = await getAccount(tx, code);
    const next = {
      name: patch.name === undefined ? before.name : assertAccountName(patch.name),
      type: patch.type === undefined ? before.type : assertAccountType(patch.type),
      description: patch.description === undefined ? before.description : assertAccountDescription(patch.description),
      archived: patch.archived === undefined ? before.archived : patch.archived,
    };
    if (next.type !== before.type && before.inUse) {
      throw conflict(`Account ${code} has postings, so its type stays ${before.type}. Create a new account of type ${next.type} and post to that instead.`, { field: 'type' });
    }
    if (next.archived && !before.archived && before.role) {
      throw conflict(`Account ${code} is the one the setting ${before.role} names, so it cannot be archived. Point the setting at another account first.`, { field: 'archived' });
    }
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => next[k] !== before[k]);
    if (!changed.length) return before;
    await tx
      .updateTable('gl_account')
      .set({ name: next.name, type: next.type, description: next.description, archived: next.archived ? 1 : 0, updated_at: deps.clock.now().toISOString() })
      .where('code', '=', code)
      .execute();
    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'gl_account',
      entityId: code,
      action: next.archived !== before.archived ? (next.archived ? 'archive' : 'unarchive') : 'update',
      before: Object.fromEntries(changed.map((k) => [k, before[k]])),
      after: Object.fromEntries(changed.map((k) => [k, next[k]])),
      requestId: by.requestId,
    });
    return getAccount(tx, code);
  });
