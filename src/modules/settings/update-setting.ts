import { sql, type Kysely } from 'kysely';
import { inTransaction, lockResource, toBigInt, type Database } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { money, toDecimalString } from '../../kernel/money.ts';
import { AppError } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { sha256 } from '../../kernel/ids.ts';
import { recordAudit, type Actor } from '../audit/index.ts';
import { effectiveValue, getSetting, settingDefinition, toSettingItem, type SettingItem, type SettingsRuntime } from './get-settings.ts';
import type { SettingDefinition } from './definitions.ts';
import { parseSettingValue } from './setting-types.ts';
import { deleteOverride, loadOverride, saveOverride } from './settings-store.ts';

export interface UpdateSettingDeps {
  db: Database;
  clock: Clock;
  runtime?: SettingsRuntime;
}

// A logo is hundreds of kilobytes; the audit trail records which image, not the image itself.
const forAudit = (def: SettingDefinition, value: unknown): unknown => {
  if (def.type !== 'image' || typeof value !== 'string') return { value };
  const type = /^data:([^;]+);/.exec(value)?.[1] ?? 'image';
  const bytes = Buffer.from(value.slice(value.indexOf(',') + 1), 'base64');
  return { value: `${type}, ${bytes.length} bytes, sha256 ${sha256(value).slice(0, 16)}` };
};

/**
 * A control account (A/R, customer credit) changes only while no contact has a balance on it: the
 * ledger checks, contact accounts and reports read those balances from the account the setting
 * names now, so balances left on the old one would drop out of them (and out of the automatic
 * settling of customer credit).
 */
const refuseWhileHeld = async (tx: Kysely<DB>, def: SettingDefinition, code: string) => {
  const held = await tx
    .selectFrom('ledger_line')
    .leftJoin('contact', 'contact.id', 'ledger_line.contact_id')
    .select(['contact.display_name as name', sql<string | number>`sum(ledger_line.debit_minor) - sum(ledger_line.credit_minor)`.as('balance')])
    .where('ledger_line.account_code', '=', code)
    .groupBy(['ledger_line.contact_id', 'contact.display_name'])
    .having(sql<boolean>`sum(ledger_line.debit_minor) <> sum(ledger_line.credit_minor)`)
    .limit(1)
    .executeTakeFirst();
  if (!held) return;
  const currency = await getSetting(tx, 'organization.currency');
  const balance = toBigInt(held.balance);
  throw new AppError(
    'conflict',
    `${def.label} (${def.key}) cannot be changed from ${code} while contacts have a balance on it (${held.name ?? 'a line without a contact'}: ${toDecimalString(money(balance < 0n ? -balance : balance, currency))} ${currency}). The ledger checks, contact accounts and reports read these balances from one account; settle them first, or keep ${code}.`,
    { field: 'value' },
  );
};

/**
 * Changes one setting and records the change in the audit trail, in one transaction.
 * `rawValue` is what a person typed or a JSON value; `null` puts the setting back to its default.
 */
export const updateSetting = async (
  deps: UpdateSettingDeps,
  actor: Actor,
  key: string,
  rawValue: unknown,
  requestId?: string | null,
): Promise<SettingItem> => {
  const def = settingDefinition(key);
  if (def.readOnly) {
    throw new AppError('conflict', `${def.label} (${def.key}) is read-only and cannot be changed here. ${def.description}`);
  }
  return inTransaction(deps.db, async (tx) => {
    // Two people saving the same setting at once: the second sees the first's value as "before".
    await lockResource(tx, `setting:${key}`);
    const row = await loadOverride(tx, key);
    const before = effectiveValue(def, row, deps.runtime);
    const reset = rawValue === null;
    let after: unknown = def.default;
    if (!reset) {
      // Money is written in the organization currency, so its decimals follow that currency.
      const currency = def.type === 'money' ? await getSetting(tx, 'organization.currency') : undefined;
      after = parseSettingValue(def.type, rawValue, { label: def.label, optional: def.optional, options: def.options, min: def.min, max: def.max, currency });
    }
    // Nothing changes: no write and no audit row.
    if (reset ? !row : JSON.stringify(after) === JSON.stringify(before)) return toSettingItem(def, row, deps.runtime);
    if (def.controlAccount && after !== before) await refuseWhileHeld(tx, def, String(before));

    const saved = reset
      ? undefined
      : { key, value: JSON.stringify(after), updated_at: deps.clock.now().toISOString(), updated_by: actor.name ?? actor.type };
    if (saved) await saveOverride(tx, saved);
    else await deleteOverride(tx, key);
    await recordAudit(tx, deps.clock, actor, {
      entityType: 'setting',
      entityId: key,
      action: reset ? 'reset' : 'update',
      before: forAudit(def, before),
      after: forAudit(def, after),
      requestId: requestId ?? null,
    });
    return toSettingItem(def, saved, deps.runtime);
  });
};
