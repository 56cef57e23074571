import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { getSettings, type SettingValues } from '../settings/index.ts';

/** Which account plays which part (settings ledger.*; defaults are the seeded chart). */
export interface LedgerRoles {
  ar: string;
  bank: string;
  cash: string;
  vat: string;
  credit: string;
  miscSales: string;
  fee: string;
  writeoff: string;
  /** 'immediate': invoices post as they are issued; 'held': they wait in the holding step for `importHeld`. */
  invoicePosting: 'immediate' | 'held';
}

export const ROLE_SETTINGS = {
  ar: 'ledger.ar_account',
  bank: 'ledger.bank_account',
  cash: 'ledger.cash_account',
  vat: 'ledger.vat_account',
  credit: 'ledger.credit_account',
  miscSales: 'ledger.misc_sales_account',
  fee: 'ledger.fee_account',
  writeoff: 'ledger.writeoff_account',
} as const;

/** The roles out of settings already read (one read serves a whole use case). */
export const rolesOf = (s: SettingValues): LedgerRoles => ({
  ar: s['ledger.ar_account'],
  bank: s['ledger.bank_account'],
  cash: s['ledger.cash_account'],
  vat: s['ledger.vat_account'],
  credit: s['ledger.credit_account'],
  miscSales: s['ledger.misc_sales_account'],
  fee: s['ledger.fee_account'],
  writeoff: s['ledger.writeoff_account'],
  invoicePosting: s['ledger.invoice_posting'] === 'held' ? 'held' : 'immediate',
});

export const loadRoles = async (db: Kysely<DB>): Promise<LedgerRoles> => rolesOf(await getSettings(db));

/** The setting that names `code` for a role, if any (such an account cannot be archived or deleted). */
export const roleOf = (roles: LedgerRoles, code: string): string | undefined =>
  (Object.keys(ROLE_SETTINGS) as (keyof typeof ROLE_SETTINGS)[]).map((k) => (roles[k] === code ? ROLE_SETTINGS[k] : undefined)).find(Boolean);
