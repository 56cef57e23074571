import { inTransaction } from '../../db/database.ts';
import { conflict, validation } from '../../kernel/app-error.ts';
import { recordAudit } from '../audit/index.ts';
import { assertAccountCode, assertAccountType, getAccount, type GlAccount } from './accounts.ts';
import type { ChangedBy, LedgerDeps } from './deps.ts';

export interface AccountInput {
  code: string;
  name: string;
  type: string;
  description?: string | null;
}

export const assertAccountName = (name: string): string => {
  const n = (name ?? '').trim();
  if (!n) throw validation('Give the account a name.', { field: 'name' });
  if (n.length > 200) throw validation('An account name has at most 200 characters.', { field: 'name' });
  return n;
};

export const assertAccountDescription = (d: string | null | undefined): string => {
  const t = (d ?? '').trim();
  if (t.length > 2000) throw validation('An account description has at most 2000 characters.', { field: 'description' });
  return t;
};

/** Adds an account to the chart of accounts. The number (NNNNN-NNNN) is its key and never changes. */
export const createAccount = async (deps: LedgerDeps, by: ChangedBy, input: AccountInput): Promise<GlAccount> => {
  const code = assertAccountCode(input.code);
  const name = assertAccountName(input.name);
  const type = assertAccountType(input.type);
  const description = assertAccountDescription(input.description);
  return inTransaction(deps.db, async (tx) => {
    const existing = await tx.selectFrom('gl_account').select(['name', 'archived']).where('code', '=', code).executeTakeFirst();
    if (existing) throw conflict(`The chart already has account ${code} (${existing.name}${Number(existing.archived) ? ', archived' : ''}).`, { field: 'code' });
    const now = deps.clock.now().toISOString();
    await tx.insertInto('gl_account').values({ code, name, type, description, archived: 0, created_at: now, updated_at: now }).execute();
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'gl_account', entityId: code, action: 'create', after: { code, name, type, description }, requestId: by.requestId });
    return getAccount(tx, code);
  });
};
