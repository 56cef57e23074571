import type { Kysely } from 'kysely';
import { inTransaction } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { conflict } from '../../kernel/app-error.ts';
import { newId } from '../../kernel/ids.ts';
import { recordAudit } from '../audit/index.ts';
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
  type ProductFrequency,
  type ProductKind,
} from './catalog.ts';
import { firstPrice, getProduct, insertPrice, nextPosition, productSnapshot } from './catalog-store.ts';

export interface ProductInput {
  code: string;
  name: string;
  description?: string;
  kind: ProductKind;
  frequency: ProductFrequency;
  /** NNNNN-NNNN; null or left out: the miscellaneous sales account setting applies. */
  glAccount?: string | null;
  /** Decimal percent, "25" or "0". */
  vatRate?: string;
  position?: number;
  /** Unit price in major units of the organization currency; "0" for a free product. */
  price: string;
  priceEffectiveFrom?: string;
}

export const assertProductCodeFree = async (tx: Kysely<DB>, code: string, selfId: string | null) => {
  let q = tx.selectFrom('product').select('id').where('code', '=', code);
  if (selfId) q = q.where('id', '!=', selfId);
  if (await q.executeTakeFirst()) throw conflict(`A product with the code ${code} already exists (perhaps archived); choose another code.`, { field: 'code' });
};

export const createProduct = async (deps: CatalogDeps, by: ChangedBy, input: ProductInput): Promise<Product> => {
  const code = normalizeProductCode(input.code);
  const name = assertName(input.name);
  const description = assertDescription(input.description);
  const kind = assertProductKind(input.kind);
  const frequency = assertProductFrequency(input.frequency);
  const glAccount = assertGlAccount(input.glAccount ?? null);
  const vatRate = normalizeVatRate(input.vatRate ?? '0');
  return inTransaction(deps.db, async (tx) => {
    const { currency, amount, effectiveFrom } = await firstPrice(tx, deps.clock, input);
    await assertProductCodeFree(tx, code, null);
    const now = deps.clock.now().toISOString();
    const id = newId(deps.clock.now().getTime());
    await tx
      .insertInto('product')
      .values({
        id,
        code,
        name,
        description,
        kind,
        frequency,
        gl_account: glAccount,
        vat_rate: vatRate,
        archived: 0,
        position: input.position ?? (await nextPosition(tx, 'product')),
        created_at: now,
        updated_at: now,
      })
      .execute();
    await insertPrice(tx, deps.clock, 'product', id, { minor: amount.minor, currency, effectiveFrom });
    const created = await getProduct(tx, id);
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'product', entityId: id, action: 'create', after: productSnapshot(created), requestId: by.requestId });
    return created;
  });
};
