import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createTestContext, type TestContext } from '../support/context.ts';
import { runCli } from '../support/cli.ts';
import { readCsvFile } from '../../src/kernel/csv.ts';
import { sql } from 'kysely';

let ctx: TestContext;
let dir: string;
before(async () => {
  ctx = await createTestContext();
  dir = path.dirname(ctx.config.dataDir);
});
after(async () => ctx.close());

const write = (name: string, content: string | Buffer) => {
  const file = path.join(ctx.config.dataDir, name);
  fs.writeFileSync(file, content);
  return file;
};
const contactCount = async () => Number((await ctx.db.selectFrom('contact').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

// Windows-1252, as a Norwegian Excel saves it (for these letters the same bytes as ISO-8859-1).
const FILE = Buffer.from('Medlemsnummer;Etternavn;Fornavn;E-post;Fødselsdato\r\n501;Ødegård;Åse;ase@example.org;17.05.1984\r\n502;Hansen;Kari;kari@example.org;31.02.1990\r\n', 'latin1');

test('contacts import --dry-run prints every row with its line and exits 2 when rows have errors; nothing is kept', async () => {
  const file = write('medlemmer.csv', FILE);
  const r = runCli(ctx, ['contacts', 'import', file, '--dry-run']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stdout, /medlemmer\.csv: 2 rows, windows-1252, separated by ";"/);
  assert.match(r.stdout, /Fødselsdato → birthDate/);
  assert.match(r.stdout, /line {5}2 {2}create member 501/);
  assert.match(r.stdout, /line {5}3 {2}ERROR {3}Birth date: "31\.02\.1990" is not a date/);
  assert.match(r.stdout, /Dry run, nothing kept: 1 to create, 0 to update, 0 to skip, 1 with errors\./);
  assert.equal(await contactCount(), 0);

  const run = runCli(ctx, ['contacts', 'import', file]);
  assert.equal(run.status, 2, 'a file with errors imports nothing');
  assert.match(run.stdout, /Nothing imported/);
  assert.equal(await contactCount(), 0);
});

test('contacts import --valid-only --json imports the good rows and prints the report as JSON (exit 0)', async () => {
  const file = write('medlemmer2.csv', FILE);
  const r = runCli(ctx, ['contacts', 'import', file, '--valid-only', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.encoding, 'windows-1252');
  assert.deepEqual(out.report.counts, { created: 1, updated: 0, skipped: 0, errors: 1 });
  assert.equal(out.report.imported, true);
  const ase = await ctx.db.selectFrom('contact').selectAll().where('member_number', '=', 501).executeTakeFirstOrThrow();
  assert.equal(ase.last_name, 'Ødegård');
  assert.equal(ase.first_names, 'Åse');
  const audit = await ctx.db.selectFrom('audit_log').select(['actor_type', 'actor_name']).where('entity_type', '=', 'contact_import').executeTakeFirstOrThrow();
  assert.deepEqual(audit, { actor_type: 'cli', actor_name: 'cli-tester' });
});

test('a mapping file changes the suggestion; matching by e-mail updates; bad arguments exit 2', async () => {
  const file = write('update.csv', 'Epost,Telefon til jobb,Notat\nase@example.org,22 33 44 55,Styreleder\n');
  const mapping = write('mapping.json', JSON.stringify({ 'Telefon til jobb': 'phoneWork', Notat: null }));
  const r = runCli(ctx, ['contacts', 'import', file, '--mapping', mapping, '--match', 'email']);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /Notat → \(not imported\)/);
  assert.match(r.stdout, /line {5}2 {2}update member 501/);
  assert.match(r.stdout, /Imported: 0 created, 1 updated, 0 skipped, 0 with errors/);
  const ase = await ctx.db.selectFrom('contact').selectAll().where('member_number', '=', 501).executeTakeFirstOrThrow();
  assert.equal(ase.phone_work, '22 33 44 55');
  assert.equal(ase.note, null);

  const missing = runCli(ctx, ['contacts', 'import', path.join(dir, 'nope.csv')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /Cannot read .*nope\.csv: no such file/);
  const badMatch = runCli(ctx, ['contacts', 'import', file, '--match', 'name']);
  assert.equal(badMatch.status, 2);
  assert.match(badMatch.stderr, /--match must be one of memberNumber, email, both/);
  const badMapping = runCli(ctx, ['contacts', 'import', file, '--mapping', write('bad.json', '{"Epost": "shoeSize"}')]);
  assert.equal(badMapping.status, 2);
  assert.match(badMapping.stderr, /mapped to "shoeSize", which is not a field/);
  const broken = runCli(ctx, ['contacts', 'import', write('broken.csv', 'a,b\n1,"open\n')]);
  assert.equal(broken.status, 2);
  assert.match(broken.stderr, /Line 2: a quoted field is never closed/);
});

test('contacts export writes a filtered CSV with a BOM to a file or to standard output', async () => {
  const out = path.join(ctx.config.dataDir, 'export.csv');
  const r = runCli(ctx, ['contacts', 'export', '--out', out, '--q', 'odegard']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `Wrote 1 contact(s) to ${out}.`);
  const csv = readCsvFile(fs.readFileSync(out));
  assert.equal(csv.bom, true);
  assert.equal(csv.rows.length, 1);
  assert.equal(csv.rows[0]!.fields[csv.header.indexOf('Last name')], 'Ødegård');

  const stdout = runCli(ctx, ['contacts', 'export', '--kind', 'organization']);
  assert.equal(stdout.status, 0, stdout.stderr);
  assert.equal(readCsvFile(Buffer.from(stdout.stdout, 'utf8')).rows.length, 0);
  const bad = runCli(ctx, ['contacts', 'export', '--kind', 'robot']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /kind must be person or organization/);
});

test('contacts import --resume continues an import that failed part-way after the batch it kept, with no duplicates', async () => {
  // The second batch (2,000 rows each) meets a database failure on one row.
  const fail = ctx.dbKind === 'postgres'
    ? [sql`create function resume_boom() returns trigger language plpgsql as $$ begin raise exception 'boom: disk full'; end $$`, sql`create trigger resume_boom before insert on contact for each row when (new.last_name = 'Bang') execute function resume_boom()`]
    : [sql`create trigger resume_boom before insert on contact when new.last_name = 'Bang' begin select raise(abort, 'boom: disk full'); end`];
  for (const s of fail) await s.execute(ctx.db);
  const rows = Array.from({ length: 2003 }, (_, i) => `Fortsett;Rad ${i + 1}`);
  rows[2001] = 'Bang;Rad 2002';
  const file = write('stor.csv', `Etternavn;Fornavn\n${rows.join('\n')}\n`);
  const before = await contactCount();
  const failed = runCli(ctx, ['contacts', 'import', file]);
  assert.equal(failed.status, 1, failed.stdout);
  const id = /Continue with: guildhall contacts import --resume (\S+)/.exec(failed.stderr)?.[1];
  assert.ok(id, failed.stderr);
  assert.match(failed.stderr, /Lines 2002–2004 could not be imported \(.*boom: disk full.*\)\. The 2000 row\(s\) before line 2002 were imported and stay imported/);
  assert.equal(await contactCount(), before + 2000);

  // Given a file or options as well, or an unknown import: refused; a second failure says so again.
  assert.equal(runCli(ctx, ['contacts', 'import', file, '--resume', id]).status, 2);
  assert.notEqual(runCli(ctx, ['contacts', 'import', '--resume', 'no-such-import']).status, 0);
  assert.equal(runCli(ctx, ['contacts', 'import']).status, 2);
  assert.equal(runCli(ctx, ['contacts', 'import', '--resume', id]).status, 1);

  await sql`drop trigger resume_boom${ctx.dbKind === 'postgres' ? sql` on contact` : sql``}`.execute(ctx.db);
  const resumed = runCli(ctx, ['contacts', 'import', '--resume', id]);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stdout, /Imported: 2003 created, 0 updated, 0 skipped, 0 with errors/);
  assert.equal(await contactCount(), before + 2003);
  assert.equal((await ctx.db.selectFrom('contact').select('id').where('last_name', '=', 'Bang').execute()).length, 1);
  // Done: nothing left to continue.
  const again = runCli(ctx, ['contacts', 'import', '--resume', id]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already been imported; there is nothing to continue/);
});
