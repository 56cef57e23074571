import type { Kysely } from 'kysely';
import { inTransaction } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { conflict, notFound } from '../../kernel/app-error.ts';
import { toDecimalString } from '../../kernel/money.ts';
import { recordAudit } from '../audit/index.ts';
import type { AccountAttribute, AccountType, CatalogDeps, ChangedBy } from './catalog.ts';
import { attributeSnapshot, diff, getAccountType, orgCurrency } from './catalog-store.ts';
import { attributeValues, type AccountAttributeInput } from './create-account-type.ts';

export type AccountAttributePatch = Partial<AccountAttributeInput>;

/** Whether usage has been recorded under an attribute code for subscriptions of the account type. */
export const attributeInUse = async (tx: Kysely<DB>, accountTypeId: string, code: string): Promise<boolean> =>
  Boolean(
    await tx
      .selectFrom('usage_record')
      .innerJoin('subscription', 'subscription.id', 'usage_record.subscription_id')
      .select('usage_record.id')
      .where('subscription.item_type', '=', 'account_type')
      .where('subscription.item_id', '=', accountTypeId)
      .where('usage_record.attribute_code', '=', code)
      .limit(1)
      .executeTakeFirst(),
  );

export const findAttribute = (type: AccountType, attributeId: string): AccountAttribute => {
  const attribute = type.attributes.find((a) => a.id === attributeId);
  if (!attribute) throw notFound('The attribute');
  return attribute;
};

/**
 * Changes an attribute of an account type. The rate and included quantity apply to periods billed
 * from now on. The code cannot change once usage has been recorded under it.
 */
export const updateAccountAttribute = async (deps: CatalogDeps, by: ChangedBy, accountTypeId: string, attributeId: string, patch: AccountAttributePatch): Promise<AccountType> =>
  inTransaction(deps.db, async (tx) => {
    const type = await getAccountType(tx, accountTypeId);
    const before = findAttribute(type, attributeId);
    const values = attributeValues(
      {
        code: patch.code ?? before.code,
        description: patch.description ?? before.description,
        unit: patch.unit ?? before.unit,
        included: patch.included ?? before.included,
        rate: patch.rate ?? toDecimalString(before.rate),
        per: patch.per ?? before.per,
        glAccount: patch.glAccount !== undefined ? patch.glAccount : before.glAccount,
        vatRate: patch.vatRate ?? before.vatRate,
      },
      patch.rate !== undefined ? await orgCurrency(tx) : before.rate.currency,
      type.vatRate,
    );
    if (values.code !== before.code) {
      if (type.attributes.some((a) => a.id !== attributeId && a.code === values.code)) throw conflict(`The account type already has an attribute ${values.code}; choose another code.`, { field: 'code' });
      if (await attributeInUse(tx, accountTypeId, before.code)) {
        throw conflict(`Usage has been recorded as ${before.code}, so its code cannot change; add a new attribute instead.`, { field: 'code' });
      }
    }
    await tx
      .updateTable('account_attribute')
      .set({ ...values, position: patch.position ?? before.position, updated_at: deps.clock.now().toISOString() })
      .where('id', '=', attributeId)
      .execute();
    const after = await getAccountType(tx, accountTypeId);
    const changes = diff(attributeSnapshot(before), attributeSnapshot(findAttribute(after, attributeId)));
    if (changes) {
      await recordAudit(tx, deps.clock, by.actor, {
        entityType: 'account_type',
        entityId: accountTypeId,
        action: 'update_attribute',
        before: { code: before.code, ...changes.before },
        after: { code: values.code, ...changes.after },
        requestId: by.requestId,
      });
    }
    return after;
  });
