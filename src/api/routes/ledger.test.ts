import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { testNeeding } from '../../../test/support/tools.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestServer } from '../../../test/support/context.ts';
import { bearerWith } from '../../../test/support/auth.ts';

let t: Awaited<ReturnType<typeof createTestServer>>;
let editor: { headers: Record<string, string> };
let reader: { headers: Record<string, string> };
let payer: string;
let invoiceId: string;

before(async () => {
  t = await createTestServer({ start: '2026-03-15T10:00:00Z' });
  editor = await bearerWith(t.ctx, { ledger: 'update', billing: 'update', contacts: 'update', settings: 'update' }, 'ledger editor');
  reader = await bearerWith(t.ctx, { ledger: 'read' }, 'ledger reader');
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: editor.headers, payload: { kind: 'person', firstNames: 'Kari', lastName: 'Nordmann', email: 'kari@example.org' } });
  payer = res.json().id;
  const draft = await t.app.inject({
    method: 'POST',
    url: '/api/v1/invoices',
    headers: editor.headers,
    payload: { payerId: payer, lines: [{ description: 'Dues', unitPrice: '400.00', vatRate: '25', glAccount: '31000-0000' }] },
  });
  invoiceId = draft.json().id;
  const issued = await t.app.inject({ method: 'POST', url: `/api/v1/invoices/${invoiceId}/issue`, headers: editor.headers, payload: { issueDate: '2026-03-01' } });
  assert.equal(issued.statusCode, 200, issued.body);
});
after(async () => t.close());

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers = editor.headers) =>
  t.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });

test('access: anonymous 401, no ledger area 403, a reader reads but cannot change', async () => {
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/ledger/accounts' })).statusCode, 401);
  const billingOnly = await bearerWith(t.ctx, { billing: 'update' });
  assert.equal((await call('GET', '/api/v1/ledger/entries', undefined, billingOnly.headers)).statusCode, 403);
  for (const url of ['/api/v1/ledger/accounts', '/api/v1/ledger/entries', '/api/v1/ledger/journals', '/api/v1/ledger/trial-balance', '/api/v1/ledger/holding', '/api/v1/ledger/verify', '/api/v1/ledger/check', `/api/v1/ledger/contacts/${payer}/account`]) {
    assert.equal((await call('GET', url, undefined, reader.headers)).statusCode, 200, url);
  }
  assert.equal((await call('POST', '/api/v1/ledger/accounts', { code: '40000-0000', name: 'x', type: 'expense' }, reader.headers)).statusCode, 403);
  assert.equal((await call('POST', '/api/v1/ledger/journals', { upTo: '2026-03-01' }, reader.headers)).statusCode, 403);
  assert.equal((await call('POST', '/api/v1/ledger/holding/import', undefined, reader.headers)).statusCode, 403);
});

test('accounts: list, create, patch, archive, delete with the rules as 400/404/409', async () => {
  const list = (await call('GET', '/api/v1/ledger/accounts?pageSize=100')).json();
  assert.equal(list.total, 10);
  const ar = list.items.find((a: { code: string }) => a.code === '15000-0000');
  assert.deepEqual([ar.type, ar.role, ar.inUse, ar.archived], ['asset', 'ledger.ar_account', true, false]);
  const created = await call('POST', '/api/v1/ledger/accounts', { code: '51001-1006', name: 'Course materials', type: 'expense' });
  assert.equal(created.statusCode, 201, created.body);
  assert.deepEqual([created.json().code, created.json().inUse], ['51001-1006', false]);
  assert.equal((await call('POST', '/api/v1/ledger/accounts', { code: '51001-1006', name: 'Again', type: 'expense' })).statusCode, 409);
  const bad = await call('POST', '/api/v1/ledger/accounts', { code: '51001', name: 'Bad', type: 'expense' });
  assert.equal(bad.statusCode, 400);
  assert.equal((await call('POST', '/api/v1/ledger/accounts', { code: '51001-1007', name: 'Bad', type: 'expense', extra: true })).statusCode, 400);
  assert.equal((await call('PATCH', '/api/v1/ledger/accounts/51001-1006', { name: 'Materials', type: 'asset' })).json().type, 'asset');
  const retype = await call('PATCH', '/api/v1/ledger/accounts/31000-0000', { type: 'expense' });
  assert.equal(retype.statusCode, 409);
  assert.match(retype.json().error.message, /has postings, so its type stays income/);
  assert.equal((await call('PATCH', '/api/v1/ledger/accounts/15000-0000', { archived: true })).statusCode, 409);
  assert.equal((await call('DELETE', '/api/v1/ledger/accounts/31000-0000')).statusCode, 409);
  assert.equal((await call('GET', '/api/v1/ledger/accounts/99999-9999')).statusCode, 404);
  assert.equal((await call('PATCH', '/api/v1/ledger/accounts/51001-1006', { archived: true })).json().archived, true);
  assert.equal((await call('GET', '/api/v1/ledger/accounts?archived=true')).json().items[0].code, '51001-1006');
  assert.equal((await call('GET', '/api/v1/ledger/accounts?type=asset&archived=all')).json().total, 4);
  assert.equal((await call('GET', '/api/v1/ledger/accounts?sort=-name&pageSize=1')).json().items[0].name, 'Output VAT');
  assert.equal((await call('GET', '/api/v1/ledger/accounts?sort=balance')).statusCode, 400);
  assert.equal((await call('DELETE', '/api/v1/ledger/accounts/51001-1006')).statusCode, 204);
});

test('entries: the issued invoice is posted; list filters, one entry by id or seq; manual corrections', async () => {
  const list = (await call('GET', `/api/v1/ledger/entries?invoiceId=${invoiceId}`)).json();
  assert.equal(list.total, 1);
  const e = list.items[0];
  assert.deepEqual([e.seq, e.kind, e.date, e.contactId, e.contactName, e.invoiceNumber, e.sourceKey, e.journalSeq], [1, 'invoice', '2026-03-01', payer, 'Nordmann, Kari', 10001, `invoice:${invoiceId}`, null]);
  assert.deepEqual(e.amount, { amount: '500.00', currency: 'NOK', minor: '50000' });
  assert.deepEqual(e.lines.map((l: { account: string; debit: { amount: string }; credit: { amount: string } }) => [l.account, l.debit.amount, l.credit.amount]), [
    ['15000-0000', '500.00', '0.00'],
    ['31000-0000', '0.00', '400.00'],
    ['27000-0000', '0.00', '100.00'],
  ]);
  assert.equal((await call('GET', '/api/v1/ledger/entries/1')).json().id, e.id);
  assert.equal((await call('GET', `/api/v1/ledger/entries/${e.id}`)).json().seq, 1);
  assert.equal((await call('GET', '/api/v1/ledger/entries/nope')).statusCode, 404);

  const manual = await call('POST', '/api/v1/ledger/entries', { date: '2026-03-02', description: 'Cash float', lines: [{ account: '19000-0000', debit: '1000' }, { account: '20500-0000', credit: '1000.00' }] });
  assert.equal(manual.statusCode, 201, manual.body);
  assert.deepEqual([manual.json().kind, manual.json().seq, manual.json().createdBy], ['manual', 2, 'ledger editor']);
  const unbalanced = await call('POST', '/api/v1/ledger/entries', { date: '2026-03-02', description: 'Bad', lines: [{ account: '19000-0000', debit: '10' }, { account: '20500-0000', credit: '9' }] });
  assert.equal(unbalanced.statusCode, 400);
  assert.match(unbalanced.json().error.message, /does not balance/);
  const ar = await call('POST', '/api/v1/ledger/entries', { date: '2026-03-02', description: 'Sneaky', lines: [{ account: '15000-0000', debit: '10' }, { account: '30000-0000', credit: '10' }] });
  assert.equal(ar.statusCode, 400);
  assert.match(ar.json().error.message, /follows invoices and payments/);
  const both = await call('POST', '/api/v1/ledger/entries', { date: '2026-03-02', description: 'Both', lines: [{ account: '19000-0000', debit: '10', credit: '10' }, { account: '20500-0000', credit: '10' }] });
  assert.equal(both.statusCode, 400);
  assert.equal(both.json().error.details.field, 'lines.0.debit');
  assert.equal((await call('GET', '/api/v1/ledger/entries?kind=manual')).json().total, 1);
  assert.equal((await call('GET', '/api/v1/ledger/entries?account=19000-0000&from=2026-03-02&to=2026-03-02')).json().total, 1);
  assert.equal((await call('GET', `/api/v1/ledger/entries?contactId=${payer}&sort=date`)).json().total, 1);
  assert.equal((await call('GET', '/api/v1/ledger/entries?q=float')).json().items[0].description, 'Cash float');
  assert.equal((await call('GET', '/api/v1/ledger/entries?kind=gift')).statusCode, 400);
});

test('trial balance, contact account, check and verify', async () => {
  const tb = (await call('GET', '/api/v1/ledger/trial-balance?at=2026-03-31')).json();
  assert.equal(tb.totals.debit.minor, tb.totals.credit.minor);
  assert.deepEqual(tb.accounts.find((a: { code: string }) => a.code === '15000-0000').balance, { amount: '500.00', currency: 'NOK', minor: '50000' });
  assert.equal((await call('GET', '/api/v1/ledger/trial-balance?at=2026-02-28')).json().accounts.length, 0);
  assert.equal((await call('GET', '/api/v1/ledger/trial-balance?includeEmpty=true&at=2026-02-28')).json().accounts.length, 10);
  assert.equal((await call('GET', '/api/v1/ledger/trial-balance?at=yesterday')).statusCode, 400);
  const acc = (await call('GET', `/api/v1/ledger/contacts/${payer}/account`)).json();
  assert.deepEqual(acc.lines.map((l: { kind: string; balance: { amount: string }; invoiceNumber: number }) => [l.kind, l.balance.amount, l.invoiceNumber]), [['invoice', '500.00', 10001]]);
  assert.equal(acc.balance.amount, '500.00');
  assert.equal((await call('GET', '/api/v1/ledger/contacts/nobody/account')).statusCode, 404);
  assert.deepEqual((await call('GET', '/api/v1/ledger/check')).json(), { ok: true, violations: [] });
  const v = (await call('GET', '/api/v1/ledger/verify')).json();
  assert.deepEqual([v.ok, v.entries, v.journals, v.head.seq, v.anchored], [true, 2, 0, 2, []]);
  // Anchors recorded earlier: the chain still has them; one past the end is missing; a malformed one is a 400.
  const anchored = (await call('GET', `/api/v1/ledger/verify?anchor=${v.head.seq}:${v.head.hash}&anchor=1:${'0'.repeat(64)}`)).json();
  assert.deepEqual([anchored.ok, anchored.firstBad.seq, anchored.firstBad.problem], [false, 1, 'altered']);
  assert.deepEqual((await call('GET', `/api/v1/ledger/verify?anchor=${v.head.seq}:${v.head.hash}`)).json().anchored, [2]);
  assert.equal((await call('GET', `/api/v1/ledger/verify?anchor=9:${v.head.hash}`)).json().firstBad.problem, 'missing');
  const bad = await call('GET', '/api/v1/ledger/verify?anchor=2:abc');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().message ?? bad.body, /An anchor is an entry's number and hash/);
});

test('stored checks: POST starts one (202, running), GET by id and latest show its progress and findings; a reader may check', async () => {
  const before = (await call('GET', '/api/v1/ledger/checks/latest', undefined, reader.headers)).json();
  assert.equal(typeof before.headSeq, 'number');
  const started = await call('POST', '/api/v1/ledger/checks', undefined, reader.headers);
  assert.equal(started.statusCode, 202, started.body);
  const check = started.json();
  assert.deepEqual([check.status, check.startedBy, check.headSeq], ['running', 'ledger reader', before.headSeq]);
  let now = check;
  for (let i = 0; i < 200 && now.status === 'running'; i++) {
    await new Promise((r) => setTimeout(r, 25));
    now = (await call('GET', `/api/v1/ledger/checks/${check.id}`)).json();
  }
  assert.deepEqual([now.status, now.ok, now.progress, now.violations, now.verification.ok, now.verification.entries], ['done', true, 1, [], true, before.headSeq]);
  const latest = (await call('GET', '/api/v1/ledger/checks/latest')).json();
  assert.deepEqual(latest.check, now);
  assert.equal((await call('GET', '/api/v1/ledger/checks/nope')).statusCode, 404);
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/ledger/checks' })).statusCode, 401);
});

test('journals: POST journalize, list, one with its summary; 409 when nothing is left', async () => {
  const j = await call('POST', '/api/v1/ledger/journals', { upTo: '2026-03-10' });
  assert.equal(j.statusCode, 201, j.body);
  const body = j.json();
  assert.deepEqual([body.seq, body.entryCount, body.debit.amount, body.credit.amount], [1, 2, '1500.00', '1500.00']);
  assert.deepEqual(body.summary.byKind.map((k: { kind: string; entries: number }) => [k.kind, k.entries]), [['invoice', 1], ['manual', 1]]);
  assert.deepEqual(body.summary.byAccount.map((a: { account: string }) => a.account), ['15000-0000', '19000-0000', '20500-0000', '27000-0000', '31000-0000']);
  const again = await call('POST', '/api/v1/ledger/journals', { upTo: '2026-03-10' });
  assert.equal(again.statusCode, 409);
  assert.match(again.json().error.message, /nothing to journalize/);
  assert.equal((await call('POST', '/api/v1/ledger/journals', { upTo: '2026-04-01' })).statusCode, 400);
  assert.equal((await call('GET', '/api/v1/ledger/journals')).json().items[0].id, body.id);
  assert.equal((await call('GET', '/api/v1/ledger/journals/1')).json().hash, body.hash);
  assert.equal((await call('GET', '/api/v1/ledger/journals/7')).statusCode, 404);
  assert.equal((await call('GET', '/api/v1/ledger/entries?journalized=true')).json().total, 2);
});

test('holding: held invoices wait, are listed, marked exported, and imported on demand', async () => {
  assert.equal((await call('PATCH', '/api/v1/settings/ledger.invoice_posting', { value: 'held' })).statusCode, 200);
  try {
    const draft = await call('POST', '/api/v1/invoices', { payerId: payer, lines: [{ description: 'Held', unitPrice: '100.00', vatRate: '0' }] });
    const issued = await call('POST', `/api/v1/invoices/${draft.json().id}/issue`, {});
    assert.equal(issued.statusCode, 200);
    const waiting = (await call('GET', '/api/v1/ledger/holding')).json();
    assert.equal(waiting.total, 1);
    assert.deepEqual([waiting.items[0].number, waiting.items[0].kind, waiting.items[0].total.amount, waiting.items[0].importedAt], [10002, 'invoice', '100.00', null]);
    assert.deepEqual((await call('GET', '/api/v1/ledger/check')).json().violations, []);
    const exp = await call('POST', '/api/v1/ledger/holding/export', { invoiceIds: [draft.json().id] });
    assert.deepEqual(exp.json(), { exported: 1, alreadyExported: 0 });
    assert.equal((await call('POST', '/api/v1/ledger/holding/export', { invoiceIds: ['missing'] })).statusCode, 400);
    assert.equal((await call('POST', '/api/v1/ledger/holding/export', { invoiceIds: [] })).statusCode, 400);
    assert.deepEqual((await call('POST', '/api/v1/ledger/holding/import')).json(), { imported: 1, batches: 1 });
    assert.equal((await call('GET', '/api/v1/ledger/holding')).json().total, 0);
    const all = (await call('GET', '/api/v1/ledger/holding?status=all')).json();
    assert.equal(all.total, 2);
    assert.ok(all.items.every((h: { importedAt: string | null; entryId: string | null }) => h.importedAt && h.entryId));
    assert.equal((await call('GET', '/api/v1/ledger/holding?status=exported')).json().total, 1);
    assert.equal((await call('GET', '/api/v1/ledger/holding?status=sideways')).statusCode, 400);
  } finally {
    await call('PATCH', '/api/v1/settings/ledger.invoice_posting', { value: 'immediate' });
  }
});

testNeeding(['hledger'])('export: hledger and csv files that hledger and a spreadsheet accept', async () => {
  const h = await call('GET', '/api/v1/ledger/export?format=hledger');
  assert.equal(h.statusCode, 200);
  assert.match(h.headers['content-type'] as string, /^text\/plain/);
  assert.match(h.headers['content-disposition'] as string, /attachment; filename="ledger\.journal"/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-ledger-api-'));
  try {
    const file = path.join(dir, 'x.journal');
    fs.writeFileSync(file, h.body);
    const r = spawnSync('hledger', ['-f', file, 'check', '-s'], { encoding: 'utf8', env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' } });
    assert.equal(r.status, 0, r.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const c = await call('GET', '/api/v1/ledger/export?format=csv&to=2026-03-01');
  assert.equal(c.statusCode, 200);
  assert.match(c.headers['content-type'] as string, /^text\/csv/);
  assert.match(c.headers['content-disposition'] as string, /ledger-2026-03-01\.csv/);
  assert.equal(c.body.trim().split('\r\n').length, 1 + 3); // the header and the invoice's three lines
  assert.equal((await call('GET', '/api/v1/ledger/export?format=xlsx')).statusCode, 400);
  assert.equal((await call('GET', '/api/v1/ledger/export', undefined, reader.headers)).statusCode, 200);
});
