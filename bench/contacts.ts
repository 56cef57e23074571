/**
 * The member registry at size: load N contacts, against a floor of the same rows inserted into a
 * bare table; then time accent-insensitive searches through the real list code (median and p95).
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../src/db/schema.ts';
import { buildSearchText, displayNameOf, sortNameOf } from '../src/modules/contacts/index.ts';
import { CONTACT_COUNT_CAP, listContacts, resolveContactFilter } from '../src/modules/contacts/list-contacts.ts';
import { percentile, prng, time, type BenchDatabase, type BenchRow } from './lib.ts';

const FIRST = ['Kari', 'Ola', 'Bjørn', 'Åse', 'Ærlend', 'José', 'Zoë', 'Ingrid', 'Håkon', 'Sølvi', 'Nils', 'Siri', 'Émile', 'Marta', 'Jonas', 'Liv', 'Øystein', 'Ana', 'Per', 'Tove', 'Mohammed', 'Fatima', 'Lars', 'Eirik', 'Astrid', 'Sigrid', 'Kristoffer', 'Ida', 'Jørgen', 'Amalie'];
const LAST = ['Nordmann', 'Ødegård', 'Hansen', 'Johansen', 'Olsen', 'Larsen', 'Andersen', 'Pedersen', 'Nilsen', 'Kristiansen', 'Jensen', 'Karlsen', 'Johnsen', 'Pettersen', 'Eriksen', 'Berg', 'Haugen', 'Hagen', 'Bakken', 'Strøm', 'Lie', 'Dahl', 'Sæther', 'García', 'Müller', 'Åsheim', 'Lindqvist', 'Ørnes', 'Brække', 'Nguyen'];
const PLACES = [['0182', 'Oslo'], ['5003', 'Bergen'], ['7010', 'Trondheim'], ['9008', 'Tromsø'], ['4006', 'Stavanger'], ['8006', 'Bodø']] as const;
// Surnames are made unique enough to be searched for: a base name plus a syllable pair.
const SYLL = ['ka', 'ro', 'vi', 'ne', 'to', 'la', 'mi', 'su', 'de', 'fa', 'gu', 'hi', 'jo', 'be', 'ry', 'sø', 'æl', 'ån'];

/** Contact number i, the same every run. */
export const contactAt = (i: number) => {
  const r = prng(i * 7919 + 17);
  const person = !r.chance(0.03);
  const first = r.pick(FIRST);
  const last = `${r.pick(LAST)}${r.chance(0.5) ? '-' + r.pick(SYLL) + r.pick(SYLL) + 'heim' : ''}`;
  const [postcode, place] = r.pick(PLACES);
  const memberNumber = 100_000 + i;
  const email = r.chance(0.85) ? `${sortNameOf(first).replace(/\W/g, '')}.${sortNameOf(last).replace(/\W/g, '')}${i}@example.org` : null;
  const phone = r.chance(0.8) ? `9${String(r.int(1_000_000, 9_999_999))}` : null;
  const fields = person
    ? { kind: 'person' as const, firstNames: first, lastName: last, orgName: null }
    : { kind: 'organization' as const, firstNames: null, lastName: null, orgName: `${last} ${r.pick(['AS', 'Sameie', 'Borettslag', 'Idrettslag'])}` };
  const displayName = displayNameOf(fields);
  return {
    memberNumber,
    first,
    last,
    phone,
    email,
    row: {
      id: `bench${String(i).padStart(10, '0')}`,
      kind: fields.kind,
      member_number: memberNumber,
      status: 'active',
      first_names: fields.firstNames,
      last_name: fields.lastName,
      org_name: fields.orgName,
      display_name: displayName,
      sort_name: sortNameOf(displayName),
      address_lines: `Storgata ${r.int(1, 200)}`,
      postcode,
      place,
      country: 'NO',
      phone_mobile: phone,
      email,
      invoice_delivery: r.chance(0.9) ? 'email' : 'print',
      pseudo_email: 0,
      search_text: buildSearchText({ ...fields, email, phoneHome: null, phoneWork: null, phoneMobile: phone }, memberNumber),
      version: 1,
      created_at: new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString(),
      updated_at: new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString(),
    },
  };
};

const BATCH = 500;

const insertAll = async (db: Kysely<DB>, table: string, size: number, onProgress: (done: number) => void) => {
  for (let start = 0; start < size; start += BATCH * 10) {
    // Ten batches per transaction: what an import or a bulk load would do.
    await db.transaction().execute(async (tx) => {
      for (let b = start; b < Math.min(size, start + BATCH * 10); b += BATCH) {
        const rows = [];
        for (let i = b; i < Math.min(size, b + BATCH); i++) rows.push(contactAt(i).row);
        await tx.insertInto(table as 'contact').values(rows as never).execute();
      }
    });
    onProgress(Math.min(size, start + BATCH * 10));
  }
};

const progress = (label: string, size: number) => (done: number) => {
  if (process.stderr.isTTY) process.stderr.write(`\r  ${label}: ${done.toLocaleString('en')} / ${size.toLocaleString('en')}`);
  if (done === size && process.stderr.isTTY) process.stderr.write('\n');
};

export const benchContacts = async (bdb: BenchDatabase, size: number, opts: { queries: number }): Promise<BenchRow[]> => {
  const { db, kind } = bdb;
  const database = bdb.version;
  const rows: BenchRow[] = [];

  // Floor: the same rows into a table with the same columns and no index, trigger or constraint.
  if (kind === 'postgres') await sql`create table bench_floor (like contact)`.execute(db);
  else await sql`create table bench_floor as select * from contact where 0`.execute(db);
  const floor = await time(() => insertAll(db, 'bench_floor', size, progress('floor', size)));
  await sql`drop table bench_floor`.execute(db);

  const load = await time(() => insertAll(db, 'contact', size, progress('contacts', size)));
  if (kind === 'postgres') await sql`analyze contact`.execute(db);
  else await sql`analyze`.execute(db);
  rows.push({
    benchmark: 'contacts load',
    database,
    size,
    figure: 'rows per second',
    value: (size / load.ms) * 1000,
    unit: 'rows/s',
    floor: (size / floor.ms) * 1000,
    ratio: load.ms / floor.ms,
    note: 'ratio = load time / floor time (same rows, bare table)',
  });

  // Searches people type: a surname without its accents, a first and last name, part of an
  // e-mail address, a member number, a phone number.
  const r = prng(4242);
  const queries: string[] = [];
  for (let k = 0; k < opts.queries; k++) {
    const c = contactAt(r.int(0, size - 1));
    const folded = (s: string) => sortNameOf(s).replace(/-/g, ' ');
    switch (k % 5) {
      case 0: queries.push(folded(c.last)); break;
      case 1: queries.push(`${folded(c.first)} ${folded(c.last)}`); break;
      case 2: queries.push(c.email ? c.email.slice(0, c.email.indexOf('@')) : folded(c.last)); break;
      case 3: queries.push(String(c.memberNumber)); break;
      default: queries.push(c.phone ?? folded(c.last));
    }
  }
  const sort = { column: 'displayName' as const, direction: 'asc' as const };
  const run = async (q: string) => listContacts(db, { filter: await resolveContactFilter(db, { q }), sort, limit: 25, offset: 0 });
  for (const q of queries.slice(0, 5)) await run(q); // warm the caches
  const ms: number[] = [];
  let found = 0;
  let capped = 0;
  for (const q of queries) {
    const t = await time(() => run(q));
    ms.push(t.ms);
    if (t.value.total > 0) found++;
    if (t.value.totalCapped) capped++;
  }
  // The searches behind the p95: what to look at first when it moves.
  const slowest = queries
    .map((q, i) => ({ q, ms: ms[i]! }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 3)
    .map((s) => `"${s.q}" ${s.ms.toFixed(0)} ms`)
    .join(', ');
  rows.push({ benchmark: 'contact search', database, size, figure: 'median', value: percentile(ms, 50), unit: 'ms' });
  rows.push({
    benchmark: 'contact search',
    database,
    size,
    figure: 'p95',
    value: percentile(ms, 95),
    unit: 'ms',
    note: `${queries.length} searches, ${found} with hits, ${capped} with more than ${CONTACT_COUNT_CAP.toLocaleString('en')} (counted to the cap); slowest: ${slowest}`,
  });

  // The plain list a volunteer opens first: page 1 of everyone, sorted by name.
  const list = await time(() => listContacts(db, { filter: { status: 'active' }, sort, limit: 50, offset: 0 }));
  rows.push({ benchmark: 'contact list page 1', database, size, figure: 'time', value: list.ms, unit: 'ms' });
  return rows;
};
