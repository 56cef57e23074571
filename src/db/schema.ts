/**
 * Table types, as stored. Conventions (the same on SQLite and PostgreSQL):
 * - ids are text (see kernel/ids.ts); timestamps are ISO-8601 UTC text; days are `YYYY-MM-DD` text;
 * - booleans are integers 0/1; JSON is text; money is bigint minor units (read with `toBigInt`).
 * Each module adds its tables here next to its migration.
 */

export interface StaffUserTable {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  is_admin: number;
  active: number;
  language: string | null;
  created_at: string;
  updated_at: string;
  password_changed_at: string | null;
}

export interface AccessGroupTable {
  id: string;
  name: string;
  description: string;
  /** JSON object: area → "read" | "update". */
  permissions: string;
  builtin: number;
  created_at: string;
  updated_at: string;
}

export interface StaffGroupMemberTable {
  staff_id: string;
  group_id: string;
}

export interface StaffSessionTable {
  /** SHA-256 of the cookie value; the value itself is never stored. */
  id_hash: string;
  staff_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  window_started_at: string;
  locked_until: string | null;
}

export interface OneTimeTokenTable {
  token_hash: string;
  /** 'password_reset' | 'setup' */
  purpose: string;
  staff_id: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface ApiKeyTable {
  id: string;
  name: string;
  /** First characters of the key, shown in lists so a key can be recognised. */
  prefix: string;
  key_hash: string;
  group_id: string;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SettingTable {
  key: string;
  /** JSON-encoded value. */
  value: string;
  updated_at: string;
  updated_by: string | null;
}

export interface AuditLogTable {
  seq: number;
  at: string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  entity_type: string;
  entity_id: string;
  action: string;
  before: string | null;
  after: string | null;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

export interface IdempotencyKeyTable {
  key: string;
  actor: string;
  method: string;
  path: string;
  request_hash: string;
  status_code: number;
  response: string;
  created_at: string;
}

export interface JobTable {
  id: string;
  type: string;
  payload: string;
  /** 'pending' | 'running' | 'done' | 'failed' (retries exhausted) */
  status: string;
  run_at: string;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  locked_by: string | null;
  locked_at: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface ScheduledTaskTable {
  name: string;
  cron: string;
  enabled: number;
  next_run_at: string | null;
  last_run_at: string | null;
  last_status: string | null;
  last_duration_ms: number | null;
  last_error: string | null;
}

export interface MailMessageTable {
  id: string;
  to_addresses: string;
  cc_addresses: string | null;
  from_address: string;
  reply_to: string | null;
  subject: string;
  text_body: string;
  html_body: string | null;
  /** JSON array of { filename, contentType, contentBase64 }. */
  attachments: string | null;
  /** 'queued' | 'sent' | 'stored' (no SMTP configured) | 'failed' */
  status: string;
  related_type: string | null;
  related_id: string | null;
  attempts: number;
  last_error: string | null;
  message_id: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface NumberSequenceTable {
  name: string;
  next_value: number | string;
}

export interface HouseholdTable {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface ContactTable {
  id: string;
  kind: string;
  member_number: number | string | null;
  status: string;
  salutation: string | null;
  first_names: string | null;
  initial: string | null;
  last_name: string | null;
  birth_date: string | null;
  gender: string | null;
  org_name: string | null;
  org_number: string | null;
  vat_number: string | null;
  display_name: string;
  address_lines: string | null;
  postcode: string | null;
  place: string | null;
  region: string | null;
  country: string | null;
  phone_home: string | null;
  phone_work: string | null;
  phone_mobile: string | null;
  email: string | null;
  invoice_delivery: string;
  language: string | null;
  note: string | null;
  payer_id: string | null;
  household_id: string | null;
  household_role: string | null;
  pseudo_email: number;
  search_text: string;
  /** Display name folded like search text; lists sort by it (migration 0004). */
  sort_name: string;
  version: number;
  created_at: string;
  updated_at: string;
  erased_at: string | null;
}

export interface OrganizationContactTable {
  id: string;
  organization_id: string;
  person_id: string;
  role: string;
  status: string;
  confirm_token_hash: string | null;
  invited_at: string;
  confirmed_at: string | null;
}

export interface CustomFieldTable {
  id: string;
  key: string;
  label: string;
  description: string;
  type: string;
  options: string | null;
  visibility: string;
  applies_to: string;
  required: number;
  position: number;
  archived: number;
  created_at: string;
  updated_at: string;
}

export interface ContactFieldValueTable {
  contact_id: string;
  field_id: string;
  value: string;
}

export interface ConsentTable {
  id: string;
  contact_id: string;
  kind: string;
  granted: number;
  wording: string;
  version: string;
  source: string;
  actor_name: string | null;
  at: string;
}

export interface ContactTagTable {
  contact_id: string;
  tag: string;
}

export interface SavedViewTable {
  id: string;
  area: string;
  name: string;
  query: string;
  owner_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface ContactImportTable {
  id: string;
  status: string;
  filename: string;
  file: Buffer;
  encoding: string;
  separator: string;
  mapping: string;
  options: string;
  total_rows: number;
  created_rows: number;
  updated_rows: number;
  skipped_rows: number;
  report: string | null;
  created_by: string | null;
  created_at: string;
  finished_at: string | null;
}

/** One committed batch of an import that has not finished (0011); removed when it finishes. */
export interface ContactImportBatchTable {
  import_id: string;
  first_row: number;
  next_row: number;
  request: string;
  rows: string;
}

// ---- catalog (0005)

export interface MembershipTypeTable {
  id: string;
  code: string;
  name: string;
  description: string;
  /** 'month' | 'quarter' | 'year' | 'never' | 'lifetime' */
  frequency: string;
  trial_days: number;
  converts_to_id: string | null;
  signup_allowed: number;
  special_price: number;
  invoiced: number;
  archived: number;
  position: number;
  created_at: string;
  updated_at: string;
  /** Migration 0006: null → ledger.misc_sales_account. */
  gl_account: string | null;
  vat_rate: string;
  /** A household secondary type follows the primary's type (FM2 → FM1). */
  follows_id: string | null;
}

export interface ProductTable {
  id: string;
  code: string;
  name: string;
  description: string;
  /** 'service' | 'upgrade' | 'fee' | 'other' */
  kind: string;
  /** 'once' | 'month' | 'quarter' | 'year' | 'never' | 'lifetime' */
  frequency: string;
  gl_account: string | null;
  vat_rate: string;
  archived: number;
  position: number;
  created_at: string;
  updated_at: string;
}

/** Append-only price versions of membership types and products. */
export interface CatalogPriceTable {
  id: string;
  item_type: string;
  item_id: string;
  currency: string;
  amount_minor: number | string | bigint;
  effective_from: string;
  created_at: string;
}

export interface CampaignCodeTable {
  id: string;
  code: string;
  description: string;
  /** 'percent' | 'fixed_price' */
  kind: string;
  percent: string | null;
  amount_minor: number | string | bigint | null;
  currency: string | null;
  valid_from: string;
  valid_to: string;
  max_uses: number | null;
  uses: number;
  /** JSON array of membership_type ids; null = every type. */
  applies_to: string | null;
  archived: number;
  created_at: string;
  updated_at: string;
}

/** Migration 0006: account types (seed 004 §2.4); the term fee is a catalog_price row (item_type 'account_type'). */
export interface AccountTypeTable {
  id: string;
  code: string;
  name: string;
  description: string;
  /** 'month' | 'quarter' | 'year' — the period; the fee is charged per term of `term_periods` periods. */
  frequency: string;
  term_periods: number;
  gl_account: string | null;
  vat_rate: string;
  archived: number;
  position: number;
  created_at: string;
  updated_at: string;
}

export interface AccountAttributeTable {
  id: string;
  account_type_id: string;
  code: string;
  description: string;
  unit: string;
  /** Decimal quantity included per period (or per term). */
  included: string;
  rate_minor: number | string | bigint;
  currency: string;
  /** 'period' | 'term' */
  per: string;
  gl_account: string | null;
  vat_rate: string;
  position: number;
  created_at: string;
  updated_at: string;
}

/** A billing group: what one contact is billed for, and when. */
export interface SubscriptionTable {
  id: string;
  contact_id: string;
  payer_id: string;
  /** 'membership_type' | 'product' | 'account_type' */
  item_type: string;
  item_id: string;
  quantity: string;
  /** 'pending' | 'trial' | 'active' | 'grace' | 'suspended' | 'ended' */
  status: string;
  start_date: string;
  anchor_day: number;
  end_date: string | null;
  disconnect_date: string | null;
  auto_renew: number;
  special_price_minor: number | string | bigint | null;
  campaign_code_id: string | null;
  campaign_price_minor: number | string | bigint | null;
  trial_ends_on: string | null;
  fee_cursor: string | null;
  usage_cursor: string | null;
  next_due: string | null;
  paid_through: string | null;
  follows_id: string | null;
  replaces_id: string | null;
  note: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface SubscriptionEventTable {
  id: string;
  subscription_id: string;
  from_status: string | null;
  to_status: string;
  effective_date: string;
  reason: string;
  created_at: string;
}

export interface UsageRecordTable {
  id: string;
  subscription_id: string;
  attribute_code: string;
  used_on: string;
  quantity: string;
  /** 'api' | 'csv' | 'staff' */
  source: string;
  external_ref: string | null;
  created_at: string;
}

export interface RecurringChargeTable {
  id: string;
  contact_id: string;
  payer_id: string;
  description: string;
  amount_minor: number | string | bigint;
  currency: string;
  /** 'month' | 'quarter' | 'year' */
  frequency: string;
  start_date: string;
  anchor_day: number;
  end_date: string | null;
  gl_account: string | null;
  vat_rate: string;
  cursor: string | null;
  next_due: string | null;
  archived: number;
  created_at: string;
  updated_at: string;
}

export interface QueuedChargeTable {
  id: string;
  contact_id: string;
  payer_id: string;
  subscription_id: string | null;
  description: string;
  quantity: string;
  unit_price_minor: number | string | bigint;
  currency: string;
  gl_account: string | null;
  vat_rate: string;
  charge_date: string;
  source: string;
  invoice_id: string | null;
  cancelled: number;
  created_at: string;
}

export interface BillingRunTable {
  id: string;
  /** 'daily' | 'cycle' */
  kind: string;
  as_of: string;
  /** 'running' | 'done' | 'failed' */
  status: string;
  started_by: string;
  started_at: string;
  finished_at: string | null;
  progress_done: number;
  progress_total: number;
  invoices: number;
  lines: number;
  total_minor: number | string | bigint;
  summary: string | null;
  error: string | null;
}

export interface BillingCycleTable {
  id: string;
  period_start: string;
  period_end: string;
  run_id: string | null;
  opened_by: string;
  created_at: string;
}

export interface InvoiceTable {
  id: string;
  /** 'invoice' | 'credit_note' */
  kind: string;
  /** 'draft' | 'issued' | 'paid' | 'void' */
  status: string;
  number: number | string | bigint | null;
  payer_id: string;
  payer_name: string | null;
  /** JSON array of address lines, frozen at issue. */
  payer_address: string | null;
  payer_email: string | null;
  payer_member_number: number | string | bigint | null;
  /** 'email' | 'print' */
  delivery: string;
  currency: string;
  issue_date: string | null;
  due_date: string | null;
  net_minor: number | string | bigint;
  vat_minor: number | string | bigint;
  total_minor: number | string | bigint;
  paid_minor: number | string | bigint;
  payment_reference: string | null;
  credits_invoice_id: string | null;
  billing_run_id: string | null;
  /** 'run' | 'cycle' | 'manual' | 'credit' */
  origin: string;
  note: string | null;
  void_reason: string | null;
  created_by: string;
  version: number;
  created_at: string;
  updated_at: string;
  issued_at: string | null;
  voided_at: string | null;
  /** Migration 0007: how many times it was sent (first sending and each re-send). */
  sent_count: number;
  last_sent_at: string | null;
}

export interface InvoiceLineTable {
  id: string;
  invoice_id: string;
  position: number;
  charge_key: string | null;
  /** 'subscription' | 'usage' | 'recurring' | 'charge' | 'manual' | 'credit' */
  source: string;
  subscription_id: string | null;
  item_type: string | null;
  item_id: string | null;
  description: string;
  quantity: string;
  unit_price_minor: number | string | bigint;
  net_minor: number | string | bigint;
  vat_rate: string;
  vat_minor: number | string | bigint;
  period_start: string | null;
  period_end: string | null;
  gl_account: string;
  credits_line_id: string | null;
}

/** Migration 0007: the chart of accounts. */
export interface GlAccountTable {
  code: string;
  name: string;
  /** 'asset' | 'liability' | 'equity' | 'income' | 'expense' */
  type: string;
  description: string;
  archived: number;
  created_at: string;
  updated_at: string;
}

/** Append-only, hash-chained postings. */
export interface LedgerEntryTable {
  id: string;
  seq: number | string | bigint;
  entry_date: string;
  kind: string;
  description: string;
  contact_id: string | null;
  invoice_id: string | null;
  payment_id: string | null;
  source_key: string | null;
  journal_id: string | null;
  prev_hash: string;
  hash: string;
  created_by: string;
  created_at: string;
}

export interface LedgerLineTable {
  id: string;
  entry_id: string;
  line_no: number;
  entry_date: string;
  account_code: string;
  contact_id: string | null;
  invoice_id: string | null;
  debit_minor: number | string | bigint;
  credit_minor: number | string | bigint;
}

/** Σ debit, Σ credit and the number of lines per account and day (migration 0016), kept by postEntries. */
export interface LedgerDayTotalTable {
  account_code: string;
  entry_date: string;
  debit_minor: number | string | bigint;
  credit_minor: number | string | bigint;
  lines: number | string;
}

export interface JournalTable {
  id: string;
  seq: number;
  up_to: string;
  first_seq: number | string | bigint | null;
  last_seq: number | string | bigint | null;
  entry_count: number;
  debit_minor: number | string | bigint;
  credit_minor: number | string | bigint;
  /** JSON: totals by entry kind and by account. */
  summary: string;
  prev_hash: string;
  hash: string;
  closed_by: string;
  closed_at: string;
}

export interface LedgerHoldingTable {
  invoice_id: string;
  queued_at: string;
  imported_at: string | null;
  entry_id: string | null;
  exported_at: string | null;
}

export interface LedgerCheckTable {
  id: string;
  /** running, done or failed (the check itself could not run; findings are a done check with ok 0). */
  status: string;
  started_by: string;
  started_at: string;
  finished_at: string | null;
  progress_permille: number;
  /** What it is doing now (while running). */
  step: string | null;
  /** The last entry when the check started: later entries are not covered. */
  head_seq: number | string | null;
  ok: number | null;
  /** JSON: { verification, violations }. */
  result: string | null;
  error: string | null;
}

export interface PaymentTable {
  id: string;
  /** 'receipt' | 'refund' */
  kind: string;
  number: number | string | bigint | null;
  contact_id: string;
  received_on: string;
  amount_minor: number | string | bigint;
  currency: string;
  method: string;
  reference: string | null;
  note: string | null;
  /** 'recorded' | 'reversed' */
  status: string;
  reversed_on: string | null;
  reversal_reason: string | null;
  external_id: string | null;
  created_by: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface PaymentAllocationTable {
  id: string;
  invoice_id: string;
  payment_id: string | null;
  /** 'payment' | 'credit' | 'writeoff' | 'reversal' */
  kind: string;
  amount_minor: number | string | bigint;
  entry_id: string | null;
  created_by: string;
  created_at: string;
}

export interface DocumentTemplateTable {
  kind: string;
  content: string;
  version: number;
  updated_by: string | null;
  updated_at: string;
}

export interface MailTemplateTable {
  key: string;
  language: string;
  subject: string;
  body: string;
  version: number;
  updated_by: string | null;
  updated_at: string;
}

export interface PrintBatchTable {
  id: string;
  file: string;
  document_count: number;
  page_count: number;
  created_by: string;
  created_at: string;
}

export interface InvoiceDeliveryTable {
  id: string;
  invoice_id: string;
  sending: number;
  /** 'email' | 'print' */
  channel: string;
  recipient: string | null;
  /** 'queued' | 'sent' | 'stored' | 'failed' | 'waiting_print' | 'printed' */
  status: string;
  mail_message_id: string | null;
  print_batch_id: string | null;
  error: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface DB {
  staff_user: StaffUserTable;
  access_group: AccessGroupTable;
  staff_group_member: StaffGroupMemberTable;
  staff_session: StaffSessionTable;
  login_throttle: LoginThrottleTable;
  one_time_token: OneTimeTokenTable;
  api_key: ApiKeyTable;
  setting: SettingTable;
  audit_log: AuditLogTable;
  idempotency_key: IdempotencyKeyTable;
  job: JobTable;
  scheduled_task: ScheduledTaskTable;
  mail_message: MailMessageTable;
  number_sequence: NumberSequenceTable;
  household: HouseholdTable;
  contact: ContactTable;
  organization_contact: OrganizationContactTable;
  custom_field: CustomFieldTable;
  contact_field_value: ContactFieldValueTable;
  consent: ConsentTable;
  contact_tag: ContactTagTable;
  saved_view: SavedViewTable;
  contact_import: ContactImportTable;
  contact_import_batch: ContactImportBatchTable;
  membership_type: MembershipTypeTable;
  product: ProductTable;
  catalog_price: CatalogPriceTable;
  campaign_code: CampaignCodeTable;
  account_type: AccountTypeTable;
  account_attribute: AccountAttributeTable;
  subscription: SubscriptionTable;
  subscription_event: SubscriptionEventTable;
  usage_record: UsageRecordTable;
  recurring_charge: RecurringChargeTable;
  queued_charge: QueuedChargeTable;
  billing_run: BillingRunTable;
  billing_cycle: BillingCycleTable;
  invoice: InvoiceTable;
  invoice_line: InvoiceLineTable;
  gl_account: GlAccountTable;
  ledger_entry: LedgerEntryTable;
  ledger_line: LedgerLineTable;
  ledger_day_total: LedgerDayTotalTable;
  journal: JournalTable;
  ledger_holding: LedgerHoldingTable;
  ledger_check: LedgerCheckTable;
  payment: PaymentTable;
  payment_allocation: PaymentAllocationTable;
  document_template: DocumentTemplateTable;
  mail_template: MailTemplateTable;
  print_batch: PrintBatchTable;
  invoice_delivery: InvoiceDeliveryTable;
}
