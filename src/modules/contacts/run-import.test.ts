import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { toNumber } from '../../db/database.ts';
import { systemActor, verifyAudit } from '../audit/index.ts';
import {
  analyzeImport,
  createContact,
  createHousehold,
  eraseContact,
  dryRunImport,
  getContact,
  getImportStatus,
  runImport,
  startImport,
  type ImportDeps,
  type ImportReport,
} from './index.ts';

/**
 * The import writes in batches (here of 3 rows, so small files span several): each batch one
 * transaction, member numbers taken per batch, audit rows appended in bulk.
 */
let ctx: TestContext;
let deps: ImportDeps;
const by = { actor: systemActor };

before(async () => {
  ctx = await createTestContext();
  deps = { db: ctx.db, clock: ctx.clock, importBatchRows: 3 };
});
after(async () => ctx.close());

const upload = async (csv: string) => (await analyzeImport(deps, by, { filename: 'members.csv', bytes: Buffer.from(csv) })).id;

const importCsv = async (csv: string, options: Record<string, unknown> = {}, mapping?: Record<string, string | null>) => {
  const id = await upload(csv);
  const a = await ctx.db.selectFrom('contact_import').select('mapping').where('id', '=', id).executeTakeFirstOrThrow();
  const report = await runImport(deps, by, id, { mapping: mapping ?? JSON.parse(a.mapping), options });
  return { id, report };
};

const contactsNamed = async (lastName: string) =>
  ctx.db.selectFrom('contact').select(['id', 'member_number', 'email']).where('last_name', '=', lastName).orderBy('member_number').execute();

const nextMemberNumber = async () => {
  const row = await ctx.db.selectFrom('number_sequence').select('next_value').where('name', '=', 'member_number').executeTakeFirst();
  return row ? toNumber(row.next_value) : null;
};

const actions = (r: ImportReport) => r.rows.map((x) => `${x.line}:${x.action}`);

/** A database failure on inserting a contact with this last name (trigger `name`); returns its removal. */
const failInsertsOf = async (name: string, lastName: string, message: string): Promise<() => Promise<void>> => {
  if (ctx.dbKind === 'postgres') {
    await sql`create function ${sql.raw(name)}() returns trigger language plpgsql as $$ begin raise exception ${sql.lit(message)}; end $$`.execute(ctx.db);
    await sql`create trigger ${sql.raw(name)} before insert on contact for each row when (new.last_name = ${sql.lit(lastName)}) execute function ${sql.raw(name)}()`.execute(ctx.db);
  } else {
    await sql`create trigger ${sql.raw(name)} before insert on contact when new.last_name = ${sql.lit(lastName)} begin select raise(abort, ${sql.lit(message)}); end`.execute(ctx.db);
  }
  return async () => {
    await sql`drop trigger ${sql.raw(name)}${ctx.dbKind === 'postgres' ? sql` on contact` : sql``}`.execute(ctx.db);
  };
};

test('a bad row in the second batch: nothing is imported unless importValidRows, and then the other rows of both batches are', async () => {
  const csv =
    'Etternavn;Fornavn;E-post\n' +
    'Batch;Anna;anna@example.org\nBatch;Bo;bo@example.org\nBatch;Cilla;cilla@example.org\n' +
    'Batch;Dag;not-an-address\nBatch;Eva;eva@example.org\nBatch;Finn;finn@example.org\nBatch;Gro;gro@example.org\n';
  const numberBefore = await nextMemberNumber();
  const refused = await importCsv(csv);
  assert.equal(refused.report.imported, false);
  assert.deepEqual(actions(refused.report), ['2:create', '3:create', '4:create', '5:error', '6:create', '7:create', '8:create']);
  assert.match(refused.report.rows[3]!.reason!, /"not-an-address" is not an e-mail address/);
  assert.match(refused.report.message!, /1 row\(s\) have errors, so nothing was imported/);
  assert.equal((await contactsNamed('Batch')).length, 0, 'the first batch was not written either');
  assert.equal(await nextMemberNumber(), numberBefore, 'no member numbers were taken');
  assert.equal((await getImportStatus(ctx.db, refused.id)).status, 'failed');

  const { id, report } = await importCsv(csv, { importValidRows: true });
  assert.equal(report.imported, true);
  assert.deepEqual(actions(report), ['2:create', '3:create', '4:create', '5:error', '6:create', '7:create', '8:create']);
  assert.deepEqual(report.counts, { created: 6, updated: 0, skipped: 0, errors: 1 });
  const rows = await contactsNamed('Batch');
  assert.equal(rows.length, 6);
  // Member numbers: taken in blocks per batch, yet contiguous and unique, in file order, and the bad row took none.
  const numbers = rows.map((r) => toNumber(r.member_number));
  const first = numbers[0]!;
  assert.deepEqual(numbers, [first, first + 1, first + 2, first + 3, first + 4, first + 5]);
  assert.deepEqual(report.rows.filter((r) => r.action === 'create').map((r) => r.memberNumber), numbers);
  assert.equal(await nextMemberNumber(), first + 6);
  const status = await getImportStatus(ctx.db, id);
  assert.equal(status.status, 'done');
  assert.deepEqual(status.progress, { processed: 7, total: 7 });
  assert.equal((await ctx.db.selectFrom('contact_import_batch').select('first_row').where('import_id', '=', id).execute()).length, 0, 'the batches are folded into the report');
});

test('every created or changed contact gets one audit row, the chain verifies, and the search index has the new contacts', async () => {
  const before = await verifyAudit(ctx.db);
  assert.equal(before.ok, true);
  const csv = 'Medlemsnummer;Etternavn;Fornavn;E-post;Mobil\n' + Array.from({ length: 8 }, (_, i) => `${7001 + i};Kjede;Person${i};kjede${i}@example.org;+47 911 00 00${i}`).join('\n') + '\n';
  const created = await importCsv(csv);
  assert.equal(created.report.counts.created, 8);
  // The same file with three changed mobile numbers: those three are updated, the rest skipped.
  const changed = csv.replace('+47 911 00 001', '+47 922 00 001').replace('+47 911 00 004', '+47 922 00 004').replace('+47 911 00 007', '+47 922 00 007');
  const updated = await importCsv(changed, { matchOn: 'memberNumber' });
  assert.deepEqual(updated.report.counts, { created: 0, updated: 3, skipped: 5, errors: 0 });

  const after = await verifyAudit(ctx.db);
  assert.equal(after.ok, true, JSON.stringify(after.firstBad));
  const rows = await ctx.db.selectFrom('audit_log').select(['seq', 'entity_type', 'entity_id', 'action', 'before', 'after']).where('seq', '>', before.head?.seq ?? 0).orderBy('seq').execute();
  assert.deepEqual(
    rows.map((r) => `${r.entity_type}:${r.action}`),
    [...Array(8).fill('contact:create'), 'contact_import:run', ...Array(3).fill('contact:update'), 'contact_import:run'],
  );
  const ids = created.report.rows.map((r) => r.contactId);
  assert.deepEqual(rows.slice(0, 8).map((r) => r.entity_id), ids, 'in file order');
  const firstAfter = JSON.parse(rows[0]!.after!);
  assert.equal(firstAfter.memberNumber, 7001);
  assert.equal(firstAfter.email, 'kjede0@example.org');
  assert.deepEqual(JSON.parse(rows[9]!.before!), { phoneMobile: '+47 911 00 001' }, 'an update stores only what changed');
  assert.deepEqual(JSON.parse(rows[9]!.after!), { phoneMobile: '+47 922 00 001' });

  const c = await getContact(ctx.db, ids[1]!);
  assert.equal(c.phoneMobile, '+47 922 00 001');
  assert.equal(c.version, 2);
  if (ctx.dbKind === 'sqlite') {
    await sql`insert into contact_search(contact_search) values ('integrity-check')`.execute(ctx.db);
    const found = await sql<{ n: number }>`select count(*) as n from contact_search where contact_search match ${'"92200001"'}`.execute(ctx.db);
    assert.equal(Number(found.rows[0]!.n), 1, 'the changed phone number is searchable');
  }
  const hits = await ctx.db.selectFrom('contact').select('id').where('search_text', 'like', '%kjede7%').execute();
  assert.equal(hits.length, 1);
});

test('matching spans batches: a repeat of an earlier batch\'s row, and a second change to the same contact, are reported by line', async () => {
  const existing = await createContact(ctx, by, { kind: 'person', lastName: 'Spenn', firstNames: 'Kari', email: 'kari.spenn@example.org' });
  const csv =
    'Medlemsnummer;Etternavn;Fornavn;E-post;Mobil\n' +
    `${existing.memberNumber};Spenn;Kari;kari.spenn@example.org;+47 933 00 001\n` + // line 2: updates Kari
    ';Spenn;Ola;ola.spenn@example.org;\n' + // line 3: new
    ';Spenn;Per;per.spenn@example.org;\n' + // line 4: new (end of batch 1)
    ';Spenn;Ola;ola.spenn@example.org;\n' + // line 5: an exact repeat of line 3
    ';Spenn;Ole;ola.spenn@example.org;\n' + // line 6: same e-mail as line 3, other name
    ';Spenn;Kari;kari.spenn@example.org;+47 933 00 002\n'; // line 7: Kari again, by e-mail
  const dry = await dryRunImport(deps, by, await upload(csv), { mapping: { Medlemsnummer: 'memberNumber', Etternavn: 'lastName', Fornavn: 'firstNames', 'E-post': 'email', Mobil: 'phoneMobile' }, options: { importValidRows: true } });
  const { report } = await importCsv(csv, { importValidRows: true });
  for (const r of [dry, report]) {
    assert.deepEqual(actions(r), ['2:update', '3:create', '4:create', '5:skip', '6:error', '7:error']);
    assert.equal(r.rows[3]!.reason, 'The same as line 3.');
    assert.match(r.rows[4]!.reason!, /Line 3 has the same e-mail ola\.spenn@example\.org/);
  }
  assert.match(report.rows[5]!.reason!, /Line 2 has the same e-mail kari\.spenn@example\.org/);
  assert.deepEqual(
    dry.rows.map((r) => r.memberNumber),
    report.rows.map((r) => r.memberNumber),
    'the dry run gives the member numbers the run takes',
  );
  assert.equal(dry.rows[1]!.contactId, undefined);
  assert.equal((await getContact(ctx.db, existing.id)).phoneMobile, '+47 933 00 001');
});

test('a batch failing in the database leaves the batches before it, and the import continues after them when run again', async () => {
  const restore = await failInsertsOf('boom2', 'Bang', 'boom: disk full');
  const auditBefore = (await verifyAudit(ctx.db)).head!.seq;
  const numberBefore = (await nextMemberNumber())!;
  const csv = 'Etternavn;Fornavn;Vedtekter\nFortsett;A;ja\nFortsett;B;ja\nFortsett;C;ja\nFortsett;D;ja\nBang;E;ja\nFortsett;F;ja\nFortsett;G;ja\n';
  const id = await upload(csv);
  const request = { mapping: { Etternavn: 'lastName', Fornavn: 'firstNames', Vedtekter: 'consents.statutes' }, options: {} };
  try {
    await assert.rejects(runImport(deps, by, id, request), /Lines 5–7 could not be imported \(.*boom: disk full.*\)\. The 3 row\(s\) before line 5 were imported and stay imported; running this import again with the same mapping continues from line 5\./);
  } finally {
    await restore();
  }
  const status = await getImportStatus(ctx.db, id);
  assert.equal(status.status, 'failed');
  assert.deepEqual(status.progress, { processed: 3, total: 7 });
  assert.deepEqual(status.counts, { created: 3, updated: 0, skipped: 0, errors: 0 });
  assert.equal(status.report?.imported, true, 'the first batch was kept');
  assert.deepEqual((await contactsNamed('Fortsett')).map((r) => toNumber(r.member_number)), [numberBefore, numberBefore + 1, numberBefore + 2]);
  assert.equal(await nextMemberNumber(), numberBefore + 3, 'the failed batch gave its member numbers back');
  const consents = await ctx.db.selectFrom('consent').innerJoin('contact', 'contact.id', 'consent.contact_id').select('consent.id').where('contact.last_name', '=', 'Fortsett').execute();
  assert.equal(consents.length, 3);
  assert.equal((await ctx.db.selectFrom('audit_log').select('seq').where('seq', '>', auditBefore).execute()).length, 3, 'one audit row per saved contact, none for the failed batch');

  // Run again with another mapping: refused, the rows already imported were read with this one.
  await assert.rejects(runImport(deps, by, id, { ...request, mapping: { ...request.mapping, Vedtekter: null } }), /3 rows of this file were already imported with another mapping/);

  const report = await runImport(deps, by, id, request);
  assert.equal(report.imported, true);
  assert.deepEqual(actions(report), ['2:create', '3:create', '4:create', '5:create', '6:create', '7:create', '8:create']);
  const rows = await contactsNamed('Fortsett');
  assert.equal(rows.length, 6);
  const bang = await contactsNamed('Bang');
  assert.equal(bang.length, 1);
  assert.deepEqual([...rows, ...bang].map((r) => toNumber(r.member_number)).sort((a, b) => a - b), Array.from({ length: 7 }, (_, i) => numberBefore + i), 'gapless');
  const final = await getImportStatus(ctx.db, id);
  assert.equal(final.status, 'done');
  assert.deepEqual(final.counts, { created: 7, updated: 0, skipped: 0, errors: 0 });
  const audit = await verifyAudit(ctx.db);
  assert.equal(audit.ok, true);
  const runs = await ctx.db.selectFrom('audit_log').select('after').where('entity_type', '=', 'contact_import').where('entity_id', '=', id).execute();
  assert.equal(runs.length, 1, 'the import is audited once, when it finishes');
  assert.equal(JSON.parse(runs[0]!.after!).created, 7);
});

test('a household primary moving in the file takes its secondaries along, in whichever batch they come', async () => {
  const primary = await createContact(ctx, by, { kind: 'person', lastName: 'Hus', firstNames: 'Primær', addressLines: ['Gamleveien 1'], postcode: '0150', place: 'Oslo' });
  const secondary = await createContact(ctx, by, { kind: 'person', lastName: 'Hus', firstNames: 'Sekundær' });
  await createHousehold(ctx, by, { primaryId: primary.id, secondaryIds: [secondary.id] });
  const csv =
    'Medlemsnummer;Etternavn;Adresse;Mobil\n' +
    `${primary.memberNumber};Hus;Nyveien 2;\n` + // moves the household
    `${secondary.memberNumber};Hus;;+47 944 00 001\n`; // the secondary, read after the move (the batch ends with it): keeps the new address
  const { report } = await importCsv(csv, { matchOn: 'memberNumber' });
  assert.deepEqual(actions(report), ['2:update', '3:update']);
  const s = await getContact(ctx.db, secondary.id);
  assert.deepEqual(s.addressLines, ['Nyveien 2']);
  assert.equal(s.phoneMobile, '+47 944 00 001');
  const moves = await ctx.db.selectFrom('audit_log').select('action').where('entity_id', '=', secondary.id).where('action', '=', 'household_address').execute();
  assert.equal(moves.length, 2, 'joining, then following the primary');
  assert.equal((await verifyAudit(ctx.db)).ok, true);
});

test('erasing a contact removes its made-up e-mail from the saved batches of an import that has not finished', async () => {
  const restore = await failInsertsOf('boom3', 'Stopp', 'boom');
  let id: string;
  try {
    id = await upload('Etternavn;Fornavn\nGlemt;Gunnar\nA;B\nC;D\nStopp;E\n');
    await assert.rejects(runImport(deps, by, id, { mapping: { Etternavn: 'lastName', Fornavn: 'firstNames' }, options: { pseudoEmailDomain: 'medlem.example.org' } }), /Line 5 could not be imported/);
  } finally {
    await restore();
  }
  const status = await getImportStatus(ctx.db, id);
  const gunnar = status.report!.rows[0]!;
  assert.match(gunnar.reason!, /given gunnar-glemt\.\d+@medlem\.example\.org/);
  await eraseContact(ctx, by, gunnar.contactId!, { confirm: true, reason: 'asked to be forgotten' });
  const batches = await ctx.db.selectFrom('contact_import_batch').select('rows').where('import_id', '=', id).execute();
  assert.equal(batches.length, 1);
  assert.doesNotMatch(batches[0]!.rows, /gunnar/);
  const report = await runImport(deps, by, id, { mapping: { Etternavn: 'lastName', Fornavn: 'firstNames' }, options: { pseudoEmailDomain: 'medlem.example.org' } });
  assert.deepEqual(actions(report), ['2:create', '3:create', '4:create', '5:create']);
  assert.equal(report.rows[0]!.reason, undefined, 'the finished report does not bring it back');
});

test('contacts created while an import runs get numbers of their own: every member number is taken once, none skipped', async () => {
  const start = (await nextMemberNumber())!;
  const csv = 'Etternavn;Fornavn\n' + Array.from({ length: 30 }, (_, i) => `Samtidig;I${i}`).join('\n') + '\n';
  // importValidRows: no check before writing, so the batches are written while the others are created.
  const { done } = await startImport(deps, by, await upload(csv), { mapping: { Etternavn: 'lastName', Fornavn: 'firstNames' }, options: { importValidRows: true } });
  for (let i = 0; i < 10; i++) {
    await createContact(ctx, by, { kind: 'person', lastName: 'Utenfor', firstNames: `U${i}` });
    await new Promise((resolve) => setImmediate(resolve));
  }
  const report = await done;
  assert.deepEqual(report?.counts, { created: 30, updated: 0, skipped: 0, errors: 0 });
  const numbers = (await ctx.db.selectFrom('contact').select('member_number').where('last_name', 'in', ['Samtidig', 'Utenfor']).execute())
    .map((r) => toNumber(r.member_number))
    .sort((a, b) => a - b);
  assert.deepEqual(numbers, Array.from({ length: 40 }, (_, i) => start + i));
  assert.equal(await nextMemberNumber(), start + 40);
  assert.equal((await verifyAudit(ctx.db)).ok, true);
});
