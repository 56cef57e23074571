import { restoreNeutralised, type CsvRecord } from '../../kernel/csv.ts';
import { CONSENT_KINDS, type ConsentKind, type ContactInput, type ContactKind, type ContactLanguage, type InvoiceDelivery } from './contact.ts';
import { headerKey, parseImportDate, parseKind, parseMemberNumber, parseTags, parseYesNo, splitFullName } from './import-mapping.ts';

/**
 * One CSV row read through the mapping: the contact fields it gives (only non-empty cells: an empty
 * cell never clears what a contact already has), its member number and e-mail for matching, its
 * consents and tags, and the problems found reading it. Pure.
 */
export interface RowPlan {
  line: number;
  /** Mapped contact fields that had a value. `kind` is set only when the row says or implies it. */
  fields: Omit<ContactInput, 'kind' | 'tags' | 'customFields' | 'payerId'>;
  kind: ContactKind | null;
  memberNumber: number | null;
  consents: Partial<Record<ConsentKind, boolean>>;
  tags: string[];
  customFields: Record<string, string>;
  problems: string[];
  /** The mapped cells, to tell an exact repeat of an earlier row from a conflicting one. */
  fingerprint: string;
}

export type ImportMapping = Record<string, string | null>;

const DELIVERY: Record<string, InvoiceDelivery> = {
  email: 'email', epost: 'email', mail: 'email', e: 'email',
  print: 'print', post: 'print', papir: 'print', paper: 'print', brev: 'print', letter: 'print', p: 'print',
};
const LANGUAGE: Record<string, ContactLanguage> = {
  en: 'en', english: 'en', engelsk: 'en',
  nb: 'nb', no: 'nb', nob: 'nb', norsk: 'nb', bokmal: 'nb', norwegian: 'nb', nn: 'nb',
};

/** Reads one record; null for a row with no value in any mapped column (blank lines from spreadsheets). */
export const planRow = (record: CsvRecord, columns: readonly string[], mapping: ImportMapping): RowPlan | null => {
  const cells = new Map<string, string>();
  columns.forEach((column, i) => {
    const target = mapping[column];
    if (!target) return;
    const raw = restoreNeutralised((record.fields[i] ?? '').trim()).trim();
    if (raw !== '') cells.set(target, raw);
  });
  if (cells.size === 0) return null;

  const problems: string[] = [];
  const fields: RowPlan['fields'] = {};
  const plan: RowPlan = {
    line: record.line,
    fields,
    kind: null,
    memberNumber: null,
    consents: {},
    tags: [],
    customFields: {},
    problems,
    // In column order: every row of a file is read through the same mapping, so equal rows give equal text.
    fingerprint: JSON.stringify([...cells]),
  };
  if (record.fields.length > columns.length && record.fields.slice(columns.length).some((f) => f.trim() !== '')) {
    problems.push(`The row has ${record.fields.length} cells but the header names ${columns.length} columns; check for a stray separator or an unquoted comma.`);
  }

  const addressLines: string[] = [];
  for (const [target, value] of cells) {
    switch (target) {
      case 'memberNumber': {
        const n = parseMemberNumber(value);
        if (n.ok) plan.memberNumber = n.value;
        else problems.push(n.reason);
        break;
      }
      case 'kind': {
        const k = parseKind(value);
        if (k.ok) plan.kind = k.value;
        else problems.push(k.reason);
        break;
      }
      case 'fullName':
        break; // below, after first and last names
      case 'birthDate': {
        const d = parseImportDate(value);
        if (d.ok) fields.birthDate = d.value;
        else problems.push(`Birth date: ${d.reason}`);
        break;
      }
      case 'addressLine1':
      case 'addressLine2':
      case 'addressLine3':
        break; // below, in order
      case 'invoiceDelivery': {
        const d = DELIVERY[headerKey(value)];
        if (d) fields.invoiceDelivery = d;
        else problems.push(`Invoice delivery "${value}" is not email or print.`);
        break;
      }
      case 'language': {
        const l = LANGUAGE[headerKey(value)];
        if (l) fields.language = l;
        else problems.push(`Language "${value}" is not en (English) or nb (Norwegian).`);
        break;
      }
      case 'tags':
        plan.tags = parseTags(value);
        break;
      default:
        if (target.startsWith('customFields.')) plan.customFields[target.slice('customFields.'.length)] = value;
        else if (target.startsWith('consents.')) {
          const kind = target.slice('consents.'.length) as ConsentKind;
          const yes = parseYesNo(value);
          if (!CONSENT_KINDS.includes(kind)) problems.push(`Unknown consent ${kind}.`);
          else if (yes.ok) plan.consents[kind] = yes.value;
          else problems.push(`Consent ${kind.replace('_', ' ')}: ${yes.reason}`);
        } else (fields as Record<string, string>)[target] = value;
    }
  }
  for (const key of ['addressLine1', 'addressLine2', 'addressLine3']) {
    const v = cells.get(key);
    if (v) addressLines.push(...v.split(/\r?\n/).map((l) => l.trim()).filter(Boolean));
  }
  if (addressLines.length) fields.addressLines = addressLines;
  const full = cells.get('fullName');
  if (full) {
    const split = splitFullName(full);
    if (!fields.lastName) fields.lastName = split.lastName;
    if (!fields.firstNames && split.firstNames) fields.firstNames = split.firstNames;
  }
  if (fields.email) fields.email = fields.email.toLowerCase();
  // Without a kind column: a row with an organization name and no personal name is an organization.
  if (!plan.kind && (fields.orgName || fields.orgNumber) && !fields.lastName && !fields.firstNames) plan.kind = 'organization';
  return plan;
};

/** The input for a new contact from a row (the kind defaults to person). */
export const createInputOf = (plan: RowPlan): ContactInput => ({
  kind: plan.kind ?? 'person',
  ...plan.fields,
  ...(plan.tags.length ? { tags: plan.tags } : {}),
  ...(Object.keys(plan.customFields).length ? { customFields: plan.customFields } : {}),
});

export const MATCH_MODES = ['memberNumber', 'email', 'both'] as const;
export type MatchMode = (typeof MATCH_MODES)[number];

export interface ImportOptions {
  /** Import the rows without errors even when other rows have errors. */
  importValidRows: boolean;
  /** Rows without e-mail get `<name>.<member number>@<domain>`; defaults to the setting contacts.pseudo_email_domain. */
  pseudoEmailDomain?: string;
  matchOn: MatchMode;
}

export const DOMAIN_PATTERN = /^(?=.{4,200}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;
