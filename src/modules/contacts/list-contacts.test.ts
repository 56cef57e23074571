import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { systemActor } from '../audit/index.ts';
import { newId } from '../../kernel/ids.ts';
import { nameKey, SQLITE_KEY_CHARS, SQLITE_ROWID_BITS } from './name-key.ts';
import {
  createContact,
  createCustomField,
  createHousehold,
  deleteContact,
  eraseContact,
  filteredContacts,
  listContacts,
  resolveContactFilter,
  searchTerms,
  updateContact,
  type ContactSort,
  type RawContactFilter,
} from './index.ts';

/**
 * Search, filters, sort and paging, asserted as exact result lists: the same assertions run on
 * SQLite (FTS5 trigram table) and PostgreSQL (pg_trgm), so both must give the same rows.
 */
let ctx: TestContext;
const by = { actor: systemActor };
const ids: Record<string, string> = {};
const numbers: Record<string, number> = {};

before(async () => {
  ctx = await createTestContext();
  const people = {
    ase: { kind: 'person', firstNames: 'Åse', lastName: 'Ødegård', email: 'ase@example.no', phoneMobile: '+47 912 34 567', place: 'Oslo', tags: ['board', 'volunteer'] },
    alvarez: { kind: 'person', firstNames: 'José', lastName: 'Álvarez', email: 'jose.alvarez@example.com', place: 'Bergen', tags: ['volunteer'] },
    liv: { kind: 'person', firstNames: 'Liv', lastName: 'Ærø', phoneHome: '22 33 44 55', place: 'Ålesund' },
    ju: { kind: 'organization', orgName: 'Journalists United', email: 'post@journalists.example', tags: ['client'] },
    kari: { kind: 'person', firstNames: 'Kari', lastName: 'Nordmann', email: 'kari.nordmann@example.no', place: 'Trondheim' },
    ola: { kind: 'person', firstNames: 'Ola', lastName: 'Nordmann' },
    joseN: { kind: 'person', firstNames: 'José', lastName: 'Nordmann', email: 'jn@example.org', place: 'Oslo', tags: ['board'] },
    percent: { kind: 'person', firstNames: 'Fifty', lastName: 'Percent_Off' },
  } as const;
  for (const [key, input] of Object.entries(people)) {
    ctx.clock.advance(60_000);
    const c = await createContact(ctx, by, { ...input, tags: 'tags' in input ? [...input.tags] : [] });
    ids[key] = c.id;
    numbers[key] = c.memberNumber;
  }
});
after(async () => ctx.close());

const find = async (raw: RawContactFilter, sort: { column: ContactSort; direction: 'asc' | 'desc' } = { column: 'displayName', direction: 'asc' }, limit = 100, offset = 0) => {
  const filter = await resolveContactFilter(ctx.db, raw);
  return listContacts(ctx.db, { filter, sort, limit, offset });
};
const names = async (raw: RawContactFilter) => (await find(raw)).items.map((i) => i.displayName);

test('accent- and case-insensitive search: "odegard" finds Ødegård, "jose" finds José, "aeroe" finds Ærø', async () => {
  assert.deepEqual(await names({ q: 'odegard' }), ['Ødegård, Åse']);
  assert.deepEqual(await names({ q: 'ØDEGÅRD' }), ['Ødegård, Åse']);
  assert.deepEqual(await names({ q: 'oedegaard' }), ['Ødegård, Åse'], 'the oe/aa spelling works too');
  assert.deepEqual(await names({ q: 'jose' }), ['Álvarez, José', 'Nordmann, José']);
  assert.deepEqual(await names({ q: 'aeroe' }), ['Ærø, Liv']);
  assert.deepEqual(await names({ q: 'aero' }), ['Ærø, Liv']);
  assert.deepEqual(await names({ q: 'alvarez' }), ['Álvarez, José']);
});

test('search by phone (with or without spaces), member number, e-mail fragment and organization name', async () => {
  assert.deepEqual(await names({ q: '912 34 567' }), ['Ødegård, Åse']);
  assert.deepEqual(await names({ q: '+47 91234567' }), ['Ødegård, Åse']);
  assert.deepEqual(await names({ q: '22334455' }), ['Ærø, Liv']);
  assert.deepEqual(await names({ q: String(numbers.ju) }), ['Journalists United']);
  assert.deepEqual(await names({ q: 'nordmann@exa' }), ['Nordmann, Kari']);
  assert.deepEqual(await names({ q: 'journalists' }), ['Journalists United']);
  assert.deepEqual(await names({ q: 'United' }), ['Journalists United']);
});

test('several words must all match; short words and LIKE wildcards are searched literally', async () => {
  assert.deepEqual(await names({ q: 'jose nordmann' }), ['Nordmann, José']);
  assert.deepEqual(await names({ q: 'nordmann jose' }), ['Nordmann, José']);
  assert.deepEqual(await names({ q: 'nordmann' }), ['Nordmann, José', 'Nordmann, Kari', 'Nordmann, Ola']);
  assert.deepEqual(await names({ q: 'ol' }), ['Nordmann, Ola']);
  assert.deepEqual(await names({ q: 'nordmann zz' }), []);
  assert.deepEqual(await names({ q: 'r_e' }), [], '_ is not a wildcard (it would match "rce" in Percent)');
  assert.deepEqual(await names({ q: 'percent_off' }), ['Percent_Off, Fifty']);
  assert.deepEqual(await names({ q: '%' }), []);
});

test('the database search gives exactly what a plain scan of the search text gives, for short and long terms', async () => {
  const rows = await ctx.db.selectFrom('contact').select(['id', 'search_text']).execute();
  for (const q of ['o', 'no', 'nor', 'ase', 'a e', 'example', '.no', '@', 'nordmann ola', 'ærø', 'jn@', '1003', '34 5', 'x']) {
    const terms = searchTerms(q);
    const expected = rows.filter((r) => terms.every((t) => r.search_text.includes(t))).map((r) => r.id).sort();
    const filter = await resolveContactFilter(ctx.db, { q });
    const got = (await filteredContacts(ctx.db, filter).select('contact.id').execute()).map((r) => r.id).sort();
    assert.deepEqual(got, expected, `search "${q}"`);
    const listed = await listContacts(ctx.db, { filter, sort: { column: 'displayName', direction: 'asc' }, limit: 100, offset: 0 });
    assert.deepEqual(listed.items.map((i) => i.id).sort(), expected, `listed "${q}"`);
    assert.deepEqual([listed.total, listed.totalCapped], [expected.length, false], `count of "${q}"`);
  }
});

test('filters: kind, tags (all must match), has e-mail (made-up addresses count as none), status', async () => {
  assert.deepEqual(await names({ kind: 'organization' }), ['Journalists United']);
  assert.equal((await find({ kind: 'person' })).total, 7);
  assert.deepEqual(await names({ tag: 'volunteer' }), ['Álvarez, José', 'Ødegård, Åse']);
  assert.deepEqual(await names({ tag: 'board,volunteer' }), ['Ødegård, Åse']);
  assert.deepEqual(await names({ tag: 'board, client' }), []);
  assert.deepEqual(await names({ hasEmail: 'false' }), ['Ærø, Liv', 'Nordmann, Ola', 'Percent_Off, Fifty']);
  await createContact(ctx, by, { kind: 'person', lastName: 'Pseudo', email: 'm1234@import.invalid.example' }, { pseudoEmail: true }).then((c) => (ids.pseudo = c.id));
  assert.ok((await names({ hasEmail: 'false' })).includes('Pseudo'));
  assert.ok(!(await names({ hasEmail: true })).includes('Pseudo'));
  await ctx.db.updateTable('contact').set({ status: 'erased' }).where('id', '=', ids.pseudo!).execute();
  assert.ok(!(await names({})).includes('Pseudo'), 'erased contacts are not listed by default');
  assert.deepEqual(await names({ status: 'erased' }), ['Pseudo']);
});

test('filter on consent: the newest row per kind counts; no row means not granted', async () => {
  const consent = async (contact: string, granted: boolean, at: string) =>
    ctx.db
      .insertInto('consent')
      .values({ id: newId(), contact_id: ids[contact]!, kind: 'info_email', granted: granted ? 1 : 0, wording: 'I want e-mail', version: '1', source: 'staff', actor_name: null, at })
      .execute();
  await consent('kari', true, '2026-01-01T00:00:00.000Z');
  await consent('ola', true, '2026-01-01T00:00:00.000Z');
  await consent('ola', false, '2026-01-02T00:00:00.000Z'); // withdrawn later
  assert.deepEqual(await names({ consent: 'info_email:granted' }), ['Nordmann, Kari']);
  const notGranted = await names({ consent: 'info_email:not_granted' });
  assert.ok(notGranted.includes('Nordmann, Ola') && notGranted.includes('Ødegård, Åse') && !notGranted.includes('Nordmann, Kari'));
  await assert.rejects(resolveContactFilter(ctx.db, { consent: 'newsletter:yes' }), /consent must look like info_email:granted/);
});

test('filter on household role and on custom field values (numbers compare by value)', async () => {
  await createHousehold(ctx, by, { primaryId: ids.kari!, secondaryIds: [ids.ola!] });
  assert.deepEqual(await names({ householdRole: 'primary' }), ['Nordmann, Kari']);
  assert.deepEqual(await names({ householdRole: 'secondary' }), ['Nordmann, Ola']);
  assert.ok(!(await names({ householdRole: 'none' })).some((n) => n === 'Nordmann, Kari' || n === 'Nordmann, Ola'));

  await createCustomField(ctx, by, { key: 'section_number', label: 'Section number', type: 'number' });
  await createCustomField(ctx, by, { key: 'unit_address', label: 'Unit address', type: 'choice', options: ['Grønlandsleiret 61 A', 'Grønlandsleiret 61 B'] });
  await updateContact(ctx, by, ids.ase!, { customFields: { section_number: '12', unit_address: 'Grønlandsleiret 61 B' } });
  await updateContact(ctx, by, ids.liv!, { customFields: { section_number: 7, unit_address: 'Grønlandsleiret 61 B' } });
  assert.deepEqual(await names({ 'field.section_number': '12.0' }), ['Ødegård, Åse']);
  assert.deepEqual(await names({ 'field.unit_address': 'Grønlandsleiret 61 B' }), ['Ærø, Liv', 'Ødegård, Åse']);
  assert.deepEqual(await names({ 'field.unit_address': 'Grønlandsleiret 61 B', 'field.section_number': '7' }), ['Ærø, Liv']);
  await assert.rejects(resolveContactFilter(ctx.db, { 'field.section_number': 'abc' }), /Section number must be a number/);
  await assert.rejects(resolveContactFilter(ctx.db, { 'field.nope': '1' }), /There is no custom field "nope" to filter on\. Fields: section_number, unit_address\./);
  await assert.rejects(resolveContactFilter(ctx.db, { colour: 'red' }), /"colour" is not a contact filter/);
});

test('sorting is the same on both databases (accents folded: Ærø sorts as aero, Ødegård as odegard) and paging is stable through ties', async () => {
  for (let i = 0; i < 5; i++) await createContact(ctx, by, { kind: 'person', lastName: 'Berg', firstNames: 'Anne' });
  const all = (await find({}, { column: 'displayName', direction: 'asc' })).items.map((i) => i.displayName);
  assert.deepEqual(all.slice(0, 7), ['Ærø, Liv', 'Álvarez, José', 'Berg, Anne', 'Berg, Anne', 'Berg, Anne', 'Berg, Anne', 'Berg, Anne']);
  assert.deepEqual(all.slice(7), ['Journalists United', 'Nordmann, José', 'Nordmann, Kari', 'Nordmann, Ola', 'Ødegård, Åse', 'Percent_Off, Fifty']);

  for (const sort of [
    { column: 'displayName', direction: 'asc' },
    { column: 'displayName', direction: 'desc' },
    { column: 'memberNumber', direction: 'desc' },
    { column: 'createdAt', direction: 'asc' },
    { column: 'email', direction: 'asc' },
    { column: 'place', direction: 'desc' },
  ] as const) {
    const full = (await find({}, sort)).items.map((i) => i.id);
    const paged: string[] = [];
    for (let offset = 0; offset < full.length; offset += 3) paged.push(...(await find({}, sort, 3, offset)).items.map((i) => i.id));
    assert.deepEqual(paged, full, `pages of ${sort.column} ${sort.direction}`);
    assert.equal(new Set(paged).size, full.length);
  }
  const byEmail = (await find({}, { column: 'email', direction: 'asc' })).items.map((i) => i.email);
  assert.deepEqual(byEmail.slice(0, 6), ['ase@example.no', 'jn@example.org', 'jose.alvarez@example.com', 'kari.nordmann@example.no', 'post@journalists.example', null]);
  const byNumber = (await find({}, { column: 'memberNumber', direction: 'asc' })).items.map((i) => i.memberNumber);
  assert.deepEqual(byNumber, [...byNumber].sort((a, b) => a - b));
  const page = await find({ q: 'nordmann' }, { column: 'displayName', direction: 'asc' }, 2, 2);
  assert.equal(page.total, 3);
  assert.deepEqual(page.items.map((i) => i.displayName), ['Nordmann, Ola']);
  assert.deepEqual(page.items[0]!.householdRole, 'secondary');
});

test('counting stops at the cap: the total says "at least", and every page is still there in order', async () => {
  const sort = { column: 'displayName', direction: 'asc' } as const;
  type Sort = { column: ContactSort; direction: 'asc' | 'desc' };
  // The plain way: every match counted and sorted (the cap far above the matches).
  const reference = async (raw: RawContactFilter, s: Sort = sort) =>
    (await listContacts(ctx.db, { filter: await resolveContactFilter(ctx.db, raw), sort: s, limit: 100, offset: 0, countCap: 1000 })).items.map((i) => i.id);
  // Tunings that take the ways a large registry takes with these few contacts: nameWalk 4 looks at
  // only the first four contacts in name order for short words; onePass 1 makes a search on SQLite
  // find its page in name-key order, and groupRead 0 or 1000 then walks or sorts the last key's matches.
  for (const tuning of [{ nameWalk: 4 }, { nameWalk: 4, onePass: 1, groupRead: 0 }, { nameWalk: 4, onePass: 1, groupRead: 1000 }]) {
    const list = async (raw: RawContactFilter, countCap: number, limit = 100, offset = 0, s: Sort = sort) =>
      listContacts(ctx.db, { filter: await resolveContactFilter(ctx.db, raw), sort: s, limit, offset, countCap, ...tuning });
    const label = (raw: RawContactFilter, more = '') => `${JSON.stringify(raw)} ${JSON.stringify(tuning)}${more}`;

    // Searches (five Bergs at the start of the name order, José at its start and end, three Nordmanns
    // further on), a search with another filter, short words, and no search at all.
    for (const raw of [{ q: 'berg' }, { q: 'jose' }, { q: 'nordmann' }, { q: 'nordmann', kind: 'person' }, { q: 'an' }, { q: 'no' }, { q: 'example' }, {}] as RawContactFilter[]) {
      const full = await list(raw, 1000);
      assert.equal(full.totalCapped, false);
      assert.ok(full.total >= 2, label(raw));
      assert.deepEqual(full.items.map((i) => i.id), await reference(raw), label(raw, ': the same rows as counting and sorting every match'));
      const names = full.items.map((i) => i.displayName);

      const exact = await list(raw, full.total);
      assert.deepEqual([exact.total, exact.totalCapped], [full.total, false], 'a count that reaches the cap exactly is not capped');
      const capped = await list(raw, full.total - 1);
      assert.deepEqual([capped.total, capped.totalCapped], [full.total - 1, true], label(raw, ': capped'));
      assert.deepEqual(capped.items.map((i) => i.displayName), names, 'the rows do not depend on the cap');

      // Pages of three under a cap of one: the same rows in the same order, past the cap too.
      for (const s of [sort, { column: 'displayName', direction: 'desc' } as const]) {
        const all = await reference(raw, s);
        const paged: string[] = [];
        for (let offset = 0; offset < full.total; offset += 3) {
          const page = await list(raw, 1, 3, offset, s);
          assert.deepEqual([page.total, page.totalCapped], [1, true]);
          paged.push(...page.items.map((i) => i.id));
        }
        assert.deepEqual(paged, all, label(raw, `: paged under a cap, ${s.direction}`));
        assert.deepEqual((await list(raw, 1, 3, full.total, s)).items, [], 'past the last match: an empty page');
      }
      for (const other of [{ column: 'displayName', direction: 'desc' }, { column: 'memberNumber', direction: 'desc' }, { column: 'place', direction: 'asc' }] as const) {
        const under = await list(raw, 1, 100, 0, other);
        assert.deepEqual(under.items.map((i) => i.id), await reference(raw, other), label(raw, ` by ${other.column}`));
      }
      const byNumber = await list(raw, 1, 100, 0, { column: 'memberNumber', direction: 'asc' });
      assert.deepEqual(byNumber.items.map((i) => i.memberNumber), [...full.items.map((i) => i.memberNumber)].sort((a, b) => a - b));
    }
    const none = await list({ q: 'zzzz' }, 1);
    assert.deepEqual([none.items, none.total, none.totalCapped], [[], 0, false]);
  }
});

test('the search follows changes: a new name is found and the old one is not; erased and deleted contacts drop out', async () => {
  const names = async (q: string) => (await find({ q })).items.map((i) => i.displayName);
  const c = await createContact(ctx, by, { kind: 'person', firstNames: 'Gunnhild', lastName: 'Quist', email: 'gq@example.org' });
  assert.deepEqual(await names('quist'), ['Quist, Gunnhild']);
  await updateContact(ctx, by, c.id, { lastName: 'Zanussi' });
  assert.deepEqual(await names('quist'), []);
  assert.deepEqual(await names('zanussi gunnhild'), ['Zanussi, Gunnhild']);

  ctx.clock.advance(60_000);
  await eraseContact(ctx, by, c.id, { confirm: true, reason: 'Asked by the member' });
  assert.deepEqual(await names('zanussi'), [], 'erased: the name is gone');
  const erased = await find({ status: 'erased', q: String(c.memberNumber) });
  assert.deepEqual([erased.total, erased.items.map((i) => i.id)], [1, [c.id]], 'an erased contact is found by its member number among the erased');
  assert.equal((await find({ q: String(c.memberNumber) })).total, 0, 'and not among the active');

  const d = await createContact(ctx, by, { kind: 'person', firstNames: 'Dagny', lastName: 'Vestrheim' });
  assert.deepEqual(await names('vestrheim'), ['Vestrheim, Dagny']);
  await deleteContact(ctx, by, d.id);
  assert.deepEqual(await names('vestrheim'), []);
  if (ctx.dbKind === 'sqlite') await sql`insert into contact_search(contact_search) values ('integrity-check')`.execute(ctx.db);
});

test('the search index holds exactly the active contacts, in name-key order, through every kind of change', async () => {
  // Names whose keys use every kind of character: punctuation, digits, letters past "y", accents.
  const odd = [
    { kind: 'organization', orgName: "O'Brien & Sønner AS" },
    { kind: 'organization', orgName: '1st Choice Borettslag' },
    { kind: 'person', firstNames: 'Zuzana', lastName: 'Zyx-Åberg' },
    { kind: 'person', firstNames: 'Li', lastName: '李' },
    { kind: 'person', firstNames: 'Anne', lastName: 'Berg-Hansen' },
  ] as const;
  const made = [];
  for (const input of odd) made.push(await createContact(ctx, by, { ...input }));
  const check = async (when: string) => {
    const active = await ctx.db.selectFrom('contact').select(['id', 'sort_name', 'search_text']).where('status', '=', 'active').orderBy('id').execute();
    if (ctx.dbKind === 'sqlite') {
      const mask = 2 ** SQLITE_ROWID_BITS - 1;
      const rowids = new Map((await sql<{ id: string; r: number }>`select id, rowid as r from contact where status = 'active'`.execute(ctx.db)).rows.map((c) => [c.id, c.r]));
      const indexed = await sql<{ k: number; r: number; sort_name: string; id: string }>`
        select rowid >> ${SQLITE_ROWID_BITS} as k, rowid & ${mask} as r, sort_name, id from contact_search order by id`.execute(ctx.db);
      assert.deepEqual(
        indexed.rows.map((c) => ({ ...c })),
        active.map((c) => ({ k: nameKey(c.sort_name, SQLITE_KEY_CHARS), r: rowids.get(c.id), sort_name: c.sort_name, id: c.id })),
        `${when}: one FTS5 row per active contact, its rowid the name key above the contact's rowid`,
      );
      await sql`insert into contact_search(contact_search) values ('integrity-check')`.execute(ctx.db);
    } else {
      const indexed = await sql<{ id: string; sort_name: string; search_text: string; x: number; y: number }>`
        select id, sort_name, search_text, name_point[0] as x, name_point[1] as y from contact_search order by id collate "C"`.execute(ctx.db);
      const sorted = [...active].sort((a, b) => (a.id < b.id ? -1 : 1));
      assert.deepEqual(
        indexed.rows.map((c) => ({ ...c })),
        sorted.map((c) => ({ id: c.id, sort_name: c.sort_name, search_text: c.search_text, x: nameKey(c.sort_name, 10), y: nameKey(c.sort_name, 10) })),
        `${when}: one row per active contact, with its name key`,
      );
    }
    for (const c of active) {
      const found = await find({ q: c.search_text.split(' ')[0]! });
      assert.ok(found.totalCapped || found.items.some((i) => i.id === c.id), `${when}: ${c.sort_name} is found by its first word`);
    }
  };
  await check('created');
  await updateContact(ctx, by, made[2]!.id, { lastName: 'Aabø' });
  await updateContact(ctx, by, made[4]!.id, { email: 'anne@berg-hansen.example' });
  await updateContact(ctx, by, made[4]!.id, { place: 'Bodø' });
  await check('renamed, given an e-mail, moved');
  await ctx.db.updateTable('contact').set({ status: 'erased' }).where('id', '=', made[1]!.id).execute();
  await check('marked erased');
  await ctx.db.updateTable('contact').set({ status: 'active' }).where('id', '=', made[1]!.id).execute();
  await check('active again');
  ctx.clock.advance(60_000);
  await eraseContact(ctx, by, made[2]!.id, { confirm: true, reason: 'Asked by the member' });
  await deleteContact(ctx, by, made[3]!.id);
  await check('erased and deleted');
});
