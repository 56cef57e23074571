import { Temporal } from 'temporal-polyfill';
import { CONSENT_KINDS, type ConsentKind } from './contact.ts';

/**
 * Pure rules of the CSV import: which registry field a column goes to (suggested from its header
 * in English or Norwegian), and how a cell's text becomes a value (dates, yes/no, tags).
 */

/** The contact fields a column can be mapped to (besides customFields.<key> and consents.<kind>). */
export const IMPORT_BASE_FIELDS = [
  { key: 'memberNumber', label: 'Member number' },
  { key: 'kind', label: 'Kind (person or organization)' },
  { key: 'salutation', label: 'Salutation' },
  { key: 'firstNames', label: 'First names' },
  { key: 'initial', label: 'Initial' },
  { key: 'lastName', label: 'Last name' },
  { key: 'fullName', label: 'Full name ("First Last" or "Last, First")' },
  { key: 'birthDate', label: 'Birth date' },
  { key: 'gender', label: 'Gender' },
  { key: 'orgName', label: 'Organization name' },
  { key: 'orgNumber', label: 'Organization number' },
  { key: 'vatNumber', label: 'VAT number' },
  { key: 'addressLine1', label: 'Address line 1' },
  { key: 'addressLine2', label: 'Address line 2' },
  { key: 'addressLine3', label: 'Address line 3' },
  { key: 'postcode', label: 'Postcode' },
  { key: 'place', label: 'Place' },
  { key: 'region', label: 'Region / county' },
  { key: 'country', label: 'Country' },
  { key: 'phoneHome', label: 'Phone (home)' },
  { key: 'phoneWork', label: 'Phone (work)' },
  { key: 'phoneMobile', label: 'Mobile phone' },
  { key: 'email', label: 'E-mail' },
  { key: 'invoiceDelivery', label: 'Invoice delivery (email or print)' },
  { key: 'language', label: 'Language (en or nb)' },
  { key: 'note', label: 'Note (staff only)' },
  { key: 'tags', label: 'Tags (separated by , or ;)' },
] as const;
export type ImportBaseField = (typeof IMPORT_BASE_FIELDS)[number]['key'];

export const CONSENT_LABELS: Record<ConsentKind, string> = {
  statutes: 'Consent: accepts the statutes',
  data_processing: 'Consent: processing of personal data',
  info_email: 'Consent: information by e-mail',
  info_sms: 'Consent: information by SMS',
};

export interface ImportCustomField {
  key: string;
  label: string;
  type: string;
}

export interface ImportField {
  key: string;
  label: string;
}

/** Every target a column may be mapped to, as the mapping step lists them. */
export const importFields = (customFields: readonly ImportCustomField[]): ImportField[] => [
  ...IMPORT_BASE_FIELDS.map((f) => ({ key: f.key, label: f.label })),
  ...customFields.map((f) => ({ key: `customFields.${f.key}`, label: f.label })),
  ...CONSENT_KINDS.map((k) => ({ key: `consents.${k}`, label: CONSENT_LABELS[k] })),
];

/** Header text → a comparable key: lowercase, accents and Norwegian letters folded, only letters and digits. */
export const headerKey = (header: string): string =>
  header
    .toLowerCase()
    .replaceAll('æ', 'ae')
    .replaceAll('ø', 'o')
    .replaceAll('å', 'a')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]/g, '');

// Header names seen in the wild (English, Norwegian, and the old Drupal field names of seed 003), folded by headerKey.
const SYNONYMS: Record<string, readonly string[]> = {
  memberNumber: ['membernumber', 'memberno', 'membernr', 'memberid', 'medlemsnummer', 'medlemsnr', 'medlnr', 'fieldmedlemsnummer', 'fieldregnumber', 'regnumber'],
  kind: ['kind', 'contacttype', 'kontakttype', 'persontype'],
  salutation: ['salutation', 'title', 'tittel', 'tiltale'],
  firstNames: ['firstnames', 'firstname', 'givenname', 'givennames', 'forename', 'fornavn', 'fieldfornavn', 'fieldfirstnames'],
  initial: ['initial', 'initials', 'middleinitial', 'initialer', 'forbokstav'],
  lastName: ['lastname', 'surname', 'familyname', 'etternavn', 'fieldetternavn', 'fieldlastname'],
  fullName: ['name', 'fullname', 'navn', 'fulltnavn', 'fulltnamn'],
  birthDate: ['birthdate', 'dateofbirth', 'dob', 'birthday', 'born', 'fodselsdato', 'fodt', 'fodselsdag', 'fieldfodselsdato', 'fieldbirthdate'],
  gender: ['gender', 'sex', 'kjonn', 'fieldkjonn', 'fieldgender'],
  orgName: ['orgname', 'organization', 'organisation', 'organizationname', 'organisationname', 'company', 'companyname', 'organisasjon', 'organisasjonsnavn', 'firma', 'firmanavn', 'bedrift'],
  orgNumber: ['orgnumber', 'orgno', 'orgnr', 'organizationnumber', 'organisationnumber', 'companynumber', 'organisasjonsnummer', 'organisasjonsnr'],
  vatNumber: ['vatnumber', 'vat', 'vatno', 'mvanummer', 'mvanr', 'mva'],
  addressLine1: ['address', 'address1', 'addressline1', 'street', 'streetaddress', 'adresse', 'adresse1', 'adresselinje1', 'gateadresse', 'postadresse', 'fieldgateadresse', 'fieldaddress1'],
  addressLine2: ['address2', 'addressline2', 'adresse2', 'adresselinje2', 'adressetillegg', 'co', 'fieldadressetillegg', 'fieldaddress2'],
  addressLine3: ['address3', 'addressline3', 'adresse3', 'adresselinje3'],
  postcode: ['postcode', 'postalcode', 'zip', 'zipcode', 'postnummer', 'postnr', 'fieldpostnummer', 'fieldpostcode'],
  place: ['place', 'city', 'town', 'poststed', 'sted', 'by', 'fieldpoststed', 'fieldplace'],
  region: ['region', 'county', 'province', 'state', 'fylke'],
  country: ['country', 'countrycode', 'land', 'landkode', 'fieldland', 'fieldcountry'],
  phoneHome: ['phone', 'phonehome', 'homephone', 'telephone', 'tel', 'telefon', 'tlf', 'hjemmetelefon', 'telefonprivat', 'privattelefon'],
  phoneWork: ['phonework', 'workphone', 'officephone', 'jobbtelefon', 'arbeidstelefon', 'telefonarbeid', 'fieldworkphone'],
  phoneMobile: ['mobile', 'mobilephone', 'phonemobile', 'cell', 'cellphone', 'mobil', 'mobilnummer', 'mobilnr', 'mobiltelefon', 'fieldmobil', 'fieldmobile'],
  email: ['email', 'emailaddress', 'mail', 'epost', 'epostadresse', 'mailadresse'],
  invoiceDelivery: ['invoicedelivery', 'delivery', 'fakturalevering', 'fakturering', 'leveringsmate'],
  language: ['language', 'lang', 'sprak', 'malform'],
  note: ['note', 'notes', 'comment', 'comments', 'notat', 'merknad', 'kommentar', 'anneninfo', 'anneninformasjon', 'fieldanneninfo', 'fieldauxinfo'],
  tags: ['tags', 'tag', 'stikkord', 'tagger', 'etiketter', 'emneknagger'],
  'consents.statutes': ['statutes', 'acceptsstatutes', 'acceptedstatutes', 'vedtekter', 'akseptvedtekter', 'aksepterervedtekter', 'fieldakseptvedtekter', 'fieldaccstatutes'],
  'consents.data_processing': ['dataprocessing', 'gdpr', 'personaldata', 'consentgdpr', 'personvern', 'akseptgdpr', 'samtykke', 'samtykkegdpr', 'samtykkepersonopplysninger', 'fieldakseptgdpr', 'fieldaccgdpr'],
  'consents.info_email': ['infoemail', 'infomail', 'newsletter', 'emailconsent', 'informasjonperepost', 'infoepost', 'nyhetsbrev', 'fieldinfomail'],
  'consents.info_sms': ['infosms', 'sms', 'smsconsent', 'informasjonpersms', 'fieldinfosms'],
};

const BY_HEADER = new Map<string, string>();
for (const [field, names] of Object.entries(SYNONYMS)) for (const n of names) BY_HEADER.set(n, field);
// The field labels themselves (the CSV export writes them), so an exported file maps back by itself.
for (const f of IMPORT_BASE_FIELDS) if (!BY_HEADER.has(headerKey(f.label))) BY_HEADER.set(headerKey(f.label), f.key);
for (const k of CONSENT_KINDS) BY_HEADER.set(headerKey(CONSENT_LABELS[k]), `consents.${k}`);

/**
 * A suggested target for each column (null: not imported). Custom fields match by key or label;
 * each target is suggested for the first column that names it only.
 */
export const suggestMapping = (columns: readonly string[], customFields: readonly ImportCustomField[]): Record<string, string | null> => {
  const custom = new Map<string, string>();
  for (const f of customFields) {
    custom.set(headerKey(f.label), `customFields.${f.key}`);
    custom.set(headerKey(f.key), `customFields.${f.key}`);
  }
  const used = new Set<string>();
  const out: Record<string, string | null> = {};
  for (const column of columns) {
    const key = headerKey(column);
    const target = custom.get(key) ?? BY_HEADER.get(key) ?? null;
    out[column] = target && !used.has(target) ? target : null;
    if (target) used.add(target);
  }
  return out;
};

/** The targets a mapping may name; anything else is refused before the dry run. */
export const isImportTarget = (target: string, customFields: readonly ImportCustomField[]): boolean =>
  IMPORT_BASE_FIELDS.some((f) => f.key === target) ||
  CONSENT_KINDS.some((k) => target === `consents.${k}`) ||
  customFields.some((f) => target === `customFields.${f.key}`);

// ---- cell values

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (reason: string): Parsed<never> => ({ ok: false, reason });

const toIsoDate = (y: number, m: number, d: number): string | null => {
  try {
    return Temporal.PlainDate.from({ year: y, month: m, day: d }, { overflow: 'reject' }).toString();
  } catch {
    return null;
  }
};

/** Dates as Norwegians and spreadsheets write them: DD.MM.YYYY (also D.M.YYYY and DD/MM/YYYY) or YYYY-MM-DD. */
export const parseImportDate = (text: string): Parsed<string> => {
  const t = text.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  const iso = m ? toIsoDate(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
  if (iso) return ok(iso);
  m = /^(\d{1,2})[./](\d{1,2})[./](\d{4})$/.exec(t);
  const dmy = m ? toIsoDate(Number(m[3]), Number(m[2]), Number(m[1])) : undefined;
  if (dmy) return ok(dmy);
  return fail(`"${text}" is not a date; write it as DD.MM.YYYY or YYYY-MM-DD.`);
};

const YES = new Set(['ja', 'j', 'yes', 'y', 'true', 'sant', '1', 'x', 'ok']);
const NO = new Set(['nei', 'n', 'no', 'false', 'usant', '0', '-']);

/** ja/nei, yes/no, true/false, 1/0, x (a ticked box) → true/false. */
export const parseYesNo = (text: string): Parsed<boolean> => {
  const t = text.trim().toLowerCase();
  if (YES.has(t)) return ok(true);
  if (NO.has(t)) return ok(false);
  return fail(`"${text}" is not yes or no; write ja/nei, yes/no, true/false, 1/0 or x.`);
};

/** "styret, frivillig; 2024" → ['styret', 'frivillig', '2024'] (trimmed, without repeats). */
export const parseTags = (text: string): string[] => [...new Set(text.split(/[,;]/).map((t) => t.trim()).filter(Boolean))];

/** "Ola Nordmann" → first "Ola", last "Nordmann"; "Nordmann, Ola" → the same. */
export const splitFullName = (text: string): { firstNames: string; lastName: string } => {
  const t = text.trim().replace(/\s+/g, ' ');
  const comma = t.indexOf(',');
  if (comma >= 0) return { lastName: t.slice(0, comma).trim(), firstNames: t.slice(comma + 1).trim() };
  const space = t.lastIndexOf(' ');
  return space < 0 ? { firstNames: '', lastName: t } : { firstNames: t.slice(0, space), lastName: t.slice(space + 1) };
};

/** "person"/"organization" in English or Norwegian. */
export const parseKind = (text: string): Parsed<'person' | 'organization'> => {
  const t = headerKey(text);
  if (['person', 'p', 'privat', 'private', 'individual'].includes(t)) return ok('person');
  if (['organization', 'organisation', 'org', 'organisasjon', 'o', 'company', 'firma', 'bedrift'].includes(t)) return ok('organization');
  return fail(`"${text}" is not a kind of contact; write person or organization.`);
};

/** A member number in a file: a whole positive number, perhaps with spaces ("10 045"). */
export const parseMemberNumber = (text: string): Parsed<number> => {
  const t = text.trim().replace(/[\s\u00a0]/g, '');
  if (!/^\d{1,15}$/.test(t) || Number(t) === 0) return fail(`"${text}" is not a member number (a whole number such as 1045).`);
  return ok(Number(t));
};

/** Lowercase ASCII slug of a name for made-up e-mail addresses: "Ødegård, Åse" → "ase-odegard". */
export const emailSlug = (parts: Array<string | null | undefined>): string => {
  const s = parts
    .filter(Boolean)
    .join(' ')
    .toLowerCase()
    .replaceAll('æ', 'ae')
    .replaceAll('ø', 'o')
    .replaceAll('å', 'a')
    .replaceAll('ß', 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return s || 'contact';
};
