import type { Kysely } from 'kysely';
import { toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { csvLine, UTF8_BOM, type CsvCell } from '../../kernel/csv.ts';
import { CONSENT_KINDS, type ConsentKind } from './contact.ts';
import { loadCustomFields, loadTags } from './contact-store.ts';
import { CONSENT_LABELS } from './import-mapping.ts';
import { filteredContacts, type ContactFilter } from './list-contacts.ts';

/**
 * CSV export of a filtered contacts list (the list's own filter code picks the rows). Choices:
 * "," between cells (what spreadsheets expect of a .csv worldwide; the import reads "," and ";"),
 * UTF-8 with a byte order mark so Excel shows "æøå", CRLF line ends, and cells that a spreadsheet
 * would run as a formula (= + - @, tab, CR) prefixed with a single quote. The headers are the
 * import's field names, so an exported file imports back unchanged. Rows come in member number
 * order, read in chunks so a large register streams without being held in memory.
 */
const BASE_COLUMNS = [
  'Member number',
  'Kind',
  'Salutation',
  'First names',
  'Initial',
  'Last name',
  'Organization name',
  'Organization number',
  'VAT number',
  'Birth date',
  'Gender',
  'Address line 1',
  'Address line 2',
  'Address line 3',
  'Postcode',
  'Place',
  'Region',
  'Country',
  'Phone (home)',
  'Phone (work)',
  'Mobile phone',
  'E-mail',
  'Invoice delivery',
  'Language',
  'Note',
  'Tags',
] as const;
const TAIL_COLUMNS = ['Made-up e-mail', 'Household role', 'Payer member number', 'Status', 'Created'] as const;

const CHUNK = 1000;

/** The export, line by line (the first chunk starts with the BOM and the header). */
export async function* exportContactsCsv(db: Kysely<DB>, filter: ContactFilter): AsyncGenerator<string> {
  const fields = (await loadCustomFields(db)).filter((f) => !f.archived);
  yield UTF8_BOM + csvLine([...BASE_COLUMNS, ...fields.map((f) => f.label), ...CONSENT_KINDS.map((k) => CONSENT_LABELS[k]), ...TAIL_COLUMNS]);

  let after = -1;
  for (;;) {
    const rows = await filteredContacts(db, filter).selectAll('contact').where('contact.member_number', '>', after).orderBy('contact.member_number').limit(CHUNK).execute();
    if (rows.length === 0) return;
    after = toNumber(rows.at(-1)!.member_number);
    const ids = rows.map((r) => r.id);
    const tags = await loadTags(db, ids);
    const values = new Map<string, Map<string, string>>();
    for (const v of await db.selectFrom('contact_field_value').select(['contact_id', 'field_id', 'value']).where('contact_id', 'in', ids).execute()) {
      if (!values.has(v.contact_id)) values.set(v.contact_id, new Map());
      values.get(v.contact_id)!.set(v.field_id, v.value);
    }
    const consents = new Map<string, Partial<Record<ConsentKind, boolean>>>();
    const consentRows = await db.selectFrom('consent').select(['contact_id', 'kind', 'granted']).where('contact_id', 'in', ids).orderBy('at', 'desc').orderBy('id', 'desc').execute();
    for (const c of consentRows) {
      const m = consents.get(c.contact_id) ?? {};
      if (!(c.kind in m)) m[c.kind as ConsentKind] = Boolean(toNumber(c.granted));
      consents.set(c.contact_id, m);
    }
    const payerIds = [...new Set(rows.map((r) => r.payer_id).filter((p): p is string => Boolean(p)))];
    const payers = new Map(
      payerIds.length ? (await db.selectFrom('contact').select(['id', 'member_number']).where('id', 'in', payerIds).execute()).map((p) => [p.id, toNumber(p.member_number)]) : [],
    );

    let chunk = '';
    for (const r of rows) {
      const lines = r.address_lines ? r.address_lines.split('\n') : [];
      const yesNo = (v: boolean | undefined): CsvCell => (v === undefined ? '' : v ? 'yes' : 'no');
      const c = consents.get(r.id) ?? {};
      chunk += csvLine([
        toNumber(r.member_number),
        r.kind,
        r.salutation,
        r.first_names,
        r.initial,
        r.last_name,
        r.org_name,
        r.org_number,
        r.vat_number,
        r.birth_date,
        r.gender,
        lines[0],
        lines[1],
        lines.slice(2).join('\n'),
        r.postcode,
        r.place,
        r.region,
        r.country,
        r.phone_home,
        r.phone_work,
        r.phone_mobile,
        r.email,
        r.invoice_delivery,
        r.language,
        r.note,
        (tags.get(r.id) ?? []).join(', '),
        ...fields.map((f) => values.get(r.id)?.get(f.id)),
        ...CONSENT_KINDS.map((k) => yesNo(c[k])),
        toNumber(r.pseudo_email) ? 'yes' : 'no',
        r.household_role,
        r.payer_id ? payers.get(r.payer_id) : '',
        r.status,
        r.created_at,
      ]);
    }
    yield chunk;
  }
}

/** The whole export as one string (the CLI writing a file, tests). */
export const exportContactsCsvText = async (db: Kysely<DB>, filter: ContactFilter): Promise<string> => {
  let out = '';
  for await (const part of exportContactsCsv(db, filter)) out += part;
  return out;
};
