import type { Kysely } from 'kysely';
import { inTransaction } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { conflict, validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/ids.ts';
import { parseMoney } from '../../kernel/money.ts';
import { recordAudit } from '../audit/index.ts';
import {
  assertAccountFrequency,
  assertAmount,
  assertAttributeDescription,
  assertAttributePer,
  assertDescription,
  assertGlAccount,
  assertName,
  assertTermPeriods,
  assertUnit,
  normalizeAccountTypeCode,
  normalizeAttributeCode,
  normalizeQuantity,
  normalizeVatRate,
  type AccountFrequency,
  type AccountType,
  type AttributePer,
  type CatalogDeps,
  type ChangedBy,
} from './catalog.ts';
import { accountTypeSnapshot, firstPrice, getAccountType, insertPrice, nextPosition } from './catalog-store.ts';

export interface AccountAttributeInput {
  /** What usage records name: disk_mb, hours; stored lower-case. */
  code: string;
  /** As it reads on an invoice line: "Disk space". */
  description: string;
  unit?: string;
  /** Decimal quantity included per period (or term); "0" when left out. */
  included?: string;
  /** Price of one unit beyond the included quantity, in major units ("0.50"). */
  rate: string;
  per?: AttributePer;
  glAccount?: string | null;
  /** Decimal percent; the account type's rate when left out. */
  vatRate?: string;
  position?: number;
}

export interface AccountTypeInput {
  code: string;
  name: string;
  description?: string;
  frequency: AccountFrequency;
  /** Periods per term (the fee is charged per term); 1 when left out. */
  termPeriods?: number;
  glAccount?: string | null;
  vatRate?: string;
  position?: number;
  /** The term fee, in major units of the organization currency; "0" when there is none. */
  price: string;
  priceEffectiveFrom?: string;
  attributes?: AccountAttributeInput[];
}

export const assertAccountTypeCodeFree = async (tx: Kysely<DB>, code: string, selfId: string | null) => {
  let q = tx.selectFrom('account_type').select('id').where('code', '=', code);
  if (selfId) q = q.where('id', '!=', selfId);
  if (await q.executeTakeFirst()) throw conflict(`An account type with the code ${code} already exists (perhaps archived); choose another code.`, { field: 'code' });
};

/** Checks an attribute's fields and gives the row values (without ids and times). */
export const attributeValues = (input: AccountAttributeInput, currency: string, typeVatRate: string) => {
  const rate = parseMoney(input.rate, currency);
  assertAmount(rate, 'The rate');
  return {
    code: normalizeAttributeCode(input.code),
    description: assertAttributeDescription(input.description),
    unit: assertUnit(input.unit),
    included: normalizeQuantity(input.included ?? '0', 'included', 'The included quantity'),
    rate_minor: rate.minor.toString(),
    currency,
    per: assertAttributePer(input.per ?? 'period'),
    gl_account: assertGlAccount(input.glAccount ?? null),
    vat_rate: normalizeVatRate(input.vatRate ?? typeVatRate),
  };
};

/** Inserts one attribute; a code already on the type is refused with a message. */
export const insertAttribute = async (tx: Kysely<DB>, clock: Clock, accountTypeId: string, values: ReturnType<typeof attributeValues>, position: number): Promise<string> => {
  const taken = await tx.selectFrom('account_attribute').select('id').where('account_type_id', '=', accountTypeId).where('code', '=', values.code).executeTakeFirst();
  if (taken) throw conflict(`The account type already has an attribute ${values.code}; choose another code.`, { field: 'code' });
  const now = clock.now().toISOString();
  const id = newId(clock.now().getTime());
  await tx.insertInto('account_attribute').values({ id, account_type_id: accountTypeId, ...values, position, created_at: now, updated_at: now }).execute();
  return id;
};

/** Creates an account type with its first term fee and, optionally, its attributes; audited as one change. */
export const createAccountType = async (deps: CatalogDeps, by: ChangedBy, input: AccountTypeInput): Promise<AccountType> => {
  const code = normalizeAccountTypeCode(input.code);
  const name = assertName(input.name);
  const description = assertDescription(input.description);
  const frequency = assertAccountFrequency(input.frequency);
  const termPeriods = assertTermPeriods(input.termPeriods ?? 1);
  const glAccount = assertGlAccount(input.glAccount ?? null);
  const vatRate = normalizeVatRate(input.vatRate ?? '0');
  return inTransaction(deps.db, async (tx) => {
    const { currency, amount, effectiveFrom } = await firstPrice(tx, deps.clock, input);
    const attributes = (input.attributes ?? []).map((a) => attributeValues(a, currency, vatRate));
    const codes = attributes.map((a) => a.code);
    const twice = codes.find((c, i) => codes.indexOf(c) !== i);
    if (twice) throw validation(`The attribute ${twice} is listed twice; each attribute code can be used once per account type.`, { field: 'attributes' });
    await assertAccountTypeCodeFree(tx, code, null);
    const now = deps.clock.now().toISOString();
    const id = newId(deps.clock.now().getTime());
    await tx
      .insertInto('account_type')
      .values({
        id,
        code,
        name,
        description,
        frequency,
        term_periods: termPeriods,
        gl_account: glAccount,
        vat_rate: vatRate,
        archived: 0,
        position: input.position ?? (await nextPosition(tx, 'account_type')),
        created_at: now,
        updated_at: now,
      })
      .execute();
    await insertPrice(tx, deps.clock, 'account_type', id, { minor: amount.minor, currency, effectiveFrom });
    for (const [i, a] of attributes.entries()) await insertAttribute(tx, deps.clock, id, a, input.attributes![i]!.position ?? i);
    const created = await getAccountType(tx, id);
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'account_type', entityId: id, action: 'create', after: accountTypeSnapshot(created), requestId: by.requestId });
    return created;
  });
};
