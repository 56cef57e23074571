import { inTransaction } from '../../db/database.ts';
import {
  assertDescription,
  assertGlAccount,
  assertName,
  assertProductFrequency,
  assertProductKind,
  normalizeProductCode,
  normalizeVatRate,
  type CatalogDeps,
  type ChangedBy,
  type Product,
} from './catalog.ts';
import { auditCatalogUpdate, getProduct, productSnapshot } from './catalog-store.ts';
import { assertProductCodeFree, type ProductInput } from './create-product.ts';

export type ProductPatch = Partial<Omit<ProductInput, 'price' | 'priceEffectiveFrom'>> & { archived?: boolean };

/** Changes a product (prices change through addPriceVersion). archived: true archives it, false restores it. */
export const updateProduct = async (deps: CatalogDeps, by: ChangedBy, id: string, patch: ProductPatch): Promise<Product> =>
  inTransaction(deps.db, async (tx) => {
    const before = await getProduct(tx, id);
    const code = patch.code !== undefined ? normalizeProductCode(patch.code) : before.code;
    if (code !== before.code) await assertProductCodeFree(tx, code, id);
    await tx
      .updateTable('product')
      .set({
        code,
        name: patch.name !== undefined ? assertName(patch.name) : before.name,
        description: patch.description !== undefined ? assertDescription(patch.description) : before.description,
        kind: patch.kind !== undefined ? assertProductKind(patch.kind) : before.kind,
        frequency: patch.frequency !== undefined ? assertProductFrequency(patch.frequency) : before.frequency,
        gl_account: patch.glAccount !== undefined ? assertGlAccount(patch.glAccount) : before.glAccount,
        vat_rate: patch.vatRate !== undefined ? normalizeVatRate(patch.vatRate) : before.vatRate,
        archived: (patch.archived ?? before.archived) ? 1 : 0,
        position: patch.position ?? before.position,
        updated_at: deps.clock.now().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    const after = await getProduct(tx, id);
    await auditCatalogUpdate(tx, deps.clock, by, { entityType: 'product', entityId: id }, { before, after, snapshot: productSnapshot });
    return after;
  });

export const archiveProduct = (deps: CatalogDeps, by: ChangedBy, id: string) => updateProduct(deps, by, id, { archived: true });
