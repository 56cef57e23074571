import { Temporal } from 'temporal-polyfill';
import type { Database } from '../../db/database.ts';
import { validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Actor } from '../audit/index.ts';
import { parseDay, type FieldProblem, type FieldValue } from './custom-field.ts';

/**
 * Contacts (persons and organizations): the shapes the API shows and the pure rules that check and
 * normalise what people type. No I/O here.
 */
export const CONTACT_KINDS = ['person', 'organization'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];
export const CONTACT_STATUSES = ['active', 'erased'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];
export const INVOICE_DELIVERIES = ['email', 'print'] as const;
export type InvoiceDelivery = (typeof INVOICE_DELIVERIES)[number];
export const CONTACT_LANGUAGES = ['en', 'nb'] as const;
export type ContactLanguage = (typeof CONTACT_LANGUAGES)[number];
export const HOUSEHOLD_ROLES = ['primary', 'secondary'] as const;
export type HouseholdRole = (typeof HOUSEHOLD_ROLES)[number];
export const CONSENT_KINDS = ['statutes', 'data_processing', 'info_email', 'info_sms'] as const;
export type ConsentKind = (typeof CONSENT_KINDS)[number];

/** What a caller sends to create a contact. Empty strings mean "not given" (or "clear" in a change). */
export interface ContactInput {
  kind: ContactKind;
  salutation?: string | null;
  firstNames?: string | null;
  initial?: string | null;
  lastName?: string | null;
  birthDate?: string | null;
  gender?: string | null;
  orgName?: string | null;
  orgNumber?: string | null;
  vatNumber?: string | null;
  addressLines?: string[] | null;
  postcode?: string | null;
  place?: string | null;
  region?: string | null;
  country?: string | null;
  phoneHome?: string | null;
  phoneWork?: string | null;
  phoneMobile?: string | null;
  email?: string | null;
  invoiceDelivery?: InvoiceDelivery | null;
  language?: ContactLanguage | null;
  note?: string | null;
  payerId?: string | null;
  tags?: string[] | null;
  customFields?: Record<string, unknown> | null;
}

/** A change: any subset of the input, plus the version the caller last read (stale → 409). */
export type ContactPatch = Partial<ContactInput> & { version?: number };

/** The checked, normalised personal fields of a contact (what the `contact` row holds). */
export interface ContactFields {
  kind: ContactKind;
  salutation: string | null;
  firstNames: string | null;
  initial: string | null;
  lastName: string | null;
  birthDate: string | null;
  gender: string | null;
  orgName: string | null;
  orgNumber: string | null;
  vatNumber: string | null;
  addressLines: string[];
  postcode: string | null;
  place: string | null;
  region: string | null;
  country: string | null;
  phoneHome: string | null;
  phoneWork: string | null;
  phoneMobile: string | null;
  email: string | null;
  invoiceDelivery: InvoiceDelivery;
  language: ContactLanguage | null;
  note: string | null;
}

export const ADDRESS_FIELDS = ['addressLines', 'postcode', 'place', 'region', 'country'] as const;
export type Address = Pick<ContactFields, (typeof ADDRESS_FIELDS)[number]>;

export interface ContactRef {
  id: string;
  displayName: string;
}

export interface ConsentState {
  granted: boolean;
  wording: string;
  version: string;
  at: string;
  source: string;
}

export interface Contact extends Omit<ContactFields, never> {
  id: string;
  memberNumber: number;
  status: ContactStatus;
  displayName: string;
  pseudoEmail: boolean;
  payer: ContactRef | null;
  payerFor: ContactRef[];
  household: { id: string; name: string; role: HouseholdRole; members: Array<ContactRef & { role: HouseholdRole }> } | null;
  tags: string[];
  customFields: Record<string, FieldValue>;
  consents: Record<ConsentKind, ConsentState | null>;
  organizationContacts: Array<{
    id: string;
    personId: string;
    displayName: string;
    email: string | null;
    role: string;
    status: string;
    invitedAt: string;
    confirmedAt: string | null;
  }>;
  organizations: Array<{ linkId: string; organizationId: string; displayName: string; role: string; status: string }>;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A row of the contacts list. */
export interface ContactSummary {
  id: string;
  kind: ContactKind;
  memberNumber: number;
  displayName: string;
  email: string | null;
  phoneMobile: string | null;
  place: string | null;
  tags: string[];
  householdRole: HouseholdRole | null;
  createdAt: string;
  updatedAt: string;
}

/** What contact use cases need. */
export interface ContactDeps {
  db: Database;
  clock: Clock;
}

/** Who makes a change (the audit actor) and the request it came with. */
export interface ChangedBy {
  actor: Actor;
  requestId?: string | null;
}

// ---- search text

// Letters NFKD does not take apart: Nordic and other letters folded by hand.
const FOLDS: Record<string, string> = { ø: 'o', æ: 'ae', å: 'a', ß: 'ss', đ: 'd', ð: 'd', ł: 'l', þ: 'th', œ: 'oe', ı: 'i', ŀ: 'l' };

/**
 * Lowercases and folds accents so "Ødegård" and "odegard", "José" and "jose", "Ærø" and "aero"
 * compare equal. Stored search text and search queries both pass through here.
 */
export const foldForSearch = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[øæåßđðłþœıŀ]/g, (c) => FOLDS[c] ?? c)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/\s+/g, ' ')
    .trim();

export const digitsOf = (text: string): string => text.replace(/\D/g, '');

// The other common way to write these letters without them: Ærø → aeroe, Müller → mueller.
const TRANSLITERATIONS: Record<string, string> = { ø: 'oe', å: 'aa', æ: 'ae', ä: 'ae', ö: 'oe', ü: 'ue' };

/** Words as written with ø→oe, å→aa, ä→ae, ö→oe, ü→ue, for those that differ from the plain folding. */
const transliteratedWords = (text: string, folded: string): string[] => {
  const alt = foldForSearch(text.toLowerCase().replace(/[øåæäöü]/g, (c) => TRANSLITERATIONS[c] ?? c));
  if (alt === folded) return [];
  const plain = new Set(folded.split(' '));
  return [...new Set(alt.split(' ').filter((w) => !plain.has(w)))];
};

/**
 * The text a contact is found by: names, organization name, e-mail (folded, plus the oe/aa spelling
 * of words with ø, å, ä, ö or ü, so "odegard", "oedegaard" and "aeroe" all find their names),
 * phone digits and the member number.
 */
export const buildSearchText = (
  c: Pick<ContactFields, 'firstNames' | 'lastName' | 'orgName' | 'email' | 'phoneHome' | 'phoneWork' | 'phoneMobile'>,
  memberNumber: number | string | null,
): string => {
  const names = [c.firstNames, c.lastName, c.orgName, c.email].filter(Boolean).join(' ');
  const folded = foldForSearch(names);
  return [
    folded,
    ...transliteratedWords(names, folded),
    ...[c.phoneHome, c.phoneWork, c.phoneMobile].map((p) => (p ? digitsOf(p) : '')),
    memberNumber === null ? '' : String(memberNumber),
  ]
    .filter(Boolean)
    .join(' ');
};

/**
 * Splits a search into terms that must all be found. A query that looks like a phone number
 * ("912 34 567", "+47 91234567") is one term of its digits, as phones are stored digits only.
 */
export const searchTerms = (q: string): string[] => {
  const trimmed = q.trim();
  if (/^[+\d][\d\s().-]*$/.test(trimmed) && digitsOf(trimmed).length >= 5 && /\s|[-().]/.test(trimmed)) return [digitsOf(trimmed)];
  return [...new Set(foldForSearch(trimmed).split(' ').filter(Boolean))];
};

/** How a contact is listed and sorted: "Last, First" for persons, the name for organizations. */
export const displayNameOf = (c: Pick<ContactFields, 'kind' | 'firstNames' | 'lastName' | 'orgName'>): string => {
  if (c.kind === 'organization') return c.orgName ?? '';
  if (c.lastName && c.firstNames) return `${c.lastName}, ${c.firstNames}`;
  return c.lastName ?? c.firstNames ?? '';
};

/** The key lists sort by, the same on both databases: the display name folded like search text. */
export const sortNameOf = (displayName: string): string => foldForSearch(displayName);

// ---- validation

/** ISO 3166-1 alpha-2 codes (and XK, Kosovo, which registries use too). */
export const COUNTRY_CODES = new Set(
  ('AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO ' +
    'CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN ' +
    'HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML ' +
    'MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA ' +
    'SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN ' +
    'VU WF WS XK YE YT ZA ZM ZW').split(' '),
);

// Common ways people write a country instead of its code.
const COUNTRY_ALIASES: Record<string, string> = {
  norge: 'NO', norway: 'NO', noreg: 'NO', sverige: 'SE', sweden: 'SE', danmark: 'DK', denmark: 'DK', finland: 'FI', suomi: 'FI',
  island: 'IS', iceland: 'IS', tyskland: 'DE', germany: 'DE', uk: 'GB', 'united kingdom': 'GB', storbritannia: 'GB', england: 'GB',
  usa: 'US', 'united states': 'US',
};

export const TAG_MAX = 50;
const NAME_MAX = 100;

export interface ValidateOptions {
  /** Today's date, to refuse birth dates in the future. */
  today?: Temporal.PlainDate | string;
}

export type ContactValidation =
  | { ok: true; value: ContactFields; tags: string[] | undefined; problems: [] }
  | { ok: false; problems: FieldProblem[] };

const clean = (v: string | null | undefined): string | null => {
  if (v === null || v === undefined) return null;
  const t = v.replace(/\s+/g, ' ').trim();
  return t === '' ? null : t;
};

const PHONE_FIELDS = { phoneHome: 'home phone', phoneWork: 'work phone', phoneMobile: 'mobile phone' } as const;

/** A plausible e-mail address: something@domain.tld, no spaces, at most 254 characters. */
export const isEmailAddress = (email: string): boolean =>
  email.length <= 254 && /^[^@\s"(),:;<>[\\\]]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$/i.test(email) && !email.includes('..');

/** Tags: trimmed, single spaces, no commas (the list filter separates tags with commas), no duplicates. */
export const normalizeTags = (tags: string[], problems: FieldProblem[], path = 'tags'): string[] => {
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.replace(/\s+/g, ' ').trim();
    if (!tag) continue;
    if (tag.includes(',')) problems.push({ path, message: `The tag "${tag}" contains a comma; use one tag per entry.` });
    else if (tag.length > TAG_MAX) problems.push({ path, message: `The tag "${tag.slice(0, 20)}…" is longer than ${TAG_MAX} characters.` });
    else if (!out.includes(tag)) out.push(tag);
  }
  return out;
};

/**
 * Checks and normalises a contact's personal fields. Returns every problem at once, each naming
 * the field (as in ContactInput) and saying how to fix it. Payer, household and custom fields
 * need the database and are checked by the use cases.
 */
export const validateContactInput = (input: ContactInput, opts: ValidateOptions = {}): ContactValidation => {
  const problems: FieldProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });

  const kind = input.kind;
  if (!CONTACT_KINDS.includes(kind)) {
    add('kind', `The kind must be person or organization; got "${String(kind)}".`);
    return { ok: false, problems };
  }
  const person = kind === 'person';

  const text = (path: keyof ContactInput, label: string, max: number): string | null => {
    const raw = input[path];
    if (raw !== null && raw !== undefined && typeof raw !== 'string') {
      add(path, `${label} must be text.`);
      return null;
    }
    const v = clean(raw);
    if (v && v.length > max) add(path, `${label} can be at most ${max} characters; this is ${v.length}.`);
    if (v && /[\u0000-\u001f\u007f]/.test(v)) add(path, `${label} contains control characters; retype it.`);
    return v;
  };

  const salutation = text('salutation', 'The salutation', 50);
  const firstNames = text('firstNames', 'First names', NAME_MAX);
  const initial = text('initial', 'The initial', 10);
  const lastName = text('lastName', 'The last name', NAME_MAX);
  const gender = text('gender', 'Gender', 50);
  const orgName = text('orgName', 'The organization name', 200);
  const orgNumber = text('orgNumber', 'The organization number', 30);
  const vatNumber = text('vatNumber', 'The VAT number', 30);
  const place = text('place', 'The place', NAME_MAX);
  const region = text('region', 'The region', NAME_MAX);

  if (person) {
    if (!lastName) add('lastName', 'A person needs a last name.');
    for (const [path, label] of [['orgName', 'organization name'], ['orgNumber', 'organization number'], ['vatNumber', 'VAT number']] as const) {
      if (clean(input[path])) add(path, `A person has no ${label}; create the organization as its own contact.`);
    }
  } else {
    if (!orgName) add('orgName', 'An organization needs a name.');
    for (const [path, label] of [['salutation', 'salutation'], ['firstNames', 'first names'], ['initial', 'initial'], ['lastName', 'last name'], ['birthDate', 'birth date'], ['gender', 'gender']] as const) {
      if (clean(input[path])) add(path, `An organization has no ${label}; add the person as a contact of the organization instead.`);
    }
  }
  if (orgNumber && !/^[\p{L}\d .-]+$/u.test(orgNumber)) add('orgNumber', 'The organization number can hold letters, digits, spaces, dots and dashes only.');
  if (vatNumber && !/^[\p{L}\d .-]+$/u.test(vatNumber)) add('vatNumber', 'The VAT number can hold letters, digits, spaces, dots and dashes only, like NO999999999MVA.');

  let birthDate: string | null = null;
  const rawBirth = clean(input.birthDate);
  if (rawBirth && person) {
    birthDate = parseDay(rawBirth);
    if (!birthDate) add('birthDate', `The birth date must be a real date written YYYY-MM-DD, like 1984-05-17; got "${rawBirth}".`);
    else if (birthDate < '1900-01-01') add('birthDate', `The birth date ${birthDate} is before 1900; check the year.`);
    else if (opts.today && birthDate > opts.today.toString()) add('birthDate', `The birth date ${birthDate} is in the future.`);
  }

  // Address
  const addressLines: string[] = [];
  if (input.addressLines !== null && input.addressLines !== undefined) {
    if (!Array.isArray(input.addressLines)) add('addressLines', 'The address must be a list of lines.');
    else {
      for (const raw of input.addressLines) {
        for (const part of String(raw ?? '').split(/\r?\n/)) {
          const line = clean(part);
          if (line) addressLines.push(line);
        }
      }
      if (addressLines.length > 4) add('addressLines', `An address has at most 4 lines besides postcode and place; this has ${addressLines.length}.`);
      const long = addressLines.find((l) => l.length > NAME_MAX);
      if (long) add('addressLines', `An address line can be at most ${NAME_MAX} characters: "${long.slice(0, 30)}…".`);
    }
  }

  let country: string | null = null;
  const rawCountry = clean(input.country);
  if (rawCountry) {
    const code = rawCountry.length === 2 ? rawCountry.toUpperCase() : COUNTRY_ALIASES[rawCountry.toLowerCase()];
    if (code && COUNTRY_CODES.has(code)) country = code;
    else add('country', `"${rawCountry}" is not a country code. Use the two-letter ISO code, like NO for Norway, SE for Sweden or GB for the United Kingdom.`);
  }

  let postcode = clean(input.postcode)?.toUpperCase() ?? null;
  if (postcode) {
    // Spreadsheets drop the leading zero of Oslo postcodes (0190 → 190).
    if (country === 'NO' && /^\d{3}$/.test(postcode)) postcode = `0${postcode}`;
    if (postcode.length > 10 || !/^[A-Z0-9][A-Z0-9 -]*$/.test(postcode)) add('postcode', `"${postcode}" is not a postcode: use letters, digits, spaces and dashes, at most 10 characters.`);
    else if (country === 'NO' && !/^\d{4}$/.test(postcode)) add('postcode', `A Norwegian postcode has 4 digits, like 0190; got "${postcode}".`);
  }

  // Phones: kept as written (spacing tidied); searched by their digits.
  const phones: Record<keyof typeof PHONE_FIELDS, string | null> = { phoneHome: null, phoneWork: null, phoneMobile: null };
  for (const [path, label] of Object.entries(PHONE_FIELDS) as Array<[keyof typeof PHONE_FIELDS, string]>) {
    const v = clean(input[path]);
    if (!v) continue;
    const digits = digitsOf(v);
    if (!/^\+?[\d\s().-]+$/.test(v) || digits.length < 5 || digits.length > 15) {
      add(path, `"${v}" is not a ${label} number. Use 5 to 15 digits with spaces and an optional leading +, like +47 912 34 567.`);
    } else phones[path] = v;
  }

  let email: string | null = null;
  const rawEmail = clean(input.email);
  if (rawEmail) {
    const e = rawEmail.toLowerCase();
    if (!isEmailAddress(e)) add('email', `"${rawEmail}" is not an e-mail address. Write it like name@example.org.`);
    else email = e;
  }

  let invoiceDelivery: InvoiceDelivery = rawEmail ? 'email' : 'print';
  if (input.invoiceDelivery !== null && input.invoiceDelivery !== undefined && (input.invoiceDelivery as string) !== '') {
    if (!INVOICE_DELIVERIES.includes(input.invoiceDelivery)) add('invoiceDelivery', 'Invoice delivery must be email or print.');
    else {
      invoiceDelivery = input.invoiceDelivery;
      if (invoiceDelivery === 'email' && !rawEmail) add('invoiceDelivery', 'Invoices cannot be sent by e-mail without an e-mail address: add one, or choose print.');
    }
  }

  let language: ContactLanguage | null = null;
  if (input.language) {
    if (!CONTACT_LANGUAGES.includes(input.language)) add('language', 'The language must be en (English) or nb (Norwegian bokmål).');
    else language = input.language;
  }

  const note = typeof input.note === 'string' ? input.note.replace(/\r\n/g, '\n').trim() || null : null;
  if (note && note.length > 10_000) add('note', `The note can be at most 10000 characters; this is ${note.length}.`);

  const tags = input.tags === null || input.tags === undefined ? undefined : normalizeTags(input.tags, problems);

  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    problems: [],
    tags,
    value: {
      kind,
      salutation: person ? salutation : null,
      firstNames: person ? firstNames : null,
      initial: person ? initial : null,
      lastName: person ? lastName : null,
      birthDate,
      gender: person ? gender : null,
      orgName: person ? null : orgName,
      orgNumber: person ? null : orgNumber,
      vatNumber: person ? null : vatNumber,
      addressLines,
      postcode,
      place,
      region,
      country,
      ...phones,
      email,
      invoiceDelivery,
      language,
      note,
    },
  };
};

/** Throws one validation error listing every problem (details.issues names each field). */
export const problemsError = (problems: FieldProblem[]) =>
  validation(problems.map((p) => p.message).join(' '), { issues: problems, field: problems[0]?.path });

/** validateContactInput that throws a 400 with every problem instead of returning them. */
export const assertValidContact = (input: ContactInput, opts: ValidateOptions = {}) => {
  const result = validateContactInput(input, opts);
  if (!result.ok) throw problemsError(result.problems);
  return result;
};

/** The fields of a stored contact, as an input a change can be laid over. */
export const inputOf = (c: ContactFields): ContactInput => ({ ...c });

export const sameAddress = (a: Address, b: Address): boolean =>
  ADDRESS_FIELDS.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));

export const addressOf = (c: Address): Address => ({
  addressLines: [...c.addressLines],
  postcode: c.postcode,
  place: c.place,
  region: c.region,
  country: c.country,
});
