import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestServer } from '../../../test/support/context.ts';
import { bearerWith } from '../../../test/support/auth.ts';
import { inTransaction } from '../../db/database.ts';
import { issueNewInvoices } from '../../modules/invoices/index.ts';

let t: Awaited<ReturnType<typeof createTestServer>>;
let editor: { headers: Record<string, string> };
let reader: { headers: Record<string, string> };
let payer: string;
before(async () => {
  t = await createTestServer();
  editor = await bearerWith(t.ctx, { billing: 'update', contacts: 'update' }, 'billing editor');
  reader = await bearerWith(t.ctx, { billing: 'read' }, 'billing reader');
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: editor.headers, payload: { kind: 'person', firstNames: 'Kari', lastName: 'Nordmann', email: 'kari@example.org', addressLines: ['Gate 2'], postcode: '5003', place: 'Bergen' } });
  assert.equal(res.statusCode, 201, res.body);
  payer = res.json().id;
});
after(async () => t.close());

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers = editor.headers) =>
  t.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });

test('access: anonymous 401, no billing area 403, a reader cannot change invoices', async () => {
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/invoices' })).statusCode, 401);
  assert.equal((await call('GET', '/api/v1/invoices', undefined, (await bearerWith(t.ctx, { contacts: 'update' })).headers)).statusCode, 403);
  assert.equal((await call('GET', '/api/v1/invoices', undefined, reader.headers)).statusCode, 200);
  assert.equal((await call('POST', '/api/v1/invoices', { payerId: payer, lines: [{ description: 'x', unitPrice: '1' }] }, reader.headers)).statusCode, 403);
  assert.equal((await call('GET', '/api/v1/invoices?pageSize=1')).json().total, 0, 'nothing was created');
});

test('draft → edit → issue → credit note → void refused; amounts out as {amount, currency, minor}', async () => {
  const bad = await call('POST', '/api/v1/invoices', { payerId: payer, lines: [{ description: 'Fee', unitPrice: '1.234' }] });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.details.field, 'lines.0.unitPrice');
  assert.match(bad.json().error.message, /at most 2 decimals/);
  assert.equal((await call('POST', '/api/v1/invoices', { payerId: payer, lines: [], extra: 1 })).statusCode, 400);
  assert.equal((await call('GET', '/api/v1/invoices?pageSize=1')).json().total, 0);

  const created = await call('POST', '/api/v1/invoices', { payerId: payer, note: 'Course', lines: [{ description: 'Course day', quantity: '2', unitPrice: '450', vatRate: '25' }, { description: 'Book', unitPrice: '100', vatRate: '0' }] });
  assert.equal(created.statusCode, 201, created.body);
  const draft = created.json();
  assert.equal(draft.status, 'draft');
  assert.equal(draft.number, null);
  assert.deepEqual(draft.total, { amount: '1225.00', currency: 'NOK', minor: '122500' });
  assert.deepEqual(draft.vatByRate, [
    { rate: '25', net: { amount: '900.00', currency: 'NOK', minor: '90000' }, vat: { amount: '225.00', currency: 'NOK', minor: '22500' } },
    { rate: '0', net: { amount: '100.00', currency: 'NOK', minor: '10000' }, vat: { amount: '0.00', currency: 'NOK', minor: '0' } },
  ]);
  assert.equal(draft.payerName, 'Nordmann, Kari');

  const stale = await call('PATCH', `/api/v1/invoices/${draft.id}`, { note: 'x', version: draft.version + 5 });
  assert.equal(stale.statusCode, 409);
  const edited = await call('PATCH', `/api/v1/invoices/${draft.id}`, { lines: [{ description: 'Course day', quantity: '2', unitPrice: '450', vatRate: '25' }], version: draft.version });
  assert.equal(edited.statusCode, 200, edited.body);
  assert.equal(edited.json().total.amount, '1125.00');

  const issued = await call('POST', `/api/v1/invoices/${draft.id}/issue`, {});
  assert.equal(issued.statusCode, 200, issued.body);
  const inv = issued.json();
  assert.equal(inv.number, 10001);
  assert.equal(inv.issueDate, '2026-01-15');
  assert.equal(inv.dueDate, '2026-01-29');
  assert.equal(inv.paymentReference, '0000100016');
  assert.deepEqual(inv.payerAddress, ['Gate 2', '5003 Bergen']);
  assert.equal(inv.payerEmail, 'kari@example.org');
  assert.deepEqual(inv.open, inv.total);
  assert.equal((await call('PATCH', `/api/v1/invoices/${draft.id}`, { note: 'x' })).statusCode, 409);
  assert.equal((await call('DELETE', `/api/v1/invoices/${draft.id}`)).statusCode, 409);

  const credit = await call('POST', `/api/v1/invoices/${inv.id}/credit-notes`, { reason: 'One day cancelled', lines: [{ lineId: inv.lines[0].id, quantity: '1' }] });
  assert.equal(credit.statusCode, 201, credit.body);
  const cn = credit.json();
  assert.equal(cn.kind, 'credit_note');
  assert.equal(cn.number, 10002);
  assert.equal(cn.creditsInvoiceId, inv.id);
  assert.deepEqual(cn.total, { amount: '-562.50', currency: 'NOK', minor: '-56250' });
  const tooMuch = await call('POST', `/api/v1/invoices/${inv.id}/credit-notes`, { reason: 'x', lines: [{ lineId: inv.lines[0].id, quantity: '2' }] });
  assert.equal(tooMuch.statusCode, 400);
  assert.equal(tooMuch.json().error.details.field, 'lines.0.quantity');

  const after = (await call('GET', `/api/v1/invoices/${inv.id}`, undefined, reader.headers)).json();
  assert.equal(after.credited.amount, '562.50');
  assert.equal(after.open.amount, '562.50');
  assert.equal(after.lines[0].creditedQuantity, '1');
  assert.deepEqual(after.creditNotes.map((c: { id: string }) => c.id), [cn.id]);
  const notes = (await call('GET', `/api/v1/invoices/${inv.id}/credit-notes`, undefined, reader.headers)).json();
  assert.deepEqual(notes.items.map((c: { number: number }) => c.number), [10002]);

  const voidRes = await call('POST', `/api/v1/invoices/${inv.id}/void`, { reason: 'Wrong' });
  assert.equal(voidRes.statusCode, 409);
  assert.match(voidRes.json().error.message, /credit notes/);
  assert.equal((await call('POST', `/api/v1/invoices/${inv.id}/void`, {})).statusCode, 400);
});

test('void an unpaid invoice; delete a draft; 404 for unknown ids', async () => {
  const d = (await call('POST', '/api/v1/invoices', { payerId: payer, lines: [{ description: 'Fee', unitPrice: '50' }] })).json();
  const issuedRes = await call('POST', `/api/v1/invoices/${d.id}/issue`);
  assert.equal(issuedRes.statusCode, 200, issuedRes.body);
  const inv = issuedRes.json();
  assert.equal(inv.status, 'issued');
  const v = await call('POST', `/api/v1/invoices/${inv.id}/void`, { reason: 'Duplicate' });
  assert.equal(v.statusCode, 200, v.body);
  assert.equal(v.json().status, 'void');
  assert.equal(v.json().voidReason, 'Duplicate');
  assert.equal(v.json().open.minor, '0');

  const gone = (await call('POST', '/api/v1/invoices', { payerId: payer, lines: [{ description: 'Oops', unitPrice: '1' }] })).json();
  assert.equal((await call('DELETE', `/api/v1/invoices/${gone.id}`)).statusCode, 204);
  assert.equal((await call('GET', `/api/v1/invoices/${gone.id}`)).statusCode, 404);
  assert.equal((await call('POST', '/api/v1/invoices/nope/issue')).statusCode, 404);
  assert.equal((await call('GET', '/api/v1/invoices/nope/credit-notes')).statusCode, 404);
});

test('GET /api/v1/invoices filters (open, status, kind, payer, run, subscription, dates, q) and sorts', async () => {
  await inTransaction(t.ctx.db, (tx) =>
    issueNewInvoices(tx, t.ctx, {
      origin: 'run',
      billingRunId: 'run-a',
      issueDate: '2026-02-01',
      createdBy: 'billing run',
      invoices: [
        { payerId: payer, currency: 'NOK', lines: [{ chargeKey: 'sub-1:2026-02-01', source: 'subscription', subscriptionId: 'sub-1', itemType: 'membership_type', itemId: 'mt_ord', description: 'Ordinary member', quantity: '1', unitPriceMinor: 45000n, netMinor: 45000n, vatRate: '0', periodStart: '2026-02-01', periodEnd: '2027-01-31', glAccount: '30000-0000' }] },
      ],
    }),
  );
  const get = async (qs: string) => {
    const res = await call('GET', `/api/v1/invoices?${qs}`, undefined, reader.headers);
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { items: Array<{ number: number | null; kind: string; status: string }>; total: number };
  };
  assert.deepEqual((await get('open=true&sort=number')).items.map((i) => i.number), [10001, 10004]);
  assert.deepEqual((await get('kind=credit_note')).items.map((i) => i.number), [10002]);
  assert.deepEqual((await get('status=void')).items.map((i) => i.number), [10003]);
  assert.deepEqual((await get('billingRunId=run-a')).items.map((i) => i.number), [10004]);
  assert.deepEqual((await get('subscriptionId=sub-1')).items.map((i) => i.number), [10004]);
  assert.deepEqual((await get('issueDateFrom=2026-02-01')).items.map((i) => i.number), [10004]);
  assert.deepEqual((await get(`payerId=${payer}&sort=-number`)).items.map((i) => i.number), [10004, 10003, 10002, 10001]);
  assert.deepEqual((await get('q=10003')).items.map((i) => i.number), [10003]);
  assert.equal((await get('q=nordm')).total, 4);
  assert.deepEqual((await get('sort=-total&pageSize=2&page=1')).items.map((i) => i.number), [10001, 10004]);
  const badSort = await call('GET', '/api/v1/invoices?sort=payer');
  assert.equal(badSort.statusCode, 400);
  assert.match(badSort.json().error.message, /Sort by one of: number, issue_date, due_date, total, created_at/);
  assert.equal((await call('GET', '/api/v1/invoices?status=open')).statusCode, 400);
});

test('settings: the billing group has the invoice number, payment reference and KID length', async () => {
  const res = await call('GET', '/api/v1/settings', undefined, (await bearerWith(t.ctx, { settings: 'read' })).headers);
  const items = res.json().items as Array<{ key: string; group: string; value: unknown; options?: string[] }>;
  const billing = items.filter((i) => i.group === 'billing');
  assert.deepEqual(billing.slice(0, 3).map((i) => [i.key, i.value]), [
    ['billing.first_invoice_number', 10001],
    ['billing.payment_reference', 'kid_mod10'],
    ['billing.kid_length', 10],
  ]);
  // Payments (issue 6) keep their settings in the billing group too.
  assert.deepEqual(billing.filter((i) => i.key.startsWith('payments.')).map((i) => [i.key, i.value]), [
    ['payments.reversal_fee', '0.00'],
    ['payments.send_receipt', true],
    ['payments.writeoff_limit', '50.00'],
  ]);
  assert.deepEqual(billing[1]!.options, ['kid_mod10', 'kid_mod11', 'rf', 'none']);
  const admin = await bearerWith(t.ctx, { settings: 'update' });
  assert.equal((await call('PATCH', '/api/v1/settings/billing.kid_length', { value: 4 }, admin.headers)).statusCode, 400);
  assert.equal((await call('PATCH', '/api/v1/settings/billing.payment_reference', { value: 'iban' }, admin.headers)).statusCode, 400);
  assert.equal((await call('PATCH', '/api/v1/settings/billing.payment_reference', { value: 'rf' }, admin.headers)).statusCode, 200);
  const d = (await call('POST', '/api/v1/invoices', { payerId: payer, lines: [{ description: 'Fee', unitPrice: '50' }] })).json();
  const inv = (await call('POST', `/api/v1/invoices/${d.id}/issue`, { issueDate: '2026-03-01' })).json();
  assert.match(inv.paymentReference, /^RF\d{2}10005$/);
  assert.equal(inv.dueDate, '2026-03-15');
});
