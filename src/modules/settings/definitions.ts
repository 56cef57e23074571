import pkg from '../../../package.json' with { type: 'json' };
import type { SettingType, SettingValueOf } from './setting-types.ts';

export const SETTING_GROUPS = ['organization', 'system', 'ledger', 'general', 'billing'] as const;
export type SettingGroup = (typeof SETTING_GROUPS)[number];

export interface SettingDefinition<T extends SettingType = SettingType> {
  key: string;
  group: SettingGroup;
  type: T;
  label: string;
  description: string;
  default: SettingValueOf[T];
  /** Shown but never changed here (it comes from the code or the environment). */
  readOnly?: boolean;
  /** Empty text means "not set". */
  optional?: boolean;
  options?: readonly string[];
  min?: number;
  max?: number;
  /**
   * A G/L account whose per-contact balances the ledger checks, contact accounts and reports read
   * from this one account (A/R, customer credit): it changes only while no contact has a balance on it.
   */
  controlAccount?: boolean;
}

/** Keeps each entry's literal key and type, so `SettingValues` can give every key its value type. */
const define = <const D extends readonly SettingDefinition[]>(defs: D): D => defs;

/**
 * Every setting, in the order the settings page lists them. Only overrides are stored
 * (table `setting`); a key that was never changed has its default here.
 */
export const SETTING_DEFINITIONS = define([
  // Organization: who we are, as printed on invoices and shown in the apps.
  { key: 'organization.name', group: 'organization', type: 'string', label: 'Organization name', description: 'The name printed on invoices, e-mails and the login page.', default: 'My organization' },
  { key: 'organization.address', group: 'organization', type: 'text', label: 'Address', description: 'Postal address printed on invoices, one line per row.', default: '', optional: true },
  { key: 'organization.org_number', group: 'organization', type: 'string', label: 'Organization number', description: 'The registration number (in Norway: organisasjonsnummer), printed on invoices.', default: '', optional: true },
  { key: 'organization.vat_number', group: 'organization', type: 'string', label: 'VAT number', description: 'VAT registration number printed on invoices; leave empty if not VAT-registered.', default: '', optional: true },
  { key: 'organization.currency', group: 'organization', type: 'currency', label: 'Currency', description: 'ISO 4217 code of the currency prices and invoices are in, such as NOK.', default: 'NOK' },
  { key: 'organization.locale', group: 'organization', type: 'locale', label: 'Locale', description: 'How dates and amounts are written, such as nb-NO (1 234,50 kr) or en-GB.', default: 'nb-NO' },
  { key: 'organization.time_zone', group: 'organization', type: 'time_zone', label: 'Time zone', description: 'The IANA time zone that decides what "today" is and when scheduled tasks run, such as Europe/Oslo.', default: 'Europe/Oslo' },
  { key: 'organization.billing_email', group: 'organization', type: 'email', label: 'Billing e-mail', description: 'Where members send questions about invoices; used as the reply-to address of invoice e-mails.', default: '', optional: true },
  { key: 'organization.bank_account', group: 'organization', type: 'string', label: 'Bank account', description: 'The account members pay to, printed on invoices and statements (such as 1234.56.78903, or an IBAN).', default: '', optional: true },
  { key: 'organization.logo', group: 'organization', type: 'image', label: 'Logo', description: 'A PNG, JPEG or SVG image of at most 512 KB, shown in the apps and on invoices.', default: null, optional: true },
  // System: how this installation runs.
  { key: 'system.public_name', group: 'system', type: 'string', label: 'Public name', description: 'Name shown in the browser title and the member portal, if different from the organization name.', default: '', optional: true },
  { key: 'system.default_language', group: 'system', type: 'list', label: 'Default language', description: 'Language of the apps for people who have not chosen one: en (English) or nb (Norwegian bokmål).', default: 'en', options: ['en', 'nb'] },
  { key: 'system.session_idle_minutes', group: 'system', type: 'integer', label: 'Session idle timeout (minutes)', description: 'Staff are signed out after this many minutes without activity. Set with the SESSION_IDLE_MINUTES environment variable.', default: 30, readOnly: true },
  { key: 'system.version', group: 'system', type: 'string', label: 'Version', description: 'The Guildhall version running.', default: pkg.version, readOnly: true },
  // G/L: which ledger accounts billing and payments post to.
  { key: 'ledger.misc_sales_account', group: 'ledger', type: 'gl_account', label: 'Miscellaneous sales account', description: 'G/L account for sales that have no account of their own.', default: '30000-0000' },
  { key: 'ledger.ar_account', group: 'ledger', type: 'gl_account', label: 'Accounts receivable account', description: 'G/L account holding what members owe. It can be changed only while no contact has a balance on it.', default: '15000-0000', controlAccount: true },
  { key: 'ledger.bank_account', group: 'ledger', type: 'gl_account', label: 'Bank account', description: 'G/L account that payments received are posted to.', default: '19200-0000' },
  { key: 'ledger.vat_account', group: 'ledger', type: 'gl_account', label: 'Output VAT account', description: 'G/L account for VAT charged on invoices.', default: '27000-0000' },
  { key: 'ledger.cash_account', group: 'ledger', type: 'gl_account', label: 'Cash account', description: 'G/L account that payments received in cash are posted to.', default: '19000-0000' },
  { key: 'ledger.credit_account', group: 'ledger', type: 'gl_account', label: 'Customer credit account', description: 'G/L account (a liability) holding what members have paid in advance or overpaid, until it is applied to an invoice or refunded. It can be changed only while no contact has a balance on it.', default: '29000-0000', controlAccount: true },
  { key: 'ledger.fee_account', group: 'ledger', type: 'gl_account', label: 'Fees account', description: 'G/L account for fees charged, such as the fee for a reversed payment.', default: '38000-0000' },
  { key: 'ledger.writeoff_account', group: 'ledger', type: 'gl_account', label: 'Write-off account', description: 'G/L account (an expense) that small unpaid remainders are written off to.', default: '78300-0000' },
  { key: 'ledger.invoice_posting', group: 'ledger', type: 'list', label: 'Invoice posting', description: 'immediate: issued invoices and credit notes are posted to the ledger at once. held: they wait in the holding step, where an external accounting system can take them, and the built-in ledger imports them every 10 minutes (or on demand).', default: 'immediate', options: ['immediate', 'held'] },
  // General: defaults and limits.
  { key: 'general.invoice_due_days', group: 'general', type: 'integer', label: 'Invoice due days', description: 'Days from the invoice date to the due date.', default: 14, min: 0, max: 365 },
  { key: 'general.collections_min', group: 'general', type: 'money', label: 'Collections minimum', description: 'Overdue balances below this amount (in the organization currency) are not sent to collections.', default: '100.00' },
  { key: 'general.vat_rate', group: 'general', type: 'decimal', label: 'VAT rate (%)', description: 'Standard VAT rate in percent, from 0 to 100, such as 25.', default: '25', min: 0, max: 100 },
  { key: 'contacts.first_member_number', group: 'general', type: 'integer', label: 'First member number', description: 'The member number the first contact gets; later contacts count up from it. Raising it makes the next contact start there; numbers are never reused.', default: 1001, min: 1, max: 999_999_999_999 },
  { key: 'general.report_email', group: 'general', type: 'email', label: 'Report e-mail', description: 'Where scheduled reports are sent; leave empty to send none.', default: '', optional: true },
  { key: 'contacts.pseudo_email_domain', group: 'general', type: 'string', label: 'Pseudo e-mail domain', description: 'Domain for made-up e-mail addresses an import gives contacts that have none, such as members.example.org (name.number@domain). Leave empty to import such contacts without e-mail.', default: '', optional: true },
  // Billing: invoice numbers and payment references (issue 4).
  { key: 'billing.first_invoice_number', group: 'billing', type: 'integer', label: 'First invoice number', description: 'The number the first invoice gets; invoices and credit notes count up from it in one series without gaps. Raising it makes the next invoice start there; numbers are never reused.', default: 10001, min: 1, max: 999_999_999_999 },
  { key: 'billing.payment_reference', group: 'billing', type: 'list', label: 'Payment reference', description: 'The reference printed on invoices for the payer to quote: kid_mod10 (KID with a Luhn check digit), kid_mod11 (KID with a modulus 11 check digit), rf (international creditor reference, ISO 11649) or none.', default: 'kid_mod10', options: ['kid_mod10', 'kid_mod11', 'rf', 'none'] },
  { key: 'billing.kid_length', group: 'billing', type: 'integer', label: 'KID length', description: 'Digits in a KID, check digit included (5–25): the invoice number padded with leading zeros, then the check digit. Agree it with your bank.', default: 10, min: 5, max: 25 },
  // Delivery (issue 5): invoices go out by each payer's preference, e-mail or print.
  { key: 'billing.send_after_run', group: 'billing', type: 'boolean', label: 'Send invoices after the billing run', description: 'Send each invoice the billing run issues right away, by e-mail or to the print queue as the payer prefers. Turn off to look them over first and send them from the invoice list.', default: true },
  // Payments (issue 6): reversed payments and write-offs.
  { key: 'payments.reversal_fee', group: 'billing', type: 'money', label: 'Returned payment fee', description: 'Fee charged to the payer when a payment is reversed (NSF, bounced cheque, charge-back), put on their next invoice. 0 charges no fee.', default: '0.00' },
  { key: 'payments.send_receipt', group: 'billing', type: 'boolean', label: 'E-mail receipts', description: 'When a payment is recorded, e-mail the payer a receipt (the "receipt" e-mail template).', default: true },
  { key: 'payments.writeoff_limit', group: 'billing', type: 'money', label: 'Write-off limit', description: 'The largest open remainder of an invoice that staff with ledger access may write off. 0 turns write-offs off.', default: '50.00' },
  // Consents (seed 003): the wording shown when a consent is given or withdrawn, and its version. Each consent stores both.
  { key: 'consent.statutes.wording', group: 'general', type: 'text', label: 'Consent wording: statutes', description: 'The text a member accepts: that they have read and accept the statutes.', default: "I have read and accept the organization's statutes." },
  { key: 'consent.statutes.version', group: 'general', type: 'string', label: 'Consent version: statutes', description: 'Change it when the statutes or the wording change, so each consent shows which version was accepted.', default: '1' },
  { key: 'consent.data_processing.wording', group: 'general', type: 'text', label: 'Consent wording: personal data', description: 'The text a member agrees to about the processing of their personal data.', default: 'I consent to the organization processing the personal data I have given. The purpose of the processing is to keep a register of members.' },
  { key: 'consent.data_processing.version', group: 'general', type: 'string', label: 'Consent version: personal data', description: 'Change it when the wording or the purpose changes.', default: '1' },
  { key: 'consent.info_email.wording', group: 'general', type: 'text', label: 'Consent wording: information by e-mail', description: 'The text a member ticks to receive information by e-mail.', default: 'I would like to receive information by e-mail.' },
  { key: 'consent.info_email.version', group: 'general', type: 'string', label: 'Consent version: information by e-mail', description: 'Change it when the wording changes.', default: '1' },
  { key: 'consent.info_sms.wording', group: 'general', type: 'text', label: 'Consent wording: information by SMS', description: 'The text a member ticks to receive information by SMS.', default: 'I would like to receive information by SMS.' },
  { key: 'consent.info_sms.version', group: 'general', type: 'string', label: 'Consent version: information by SMS', description: 'Change it when the wording changes.', default: '1' },
]);

type Definitions = (typeof SETTING_DEFINITIONS)[number];
export type SettingKey = Definitions['key'];
/** Every setting's value, typed by its key: `values['general.invoice_due_days']` is a number. */
export type SettingValues = { [D in Definitions as D['key']]: SettingValueOf[D['type']] };

const BY_KEY = new Map<string, SettingDefinition>(SETTING_DEFINITIONS.map((d) => [d.key, d]));

export const findDefinition = (key: string): SettingDefinition | undefined => BY_KEY.get(key);
export const isSettingKey = (key: string): key is SettingKey => BY_KEY.has(key);
