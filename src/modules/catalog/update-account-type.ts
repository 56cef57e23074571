import type { Kysely } from 'kysely';
import { inTransaction } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { conflict } from '../../kernel/app-error.ts';
import {
  assertAccountFrequency,
  assertDescription,
  assertGlAccount,
  assertName,
  assertTermPeriods,
  normalizeAccountTypeCode,
  normalizeVatRate,
  type AccountType,
  type CatalogDeps,
  type ChangedBy,
} from './catalog.ts';
import { accountTypeSnapshot, auditCatalogUpdate, getAccountType } from './catalog-store.ts';
import { assertAccountTypeCodeFree, type AccountTypeInput } from './create-account-type.ts';

export type AccountTypePatch = Partial<Omit<AccountTypeInput, 'price' | 'priceEffectiveFrom' | 'attributes'>> & { archived?: boolean };

/** How many subscriptions of the account type are not ended (their periods depend on its frequency). */
export const liveSubscriptions = async (tx: Kysely<DB>, accountTypeId: string): Promise<number> => {
  const row = await tx
    .selectFrom('subscription')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('item_type', '=', 'account_type')
    .where('item_id', '=', accountTypeId)
    .where('status', '!=', 'ended')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
};

/**
 * Changes an account type (the fee changes through addPriceVersion, attributes through their own
 * use cases). The period and term cannot change while subscriptions of the type are running: their
 * billed periods would no longer line up. archived: true archives it (no new subscriptions), false restores it.
 */
export const updateAccountType = async (deps: CatalogDeps, by: ChangedBy, id: string, patch: AccountTypePatch): Promise<AccountType> =>
  inTransaction(deps.db, async (tx) => {
    const before = await getAccountType(tx, id);
    const code = patch.code !== undefined ? normalizeAccountTypeCode(patch.code) : before.code;
    if (code !== before.code) await assertAccountTypeCodeFree(tx, code, id);
    const frequency = patch.frequency !== undefined ? assertAccountFrequency(patch.frequency) : before.frequency;
    const termPeriods = patch.termPeriods !== undefined ? assertTermPeriods(patch.termPeriods) : before.termPeriods;
    if (frequency !== before.frequency || termPeriods !== before.termPeriods) {
      const live = await liveSubscriptions(tx, id);
      if (live > 0) {
        throw conflict(
          `${live} subscription${live === 1 ? '' : 's'} of ${before.code} ${live === 1 ? 'is' : 'are'} running, so its period and term cannot change; create a new account type and move them instead.`,
          { field: frequency !== before.frequency ? 'frequency' : 'termPeriods' },
        );
      }
    }
    await tx
      .updateTable('account_type')
      .set({
        code,
        name: patch.name !== undefined ? assertName(patch.name) : before.name,
        description: patch.description !== undefined ? assertDescription(patch.description) : before.description,
        frequency,
        term_periods: termPeriods,
        gl_account: patch.glAccount !== undefined ? assertGlAccount(patch.glAccount) : before.glAccount,
        vat_rate: patch.vatRate !== undefined ? normalizeVatRate(patch.vatRate) : before.vatRate,
        archived: (patch.archived ?? before.archived) ? 1 : 0,
        position: patch.position ?? before.position,
        updated_at: deps.clock.now().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    const after = await getAccountType(tx, id);
    await auditCatalogUpdate(tx, deps.clock, by, { entityType: 'account_type', entityId: id }, { before, after, snapshot: accountTypeSnapshot });
    return after;
  });

export const archiveAccountType = (deps: CatalogDeps, by: ChangedBy, id: string) => updateAccountType(deps, by, id, { archived: true });
