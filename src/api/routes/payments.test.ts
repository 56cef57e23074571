import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestServer } from '../../../test/support/context.ts';
import { bearerWith } from '../../../test/support/auth.ts';
import { checkInvariants } from '../../modules/ledger/index.ts';

let t: Awaited<ReturnType<typeof createTestServer>>;
let clerk: { headers: Record<string, string> };
let reader: { headers: Record<string, string> };
let treasurer: { headers: Record<string, string> };
let payer: string;
before(async () => {
  t = await createTestServer({ start: '2026-03-01T10:00:00Z' });
  clerk = await bearerWith(t.ctx, { payments: 'update', billing: 'update', contacts: 'update' }, 'payments clerk');
  reader = await bearerWith(t.ctx, { payments: 'read' }, 'payments reader');
  treasurer = await bearerWith(t.ctx, { payments: 'update', ledger: 'update', billing: 'read' }, 'treasurer');
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: clerk.headers, payload: { kind: 'person', firstNames: 'Åse', lastName: 'Ødegård', email: 'ase@example.org' } });
  assert.equal(res.statusCode, 201, res.body);
  payer = res.json().id;
});
after(async () => t.close());

const call = (method: 'GET' | 'POST', url: string, body?: unknown, headers = clerk.headers) =>
  t.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });

const issued = async (unitPrice: string, issueDate?: string) => {
  const d = await call('POST', '/api/v1/invoices', { payerId: payer, lines: [{ description: 'Course', unitPrice, vatRate: '0' }] });
  assert.equal(d.statusCode, 201, d.body);
  const i = await call('POST', `/api/v1/invoices/${d.json().id}/issue`, issueDate ? { issueDate } : {});
  assert.equal(i.statusCode, 200, i.body);
  return i.json();
};

test('access: anonymous 401, no payments area 403, a reader cannot record, write-off needs the ledger too', async () => {
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/payments' })).statusCode, 401);
  const billingOnly = await bearerWith(t.ctx, { billing: 'update' });
  assert.equal((await call('GET', '/api/v1/payments', undefined, billingOnly.headers)).statusCode, 403);
  assert.equal((await call('GET', '/api/v1/open-invoices', undefined, reader.headers)).statusCode, 200);
  assert.equal((await call('POST', '/api/v1/payments', { contactId: payer, amount: '1', method: 'cash' }, reader.headers)).statusCode, 403);
  const inv = await issued('30.00');
  const noLedger = await call('POST', `/api/v1/invoices/${inv.id}/write-off`, { reason: 'Small' });
  assert.equal(noLedger.statusCode, 403);
  assert.match(noLedger.json().error.message, /ledger/);
  const ok = await call('POST', `/api/v1/invoices/${inv.id}/write-off`, { reason: 'Small', version: inv.version }, treasurer.headers);
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual(ok.json().amount, { amount: '30.00', currency: 'NOK', minor: '3000' });
  assert.equal(ok.json().status, 'paid');
  assert.equal((await call('GET', `/api/v1/invoices/${inv.id}`)).json().status, 'paid');
});

test('record → quick-entry list → reverse → refund, with amounts as {amount, currency, minor}', async () => {
  const a = await issued('450.00', '2026-01-10');
  const b = await issued('100.00', '2026-02-20');
  const list = await call('GET', '/api/v1/open-invoices?q=odegard', undefined, reader.headers);
  assert.equal(list.statusCode, 200, list.body);
  assert.deepEqual(list.json().items.map((i: { number: number }) => i.number), [a.number, b.number]);
  assert.deepEqual(list.json().items[0].suggested, { amount: '450.00', currency: 'NOK', minor: '45000' });
  assert.equal(list.json().items[0].daysOverdue, 36);
  assert.deepEqual(list.json().totalOpen, { amount: '550.00', currency: 'NOK', minor: '55000' });
  assert.equal((await call('GET', `/api/v1/open-invoices?overdue=true&payerId=${payer}`)).json().total, 1);
  assert.equal((await call('GET', '/api/v1/open-invoices?sort=-nope')).statusCode, 400);

  const bad = await call('POST', '/api/v1/payments', { contactId: payer, amount: '10', method: 'cash', extra: 1 });
  assert.equal(bad.statusCode, 400);
  const tooMuch = await call('POST', '/api/v1/payments', { contactId: payer, amount: '500', method: 'cash', allocations: [{ invoiceId: b.id, amount: '100.50' }] });
  assert.equal(tooMuch.statusCode, 400);
  assert.equal(tooMuch.json().error.details.field, 'allocations.0.amount');

  const res = await call('POST', '/api/v1/payments', { contactId: payer, amount: '600,00', method: 'bank_transfer', reference: 'KID 0000100024', externalId: 'bank-2026-0001' });
  assert.equal(res.statusCode, 201, res.body);
  const p = res.json();
  assert.equal(p.number, 1);
  assert.deepEqual(p.amount, { amount: '600.00', currency: 'NOK', minor: '60000' });
  assert.deepEqual(p.allocated, { amount: '550.00', currency: 'NOK', minor: '55000' });
  assert.deepEqual(p.toCredit, { amount: '50.00', currency: 'NOK', minor: '5000' });
  assert.deepEqual(p.allocations.map((x: { invoiceNumber: number; amount: { amount: string } }) => [x.invoiceNumber, x.amount.amount]), [
    [a.number, '450.00'],
    [b.number, '100.00'],
  ]);
  assert.equal(p.entries[0].kind, 'payment');
  const replay = await call('POST', '/api/v1/payments', { contactId: payer, amount: '600', method: 'bank_transfer', externalId: 'bank-2026-0001' });
  assert.equal(replay.statusCode, 200, 'the same bank transaction is recorded once');
  assert.equal(replay.json().id, p.id);
  // The payer is e-mailed a receipt once (the replay sends nothing more).
  const receipts = await t.ctx.db.selectFrom('mail_message').selectAll().where('related_type', '=', 'payment').where('related_id', '=', p.id).execute();
  assert.equal(receipts.length, 1);
  assert.match(receipts[0]!.to_addresses, /ase@example\.org/);
  assert.match(receipts[0]!.text_body, /600,00/);
  assert.equal((await call('GET', `/api/v1/payments/${p.id}`, undefined, reader.headers)).json().id, p.id);
  assert.equal((await call('GET', '/api/v1/payments/nope', undefined, reader.headers)).statusCode, 404);
  const listed = await call('GET', `/api/v1/payments?contactId=${payer}&method=bank_transfer`, undefined, reader.headers);
  assert.equal(listed.json().total, 1);

  const balance = await call('GET', `/api/v1/contacts/${payer}/balance`, undefined, reader.headers);
  assert.equal(balance.statusCode, 200, balance.body);
  assert.deepEqual(balance.json().customerCredit, { amount: '50.00', currency: 'NOK', minor: '5000' });
  assert.equal(balance.json().balance.amount, '-50.00');

  const rev = await call('POST', `/api/v1/payments/${p.id}/reverse`, { reason: 'Returned by the bank', version: p.version });
  assert.equal(rev.statusCode, 200, rev.body);
  assert.equal(rev.json().status, 'reversed');
  assert.equal(rev.json().feeCharge, null, 'no fee by default');
  assert.equal((await call('POST', `/api/v1/payments/${p.id}/reverse`, { reason: 'again' })).statusCode, 409);
  assert.equal((await call('GET', '/api/v1/open-invoices')).json().total, 2, 'both invoices are open again');

  await call('POST', '/api/v1/payments', { contactId: payer, amount: '25', method: 'cash', allocations: [] });
  const refund = await call('POST', '/api/v1/refunds', { contactId: payer, amount: '25', method: 'cash' });
  assert.equal(refund.statusCode, 201, refund.body);
  assert.equal(refund.json().kind, 'refund');
  assert.equal((await call('POST', '/api/v1/refunds', { contactId: payer, amount: '1', method: 'cash' })).statusCode, 409);

  const settle = await call('POST', `/api/v1/contacts/${payer}/apply-credit`);
  assert.equal(settle.statusCode, 200, settle.body);
  assert.deepEqual(settle.json().applied, []);

  const ageing = await call('GET', '/api/v1/reports/ageing?at=2026-03-01', undefined, reader.headers);
  assert.equal(ageing.statusCode, 200, ageing.body);
  assert.deepEqual(ageing.json().totals.total, { amount: '550.00', currency: 'NOK', minor: '55000' });
  assert.equal(ageing.json().totals.days31to60.amount, '450.00');
  assert.equal(ageing.json().items[0].name, 'Ødegård, Åse');
  const cash = await call('GET', '/api/v1/reports/cash-received?from=2026-01-01&to=2026-03-31&by=month', undefined, reader.headers);
  assert.equal(cash.statusCode, 200, cash.body);
  assert.deepEqual(cash.json().totals.net, { amount: '0.00', currency: 'NOK', minor: '0' });
  assert.equal(cash.json().totals.receipts, 2);
  assert.equal((await call('GET', '/api/v1/reports/cash-received?from=2026-03-31&to=2026-01-01')).statusCode, 400);
  assert.deepEqual(await checkInvariants(t.ctx.db), []);
});

test('the audit trail of a payment is readable with payments access', async () => {
  const list = await call('GET', '/api/v1/payments?pageSize=1&sort=number', undefined, reader.headers);
  const id = list.json().items[0].id;
  const res = await call('GET', `/api/v1/audit/history/payment/${id}`, undefined, reader.headers);
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json().items.map((i: { action: string }) => i.action).sort(), ['record', 'reverse']);
});
