import { inTransaction } from '../../db/database.ts';
import { recordAudit } from '../audit/index.ts';
import type { AccountType, CatalogDeps, ChangedBy } from './catalog.ts';
import { attributeSnapshot, getAccountType, orgCurrency } from './catalog-store.ts';
import { attributeValues, insertAttribute, type AccountAttributeInput } from './create-account-type.ts';

/** Adds a usage attribute to an account type; audited on the account type. */
export const addAccountAttribute = async (deps: CatalogDeps, by: ChangedBy, accountTypeId: string, input: AccountAttributeInput): Promise<AccountType> =>
  inTransaction(deps.db, async (tx) => {
    const type = await getAccountType(tx, accountTypeId);
    const values = attributeValues(input, await orgCurrency(tx), type.vatRate);
    const position = input.position ?? type.attributes.reduce((m, a) => Math.max(m, a.position + 1), 0);
    const id = await insertAttribute(tx, deps.clock, accountTypeId, values, position);
    const after = await getAccountType(tx, accountTypeId);
    const added = after.attributes.find((a) => a.id === id)!;
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'account_type', entityId: accountTypeId, action: 'add_attribute', after: attributeSnapshot(added), requestId: by.requestId });
    return after;
  });
