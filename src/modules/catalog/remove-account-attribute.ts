import { inTransaction } from '../../db/database.ts';
import { conflict } from '../../kernel/app-error.ts';
import { recordAudit } from '../audit/index.ts';
import type { AccountType, CatalogDeps, ChangedBy } from './catalog.ts';
import { attributeSnapshot, getAccountType } from './catalog-store.ts';
import { attributeInUse, findAttribute } from './update-account-attribute.ts';

/** Removes an attribute no usage has been recorded under (otherwise that usage could not be billed). */
export const removeAccountAttribute = async (deps: CatalogDeps, by: ChangedBy, accountTypeId: string, attributeId: string): Promise<AccountType> =>
  inTransaction(deps.db, async (tx) => {
    const type = await getAccountType(tx, accountTypeId);
    const attribute = findAttribute(type, attributeId);
    if (await attributeInUse(tx, accountTypeId, attribute.code)) {
      throw conflict(`Usage has been recorded as ${attribute.code}, so the attribute cannot be removed; set its rate to 0 to stop charging for it.`, { field: 'attributeId' });
    }
    await tx.deleteFrom('account_attribute').where('id', '=', attributeId).execute();
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'account_type', entityId: accountTypeId, action: 'remove_attribute', before: attributeSnapshot(attribute), requestId: by.requestId });
    return getAccountType(tx, accountTypeId);
  });
