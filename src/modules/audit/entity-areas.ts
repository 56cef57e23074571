import type { Area } from '../../api/access.ts';

/**
 * Which back-office area owns each kind of audited record. Reading one record's history needs
 * read access to that area (a volunteer sees a contact's history without seeing the whole trail).
 * Each module adds its entity types here.
 */
export const ENTITY_AREAS: Record<string, Area> = {
  setting: 'settings',
  job: 'settings',
  staff_user: 'staff',
  access_group: 'staff',
  api_key: 'staff',
  contact: 'contacts',
  custom_field: 'contacts',
  household: 'contacts',
  saved_view: 'contacts',
  contact_import: 'contacts',
  membership_type: 'billing',
  product: 'billing',
  campaign_code: 'billing',
  invoice: 'billing',
  subscription: 'billing',
  usage_record: 'billing',
  recurring_charge: 'billing',
  queued_charge: 'billing',
  account_type: 'billing',
  billing_run: 'billing',
  document_template: 'billing',
  invoice_delivery: 'billing',
  print_batch: 'billing',
  statement_batch: 'billing',
  mail_template: 'communications',
  payment: 'payments',
  customer_credit: 'payments',
  gl_account: 'ledger',
  ledger_entry: 'ledger',
  ledger_holding: 'ledger',
  journal: 'ledger',
};

export const areaOfEntity = (entityType: string): Area | undefined => ENTITY_AREAS[entityType];
