import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_foundation.ts';
import * as m0002 from './0002_staff_access.ts';
import * as m0003 from './0003_contacts.ts';
import * as m0004 from './0004_contact_sort.ts';
import * as m0005 from './0005_catalog.ts';
import * as m0006 from './0006_billing.ts';
import * as m0007 from './0007_money_and_documents.ts';
import * as m0008 from './0008_invoice_credits_partial.ts';
import * as m0009 from './0009_partial_indexes.ts';
import * as m0010 from './0010_contact_search_sorted.ts';
import * as m0011 from './0011_contact_import_batches.ts';
import * as m0012 from './0012_charges_due_by_payer.ts';
import * as m0013 from './0013_payment_lookups.ts';
import * as m0014 from './0014_contact_search_name_order.ts';
import * as m0015 from './0015_credit_note_payer.ts';
import * as m0016 from './0016_ledger_day_totals.ts';
import * as m0017 from './0017_ledger_checks.ts';

/** Forward-only, in order. Add a file and list it here; never edit one that has shipped. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_staff_access': m0002,
  '0003_contacts': m0003,
  '0004_contact_sort': m0004,
  '0005_catalog': m0005,
  '0006_billing': m0006,
  '0007_money_and_documents': m0007,
  '0008_invoice_credits_partial': m0008,
  '0009_partial_indexes': m0009,
  '0010_contact_search_sorted': m0010,
  '0011_contact_import_batches': m0011,
  '0012_charges_due_by_payer': m0012,
  '0013_payment_lookups': m0013,
  '0014_contact_search_name_order': m0014,
  '0015_credit_note_payer': m0015,
  '0016_ledger_day_totals': m0016,
  '0017_ledger_checks': m0017,
};
