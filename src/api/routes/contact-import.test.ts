import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestServer } from '../../../test/support/context.ts';
import { bearerWith } from '../../../test/support/auth.ts';
import { systemActor } from '../../modules/audit/index.ts';
import { createContact, getContact } from '../../modules/contacts/index.ts';
import { newId } from '../../kernel/ids.ts';

let t: Awaited<ReturnType<typeof createTestServer>>;
let headers: Record<string, string>;
const by = { actor: systemActor };

before(async () => {
  t = await createTestServer();
  headers = (await bearerWith(t.ctx)).headers;
  const now = t.ctx.clock.now().toISOString();
  // A housing co-op field (seed 003), to map a column to.
  await t.ctx.db
    .insertInto('custom_field')
    .values({ id: newId(), key: 'section_number', label: 'Seksjonsnummer', description: '', type: 'number', options: null, visibility: 'staff', applies_to: 'person', required: 0, position: 1, archived: 0, created_at: now, updated_at: now })
    .execute();
});
after(async () => t.close());

/** Windows-1252 bytes, as Excel on a Norwegian Windows saves "CSV (semikolonseparert)". */
const cp1252 = (text: string) => Buffer.from([...text].map((ch) => ({ Ø: 0xd8, ø: 0xf8, Æ: 0xc6, æ: 0xe6, Å: 0xc5, å: 0xe5, é: 0xe9 })[ch] ?? ch.charCodeAt(0)));

const upload = async (body: Buffer | string, filename = 'medlemmer.csv') => {
  const res = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/imports?filename=${encodeURIComponent(filename)}`, headers: { ...headers, 'content-type': 'text/csv' }, payload: body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
};

const dryRun = async (id: string, mapping: Record<string, string | null>, options: Record<string, unknown> = {}) => {
  const res = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/imports/${id}/dry-run`, headers, payload: { mapping, options } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
};

const run = async (id: string, mapping: Record<string, string | null>, options: Record<string, unknown> = {}) => {
  const res = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/imports/${id}/run`, headers, payload: { mapping, options } });
  assert.equal(res.statusCode, 202, res.body);
  assert.deepEqual(res.json(), { id, status: 'running' });
  return untilFinished(id);
};

/** Polls an import's status until it is no longer running. */
const untilFinished = async (id: string) => {
  const deadline = performance.now() + 180_000;
  while (performance.now() < deadline) {
    const s = await t.app.inject({ method: 'GET', url: `/api/v1/contacts/imports/${id}`, headers });
    assert.equal(s.statusCode, 200, s.body);
    const body = s.json();
    if (body.status !== 'running') return body;
    seenProgress.push(body.progress.processed);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the import did not finish');
};

/** The progress values seen while polling running imports. */
const seenProgress: number[] = [];

/** Runs `fn` while inserting a contact named `lastName` fails in the database (as a full disk or a broken constraint would). */
const withFailingInsert = async (lastName: string, fn: () => Promise<void>) => {
  if (t.ctx.dbKind === 'postgres') {
    await sql`create or replace function boom() returns trigger language plpgsql as $$ begin raise exception 'boom: disk full'; end $$`.execute(t.ctx.db);
    await sql`create trigger boom before insert on contact for each row when (new.last_name = ${sql.lit(lastName)}) execute function boom()`.execute(t.ctx.db);
  } else {
    await sql`create trigger boom before insert on contact when new.last_name = ${sql.lit(lastName)} begin select raise(abort, 'boom: disk full'); end`.execute(t.ctx.db);
  }
  try {
    await fn();
  } finally {
    await sql`drop trigger boom${t.ctx.dbKind === 'postgres' ? sql` on contact` : sql``}`.execute(t.ctx.db);
  }
};

const countContacts = async () => Number((await t.ctx.db.selectFrom('contact').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

const NORWEGIAN = cp1252(
  'Medlemsnummer;Etternavn;Fornavn;E-post;Mobil;Adresse;Postnummer;Poststed;Fødselsdato;Seksjonsnummer;Vedtekter;Stikkord;Ukjent\r\n' +
    '2001;Ødegård;Åse;ase@example.org;+47 912 34 567;"Grønlandsleiret 61 A";0190;Oslo;17.05.1984;12;ja;styret, frivillig;x\r\n' +
    '2002;Hansen;Kari;kari@example.org;;"Storgata 1\r\nLeil. H0101";0182;Oslo;1990-02-28;7;nei;;\r\n' +
    '2003;Bad;Date;bad@example.org;;;;;31.02.1980;;;;\r\n' +
    ';Nordmann;Ola;;;;;;;;x;;\r\n',
);

test('analyze: Windows-1252 with ";" is read right and the Norwegian headers get a suggested mapping', async () => {
  const a = await upload(NORWEGIAN);
  assert.equal(a.encoding, 'windows-1252');
  assert.equal(a.separator, ';');
  assert.equal(a.rowCount, 4);
  assert.equal(a.filename, 'medlemmer.csv');
  assert.equal(a.sample[0][1], 'Ødegård');
  assert.equal(a.sample[1][5], 'Storgata 1\r\nLeil. H0101', 'a quoted field keeps its line break');
  assert.deepEqual(a.suggestedMapping, {
    Medlemsnummer: 'memberNumber',
    Etternavn: 'lastName',
    Fornavn: 'firstNames',
    'E-post': 'email',
    Mobil: 'phoneMobile',
    Adresse: 'addressLine1',
    Postnummer: 'postcode',
    Poststed: 'place',
    Fødselsdato: 'birthDate',
    Seksjonsnummer: 'customFields.section_number',
    Vedtekter: 'consents.statutes',
    Stikkord: 'tags',
    Ukjent: null,
  });
  assert.ok(a.fields.some((f: { key: string }) => f.key === 'customFields.section_number'));
  assert.ok(a.fields.some((f: { key: string }) => f.key === 'consents.info_sms'));
  const stored = await t.ctx.db.selectFrom('contact_import').select(['status', 'file']).where('id', '=', a.id).executeTakeFirstOrThrow();
  assert.equal(stored.status, 'analyzed');
  assert.equal(Buffer.from(stored.file).length, NORWEGIAN.length, 'the uploaded bytes are kept for the run');
});

test('the dry run reports every row with its line and reason and keeps nothing; a file with errors imports nothing', async () => {
  const a = await upload(NORWEGIAN);
  const before = await countContacts();
  const report = await dryRun(a.id, a.suggestedMapping);
  assert.equal(report.dryRun, true);
  assert.equal(report.imported, false);
  assert.deepEqual(
    report.rows.map((r: { line: number; action: string }) => [r.line, r.action]),
    [
      [2, 'create'],
      [3, 'create'],
      [5, 'error'], // the address on line 3 spans two lines
      [6, 'create'],
    ],
  );
  assert.match(report.rows[2].reason, /"31\.02\.1980" is not a date/);
  assert.equal(report.rows[0].memberNumber, 2001);
  assert.deepEqual(report.counts, { created: 3, updated: 0, skipped: 0, errors: 1 });
  assert.equal(await countContacts(), before, 'the dry run kept nothing');

  const result = await run(a.id, a.suggestedMapping);
  assert.equal(result.status, 'failed');
  assert.match(result.message, /1 row\(s\) have errors, so nothing was imported/);
  assert.equal(result.report.rows.length, 4);
  assert.equal(await countContacts(), before, 'nothing was imported');
});

test('importValidRows imports the good rows: fields, custom values, consents, tags, kept member numbers', async () => {
  const a = await upload(NORWEGIAN);
  const result = await run(a.id, a.suggestedMapping, { importValidRows: true });
  assert.equal(result.status, 'done', JSON.stringify(result));
  assert.deepEqual(result.counts, { created: 3, updated: 0, skipped: 0, errors: 1 });
  assert.deepEqual(result.progress, { processed: 4, total: 4 });

  const ase = await getContact(t.ctx.db, result.report.rows[0].contactId);
  assert.equal(ase.memberNumber, 2001);
  assert.equal(ase.lastName, 'Ødegård');
  assert.equal(ase.firstNames, 'Åse');
  assert.equal(ase.birthDate, '1984-05-17');
  assert.equal(ase.phoneMobile, '+47 912 34 567');
  assert.equal(ase.postcode, '0190');
  assert.deepEqual(ase.tags, ['frivillig', 'styret']);
  assert.deepEqual(ase.customFields, { section_number: 12 });
  assert.equal(ase.consents.statutes?.granted, true);
  assert.equal(ase.consents.statutes?.source, 'import');
  assert.equal(ase.consents.statutes?.wording, "I have read and accept the organization's statutes.");
  const kari = await getContact(t.ctx.db, result.report.rows[1].contactId);
  assert.deepEqual(kari.addressLines, ['Storgata 1', 'Leil. H0101']);
  assert.equal(kari.consents.statutes?.granted, false);

  const ola = await getContact(t.ctx.db, result.report.rows[3].contactId);
  assert.equal(ola.memberNumber, 2003, 'a row without a member number takes the next free one (the row in error kept none)');

  const stored = await t.ctx.db.selectFrom('contact_import').select(['status', 'file', 'created_rows']).where('id', '=', a.id).executeTakeFirstOrThrow();
  assert.equal(Buffer.from(stored.file).length, 0, 'the file (personal data) is not kept after the import');
  assert.equal(Number(stored.created_rows), 3);

  const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'after']).where('entity_type', '=', 'contact_import').where('entity_id', '=', a.id).execute();
  assert.equal(audit.length, 1, 'the import is audited once');
  assert.equal(JSON.parse(audit[0]!.after!).created, 3);
  const creates = await t.ctx.db.selectFrom('audit_log').select('entity_id').where('entity_type', '=', 'contact').where('action', '=', 'create').where('entity_id', '=', ase.id).execute();
  assert.equal(creates.length, 1, 'each created contact is audited');

  const again = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/imports/${a.id}/run`, headers, payload: { mapping: a.suggestedMapping } });
  assert.equal(again.statusCode, 409, 'a finished import cannot run twice');
});

test('matching on member number or e-mail updates instead of duplicating; unchanged rows are skipped', async () => {
  const existing = await createContact(t.ctx, by, { kind: 'person', lastName: 'Berg', firstNames: 'Nils', email: 'nils@example.org', tags: ['old'] });
  const csv =
    'Member number,Last name,First name,Email,Mobile,Tags\n' +
    `${existing.memberNumber},Berg,Nils,nils@example.org,,\n` + // nothing new
    `,Berg,Nils Petter,NILS@example.org,+47 400 00 000,new\n` + // matched by e-mail (case-insensitive)
    '2001,Ødegård,Åse,ase@example.org,,\n'; // matched by member number, unchanged
  const a = await upload(csv, 'update.csv');
  assert.equal(a.separator, ',');
  const before = await countContacts();
  const report = await dryRun(a.id, a.suggestedMapping, { matchOn: 'both' });
  assert.deepEqual(
    report.rows.map((r: { action: string }) => r.action),
    ['skip', 'error', 'skip'],
    JSON.stringify(report.rows),
  );
  assert.match(report.rows[1].reason, /Line 2 has the same e-mail nils@example\.org/);

  const b = await upload(`Email,Mobile,Tags\nnils@example.org,+47 400 00 000,new\nase@example.org,,\n`, 'update2.csv');
  const result = await run(b.id, b.suggestedMapping, { matchOn: 'email' });
  assert.equal(result.status, 'done', JSON.stringify(result));
  assert.deepEqual(result.report.rows.map((r: { action: string }) => r.action), ['update', 'skip']);
  assert.equal(result.report.rows[0].memberNumber, existing.memberNumber);
  assert.equal(await countContacts(), before, 'no duplicates were created');
  const nils = await getContact(t.ctx.db, existing.id);
  assert.equal(nils.phoneMobile, '+47 400 00 000');
  assert.deepEqual(nils.tags, ['new', 'old'], 'tags from the file are added');
  assert.equal(nils.firstNames, 'Nils', 'empty cells change nothing');
});

test('conflicting member number and e-mail, and an exact repeat of a row, are reported', async () => {
  const csv = 'Medlemsnummer;Etternavn;E-post\n2001;Ødegård;kari@example.org\n9001;Ny;ny@example.org\n9001;Ny;ny@example.org\n9001;Annen;annen@example.org\n';
  const a = await upload(csv);
  const report = await dryRun(a.id, a.suggestedMapping);
  assert.deepEqual(report.rows.map((r: { action: string }) => r.action), ['error', 'create', 'skip', 'error']);
  assert.match(report.rows[0].reason, /Member number 2001 belongs to Ødegård, Åse, but the e-mail kari@example\.org belongs to member 2002/);
  assert.equal(report.rows[2].reason, 'The same as line 3.');
  assert.match(report.rows[3].reason, /Line 3 has the same member number 9001/);
});

test('rows without e-mail get a pseudo-address in the given domain, marked as made up, with printed invoices', async () => {
  const a = await upload('Fornavn;Etternavn\nJosé;Ødegård-Nilsen\nAnne;Lie\n');
  const bad = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/imports/${a.id}/dry-run`, headers, payload: { mapping: a.suggestedMapping, options: { pseudoEmailDomain: 'bad domain' } } });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error.message, /not a domain name/);

  const result = await run(a.id, a.suggestedMapping, { pseudoEmailDomain: 'medlem.example.org' });
  assert.equal(result.status, 'done', JSON.stringify(result));
  const jose = await getContact(t.ctx.db, result.report.rows[0].contactId);
  assert.equal(jose.email, `jose-odegard-nilsen.${jose.memberNumber}@medlem.example.org`);
  assert.equal(jose.pseudoEmail, true);
  assert.equal(jose.invoiceDelivery, 'print');
  assert.match(result.report.rows[0].reason, /No e-mail; given jose-odegard-nilsen\.\d+@medlem\.example\.org/);
});

test('a batch is one transaction: a row failing in the database leaves nothing of its batch imported', async () => {
  // A database-level failure on the third row (as a full disk or a broken constraint would give).
  await withFailingInsert('Boom', async () => {
    const before = await countContacts();
    const a = await upload('Etternavn;Fornavn;Vedtekter\nFørst;Anna;ja\nAndre;Bo;ja\nBoom;Cecilie;ja\nFjerde;Dag;ja\n');
    const result = await run(a.id, a.suggestedMapping, { importValidRows: true });
    assert.equal(result.status, 'failed');
    assert.match(result.message, /Lines 2–5 could not be imported \(.*boom: disk full.*\)\. Nothing was imported\./);
    assert.equal(await countContacts(), before, 'the first two rows (same batch) were rolled back too');
    const consents = await t.ctx.db.selectFrom('consent').innerJoin('contact', 'contact.id', 'consent.contact_id').select('consent.id').where('contact.last_name', 'in', ['Først', 'Andre']).execute();
    assert.equal(consents.length, 0);
    const seq = await t.ctx.db.selectFrom('number_sequence').select('next_value').where('name', '=', 'member_number').executeTakeFirstOrThrow();
    const next = await createContact(t.ctx, by, { kind: 'person', lastName: 'Gapless' });
    assert.equal(next.memberNumber, Number(seq.next_value), 'the member numbers of the rolled-back rows are given back');
  });
});

test('bad uploads and mappings get clear 4xx answers', async () => {
  const unterminated = await t.app.inject({ method: 'POST', url: '/api/v1/contacts/imports', headers: { ...headers, 'content-type': 'text/csv' }, payload: 'a,b\n1,"open\n2,3\n' });
  assert.equal(unterminated.statusCode, 400);
  assert.match(unterminated.json().error.message, /Line 2: a quoted field is never closed/);

  const json = await t.app.inject({ method: 'POST', url: '/api/v1/contacts/imports', headers, payload: { a: 1 } });
  assert.equal(json.statusCode, 415);
  for (const type of ['text/csv; charset=windows-1252', 'application/octet-stream', 'application/vnd.ms-excel']) {
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/contacts/imports', headers: { ...headers, 'content-type': type }, payload: 'Etternavn\nA\n' });
    assert.equal(ok.statusCode, 201, `${type}: ${ok.body}`);
  }
  const empty = await t.app.inject({ method: 'POST', url: '/api/v1/contacts/imports', headers: { ...headers, 'content-type': 'text/csv' }, payload: '' });
  assert.equal(empty.statusCode, 400);

  const a = await upload('Etternavn,E-post\nA,a@example.org\n');
  for (const [mapping, message] of [
    [{ Nope: 'lastName' }, /no column "Nope"/],
    [{ Etternavn: 'shoeSize' }, /not a field/],
    [{ Etternavn: 'lastName', 'E-post': 'lastName' }, /both mapped to lastName/],
    [{ Etternavn: null }, /nothing to import/],
  ] as const) {
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/imports/${a.id}/dry-run`, headers, payload: { mapping } });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.json().error.message, message);
  }
  const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/contacts/imports/nope', headers });
  assert.equal(unknown.statusCode, 404);

  const reader = (await bearerWith(t.ctx, { contacts: 'read' })).headers;
  const denied = await t.app.inject({ method: 'POST', url: '/api/v1/contacts/imports', headers: { ...reader, 'content-type': 'text/csv' }, payload: 'a\n1\n' });
  assert.equal(denied.statusCode, 403);
});

test('an import left "running" by a crash or restart (its transaction gone) can run again', async () => {
  const a = await upload('Etternavn;Fornavn\nKrasj;Karl\n');
  await t.ctx.db.updateTable('contact_import').set({ status: 'running' }).where('id', '=', a.id).execute();
  const status = await t.app.inject({ method: 'GET', url: `/api/v1/contacts/imports/${a.id}`, headers });
  assert.equal(status.json().status, 'running');
  const result = await run(a.id, a.suggestedMapping);
  assert.equal(result.status, 'done', JSON.stringify(result));
  assert.equal(result.counts.created, 1);
});

test('imports are listed newest first; an uploaded file gives its analysis back with the mapping last used; a run that stopped part-way continues', async () => {
  const get = (url: string, h = headers) => t.app.inject({ method: 'GET', url: `/api/v1/contacts/imports${url}`, headers: h });
  t.ctx.clock.advance(60_000); // uploaded after the other tests' files
  const a = await upload('Etternavn;Fornavn;Ukjent\nFortsett;Anne;x\nFortsett;Bjørn;x\nStopp;Cato;x\nFortsett;Dina;x\n', 'fortsett.csv');

  // A page reloaded on the mapping step: the same file, sample and suggested mapping, no options yet.
  const fresh = await get(`/${a.id}/analysis`);
  assert.equal(fresh.statusCode, 200, fresh.body);
  const { options: freshOptions, ...again } = fresh.json();
  assert.deepEqual(again, a);
  assert.deepEqual(freshOptions, {});
  // After a dry run it gives the mapping and options that were checked.
  const mapping = { Etternavn: 'lastName', Fornavn: 'firstNames', Ukjent: null };
  await dryRun(a.id, mapping, { matchOn: 'memberNumber' });
  const checked = (await get(`/${a.id}/analysis`)).json();
  assert.deepEqual(checked.suggestedMapping, mapping);
  assert.equal(checked.options.matchOn, 'memberNumber');
  assert.equal((await get(`/${a.id}`)).json().canContinue, false);

  // Batches of two rows; the second batch fails in the database: the first stays imported.
  const batchRows = (t.ctx as { importBatchRows?: number }).importBatchRows;
  Object.assign(t.ctx, { importBatchRows: 2 });
  try {
    let stopped: Record<string, unknown> = {};
    await withFailingInsert('Stopp', async () => {
      stopped = await run(a.id, mapping, { matchOn: 'memberNumber' });
    });
    assert.equal(stopped.status, 'failed');
    assert.equal(stopped.canContinue, true);
    assert.deepEqual(stopped.progress, { processed: 2, total: 4 });
    assert.match(String(stopped.message), /The 2 row\(s\) before line 4 were imported and stay imported/);

    t.ctx.clock.advance(60_000); // a minute later: the newest upload
    const b = await upload('Etternavn\nSenere\n', 'senere.csv');
    const list = await get('');
    assert.equal(list.statusCode, 200, list.body);
    const [newest, second] = list.json().items;
    assert.deepEqual(
      { id: newest.id, status: newest.status, filename: newest.filename, rows: newest.rows, created: newest.created },
      { id: b.id, status: 'analyzed', filename: 'senere.csv', rows: 1, created: 0 },
    );
    assert.deepEqual(
      { id: second.id, status: second.status, rows: second.rows, created: second.created, processed: second.processed, createdBy: typeof second.createdBy },
      { id: a.id, status: 'failed', rows: 4, created: 2, processed: null, createdBy: 'string' },
    );
    const paged = (await get('?page=2&pageSize=1')).json();
    assert.deepEqual([paged.items.length, paged.items[0].id, paged.page, paged.pageSize], [1, a.id, 2, 1]);
    assert.ok(paged.total >= 2);

    // Continue: the same mapping and options, after the rows kept.
    const before = await countContacts();
    const cont = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/imports/${a.id}/continue`, headers });
    assert.equal(cont.statusCode, 202, cont.body);
    const done = await untilFinished(a.id);
    assert.equal(done.status, 'done', JSON.stringify(done));
    assert.deepEqual(done.counts, { created: 4, updated: 0, skipped: 0, errors: 0 });
    assert.equal(done.canContinue, false);
    assert.equal(await countContacts(), before + 2, 'only the two rows not kept before were added');

    // Nothing to continue: a finished import, and one that kept nothing.
    const twice = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/imports/${a.id}/continue`, headers });
    assert.equal(twice.statusCode, 409);
    assert.match(twice.json().error.message, /already been imported/);
    const nothing = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/imports/${b.id}/continue`, headers });
    assert.equal(nothing.statusCode, 409);
    assert.match(nothing.json().error.message, /kept no rows yet/);
  } finally {
    Object.assign(t.ctx, { importBatchRows: batchRows });
  }

  assert.equal((await get('/nope/analysis')).statusCode, 404);
  const reader = (await bearerWith(t.ctx, { contacts: 'read' })).headers;
  assert.equal((await get('', reader)).statusCode, 200, 'reading the list needs read access');
  assert.equal((await get(`/${a.id}/analysis`, reader)).statusCode, 403, 'the file itself needs update access');
});

// 10,000 rows on both databases, in batches of 2,000 (each its own transaction). The time per row is printed.
test('a large file imports in batches, with progress', async () => {
  const n = 10_000;
  const lines = ['Etternavn;Fornavn;E-post;Mobil;Postnummer;Poststed;Vedtekter'];
  for (let i = 0; i < n; i++) lines.push(`Bulk${i};Person;bulk${i}@example.org;+47 900 ${String(i).padStart(5, '0')};0190;Oslo;ja`);
  const a = await upload(lines.join('\r\n'), 'big.csv');
  const started = performance.now();
  const result = await run(a.id, a.suggestedMapping);
  const seconds = (performance.now() - started) / 1000;
  assert.equal(result.status, 'done', JSON.stringify(result.message));
  assert.equal(result.counts.created, n);
  assert.deepEqual(result.progress, { processed: n, total: n });
  // Other requests are served between batches (on SQLite too), so the progress bar moves.
  assert.ok(seenProgress.some((p) => p > 0 && p < n), `progress seen: ${seenProgress.slice(0, 5).join(', ')}…`);
  console.log(`${n} rows imported in ${seconds.toFixed(1)} s on ${t.ctx.dbKind} (${((seconds * 1000) / n).toFixed(2)} ms per row)`);
});
