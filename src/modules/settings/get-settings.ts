import type { Executor } from '../../db/database.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { SettingTable } from '../../db/schema.ts';
import { AppError } from '../../kernel/app-error.ts';
import { findDefinition, SETTING_DEFINITIONS, type SettingDefinition, type SettingGroup, type SettingKey, type SettingValues } from './definitions.ts';
import type { SettingType } from './setting-types.ts';
import { loadOverride, loadOverrides } from './settings-store.ts';

/** One row of the settings page (and of GET /api/v1/settings). */
export interface SettingItem {
  key: string;
  group: SettingGroup;
  type: SettingType;
  label: string;
  description: string;
  value: unknown;
  readOnly: boolean;
  options?: string[];
  updatedAt: string | null;
  updatedBy: string | null;
}

/** Read-only settings that show how the running process is configured, not what is stored. */
export interface SettingsRuntime {
  sessionIdleMinutes?: number;
}

// A stored value that no longer fits its type (edited by hand, or the type changed) falls back to the default.
const fitsType = (def: SettingDefinition, v: unknown): boolean => {
  switch (def.type) {
    case 'integer':
      return Number.isSafeInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'image':
      return v === null || typeof v === 'string';
    case 'list':
      return typeof v === 'string' && (def.options ?? []).includes(v);
    default:
      return typeof v === 'string';
  }
};

const decode = (def: SettingDefinition, row: SettingTable): unknown => {
  try {
    const v: unknown = JSON.parse(row.value);
    return fitsType(def, v) ? v : def.default;
  } catch {
    return def.default;
  }
};

export const effectiveValue = (def: SettingDefinition, row: SettingTable | undefined, runtime: SettingsRuntime = {}): unknown => {
  if (def.key === 'system.session_idle_minutes' && runtime.sessionIdleMinutes !== undefined) return runtime.sessionIdleMinutes;
  if (def.readOnly || !row) return def.default;
  return decode(def, row);
};

export const toSettingItem = (def: SettingDefinition, row: SettingTable | undefined, runtime?: SettingsRuntime): SettingItem => ({
  key: def.key,
  group: def.group,
  type: def.type,
  label: def.label,
  description: def.description,
  value: effectiveValue(def, row, runtime),
  readOnly: Boolean(def.readOnly),
  ...(def.options ? { options: [...def.options] } : {}),
  updatedAt: def.readOnly ? null : (row?.updated_at ?? null),
  updatedBy: def.readOnly ? null : (row?.updated_by ?? null),
});

export const settingDefinition = (key: string): SettingDefinition => {
  const def = findDefinition(key);
  if (!def) throw new AppError('not_found', `There is no setting "${key}". List them with GET /api/v1/settings or \`guildhall settings list\`.`);
  return def;
};

/** Every setting with its label, type and current value, in registry order. */
export const listSettings = async (db: Executor, runtime?: SettingsRuntime): Promise<SettingItem[]> => {
  const rows = new Map((await loadOverrides(db)).map((r) => [r.key, r]));
  return SETTING_DEFINITIONS.map((def) => toSettingItem(def, rows.get(def.key), runtime));
};

export const getSettingItem = async (db: Executor, key: string, runtime?: SettingsRuntime): Promise<SettingItem> => {
  const def = settingDefinition(key);
  return toSettingItem(def, await loadOverride(db, key), runtime);
};

/** All current values, typed by key. What other modules read (invoice due days, G/L accounts, currency…). */
export const getSettings = async (db: Executor, runtime?: SettingsRuntime): Promise<SettingValues> => {
  const rows = new Map((await loadOverrides(db)).map((r) => [r.key, r]));
  return Object.fromEntries(SETTING_DEFINITIONS.map((def) => [def.key, effectiveValue(def, rows.get(def.key), runtime)])) as SettingValues;
};

export const getSetting = async <K extends SettingKey>(db: Executor, key: K, runtime?: SettingsRuntime): Promise<SettingValues[K]> => {
  const def = settingDefinition(key);
  return effectiveValue(def, await loadOverride(db, key), runtime) as SettingValues[K];
};

/** The organization's calendar day (YYYY-MM-DD) in its time zone: "today" for billing, ledgers and prices. */
export const orgToday = async (db: Executor, clock: Clock): Promise<string> => clock.today(await getSetting(db, 'organization.time_zone')).toString();
