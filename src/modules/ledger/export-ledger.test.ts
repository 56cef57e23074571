/**
 * The hledger and CSV exports (both databases), checked with Debian's hledger: `hledger check`
 * accepts the file (balance assertions included) and `hledger bal` shows our trial balance.
 */
import { before, after } from 'node:test';
import { testNeeding } from '../../../test/support/tools.ts';

const test = testNeeding(['hledger']);
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { runCli } from '../../../test/support/cli.ts';
import { inTransaction } from '../../db/database.ts';
import { parseCsv } from '../../kernel/csv.ts';
import { toDecimalString } from '../../kernel/money.ts';
import { systemActor } from '../audit/index.ts';
import { createContact } from '../contacts/index.ts';
import { createCreditNote, issueNewInvoices, voidInvoice, type NewLine } from '../invoices/index.ts';
import { createAccount, exportLedgerText, journalize, postEntries, postManualEntry, trialBalance } from './index.ts';

let ctx: TestContext;
let dir: string;
const by = { actor: systemActor };

const line = (key: string, net: bigint, vatRate: string, gl: string): NewLine => ({
  chargeKey: key, source: 'charge', subscriptionId: null, itemType: null, itemId: null, description: 'Charge',
  quantity: '1', unitPriceMinor: net, netMinor: net, vatRate, periodStart: null, periodEnd: null, glAccount: gl,
});

before(async () => {
  ctx = await createTestContext({ start: '2026-05-20T10:00:00Z' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-ledger-export-'));
  const a = await createContact(ctx, by, { kind: 'person', firstNames: 'Åse', lastName: 'Ødegård' });
  const b = await createContact(ctx, by, { kind: 'organization', orgName: 'Ærlig Ørn; AS, "quoted"' });
  await createAccount(ctx, by, { code: '51001-1006', name: 'Kurs; materiell, "bøker"', type: 'expense' });
  const issue = (day: string, invoices: { payerId: string; lines: NewLine[] }[]) =>
    inTransaction(ctx.db, (tx) => issueNewInvoices(tx, ctx, { origin: 'run', billingRunId: null, issueDate: day, createdBy: 'run', invoices: invoices.map((i) => ({ ...i, currency: 'NOK' })) }));
  const [i1, i2] = await issue('2026-03-01', [
    { payerId: a.id, lines: [line('x1', 45000n, '0', '31000-0000'), line('x2', 12345n, '25', '30000-0000')] },
    { payerId: b.id, lines: [line('x3', 99999n, '12.5', '31000-0000')] },
  ]);
  await createCreditNote(ctx, by, i1!.id, { reason: 'Part', lines: [{ lineId: (await ctx.db.selectFrom('invoice_line').select('id').where('charge_key', '=', 'x2').executeTakeFirstOrThrow()).id }] });
  const [i3] = await issue('2026-04-01', [{ payerId: b.id, lines: [line('x4', 5000n, '25', '38000-0000')] }]);
  await voidInvoice(ctx, by, i3!.id, { reason: 'Oops' });
  // What the payments module will post: a receipt to the bank against A/R and customer credit.
  await inTransaction(ctx.db, (tx) =>
    postEntries(tx, ctx, 'payments', [
      {
        date: '2026-04-10', kind: 'payment', description: 'Receipt 1', contactId: b.id, sourceKey: 'payment:test',
        lines: [
          { account: '19200-0000', debitMinor: 120000n },
          { account: '15000-0000', creditMinor: 112499n, contactId: b.id, invoiceId: i2!.id },
          { account: '29000-0000', creditMinor: 7501n, contactId: b.id },
        ],
      },
    ]),
  );
  await postManualEntry(ctx, by, { date: '2026-05-02', description: 'Materials; bought\nin cash', lines: [{ account: '51001-1006', debit: '250.50' }, { account: '19000-0000', credit: '250.50' }] });
  await journalize(ctx, by, { upTo: '2026-03-31' });
});
after(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await ctx.close();
});

// hledger (GHC) reads files in the locale's encoding: without a UTF-8 locale (CI's bare env) it fails on æøå.
const hledger = (args: string[]) => spawnSync('hledger', args, { encoding: 'utf8', env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' } });

/** `hledger bal` per account, as minor units. */
const hledgerBalances = (file: string, end?: string): Map<string, bigint> => {
  const r = hledger(['-f', file, 'bal', '--flat', '--no-total', '-O', 'csv', ...(end ? ['-e', end] : [])]);
  assert.equal(r.status, 0, r.stderr);
  const out = new Map<string, bigint>();
  for (const rec of parseCsv(r.stdout, ',').slice(1)) {
    const [account, balance] = rec.fields;
    const m = /^(-?)([\d]+)\.(\d{2}) NOK$/.exec(balance!.trim());
    assert.ok(m || balance === '0', `unexpected balance "${balance}"`);
    out.set(account!, m ? BigInt(m[2]! + m[3]!) * (m[1] ? -1n : 1n) : 0n);
  }
  return out;
};

test('the hledger export passes `hledger check` (strict) and its balances equal our trial balance', async () => {
  const text = await exportLedgerText(ctx.db, { format: 'hledger' });
  const file = path.join(dir, 'all.journal');
  fs.writeFileSync(file, text);
  for (const args of [['check'], ['check', '-s']]) {
    const r = hledger(['-f', file, ...args]);
    assert.equal(r.status, 0, `hledger ${args.join(' ')}: ${r.stderr}\n${text}`);
  }
  assert.match(text, /^account assets:receivable:15000-0000 {2}; type:A, name:Accounts receivable$/m);
  assert.match(text, /^account liabilities:customer-credit:29000-0000 /m);
  assert.match(text, /^account expenses:51001-1006 {2}; type:X, name:Kurs materiell "bøker"$/m);
  assert.match(text, /^2026-05-02 \* \(\d+\) Materials bought in cash {2}; kind:manual, entry:/m);
  assert.match(text, /^2026-03-01 \* \(1\) Invoice 10001 {2}; kind:invoice, entry:\w+, source:invoice:\w+, journal:1$/m);
  assert.match(text, /^ {4}assets:receivable:15000-0000 {2}604\.31 NOK {2}; contact:\w+, invoice:\w+$/m);
  assert.match(text, /^2026-05-20 \* Balance assertions: the Guildhall trial balance at 2026-05-20$/m);

  const tb = await trialBalance(ctx.db, { at: '2026-12-31' });
  const ours = new Map(tb.accounts.map((a) => [a.code, a.balance.minor]));
  const theirs = hledgerBalances(file);
  for (const [account, balance] of theirs) {
    const code = account.split(':').pop()!;
    assert.equal(balance, ours.get(code), `balance of ${account}`);
  }
  assert.deepEqual([...theirs.keys()].map((k) => k.split(':').pop()).sort(), [...ours.entries()].filter(([, b]) => b !== 0n).map(([c]) => c).sort());

  // The assertions are real: a file whose amount was changed fails the check.
  const bad = path.join(dir, 'bad.journal');
  fs.writeFileSync(bad, text.replace('604.31 NOK', '604.32 NOK').replace(/(income:31000-0000 {2})-450\.00 NOK/, '$1-450.01 NOK'));
  const r = hledger(['-f', bad, 'check']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /balance assertion/i);
});

test('--to exports the entries up to a day with assertions at that day; hledger agrees with our trial balance then', async () => {
  const text = await exportLedgerText(ctx.db, { format: 'hledger', to: '2026-03-31' });
  const file = path.join(dir, 'march.journal');
  fs.writeFileSync(file, text);
  assert.equal(hledger(['-f', file, 'check', '-s']).status, 0);
  assert.doesNotMatch(text, /^2026-04/m);
  assert.match(text, /^2026-03-31 \* Balance assertions/m);
  const tb = await trialBalance(ctx.db, { at: '2026-03-31' });
  const theirs = hledgerBalances(file);
  for (const a of tb.accounts) assert.equal(theirs.get([...theirs.keys()].find((k) => k.endsWith(a.code))!) ?? 0n, a.balance.minor, a.code);
});

test('the CSV export has one row per line with its entry, and the CLI writes both formats to a file', async () => {
  const csv = await exportLedgerText(ctx.db, { format: 'csv' });
  assert.ok(csv.startsWith('\uFEFF'));
  const rows = parseCsv(csv.slice(1), ',');
  const header = rows[0]!.fields;
  assert.deepEqual(header.slice(0, 5), ['seq', 'entry_id', 'date', 'kind', 'description']);
  const body = rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r.fields[i] ?? ''])));
  const lineCount = Number((await ctx.db.selectFrom('ledger_line').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  assert.equal(body.length, lineCount);
  const cents = (s: string) => BigInt(s.replace('.', ''));
  assert.equal(body.reduce((s, r) => s + cents(r.debit!), 0n), body.reduce((s, r) => s + cents(r.credit!), 0n));
  const material = body.find((r) => r.account === '51001-1006')!;
  assert.deepEqual([material.account_name, material.debit, material.credit, material.description], ['Kurs; materiell, "bøker"', '250.50', '0.00', 'Materials; bought\nin cash']);
  assert.equal(body.find((r) => r.seq === '1')!.journal, '1');

  const out = path.join(dir, 'cli.journal');
  const r = runCli(ctx, ['ledger', 'export', '--format', 'hledger', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(fs.readFileSync(out, 'utf8'), await exportLedgerText(ctx.db, { format: 'hledger' }));
  assert.equal(hledger(['-f', out, 'check']).status, 0);
  const c = runCli(ctx, ['ledger', 'export', '--format', 'csv', '--to', '2026-03-31']);
  assert.equal(c.status, 0, c.stderr);
  assert.equal(c.stdout, await exportLedgerText(ctx.db, { format: 'csv', to: '2026-03-31' }));
  assert.equal(runCli(ctx, ['ledger', 'export', '--format', 'xml']).status, 2);
  const total = (await trialBalance(ctx.db, { at: '2026-12-31' })).totals;
  assert.equal(toDecimalString(total.debit), toDecimalString(total.credit));
});
