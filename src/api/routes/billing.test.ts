import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestServer } from '../../../test/support/context.ts';
import { bearerWith } from '../../../test/support/auth.ts';
import { addPerson, addSubscription } from '../../../test/support/billing.ts';
import { defaultJobRegistry, runDueJobs } from '../../jobs/index.ts';

let t: Awaited<ReturnType<typeof createTestServer>>;
let editor: { headers: Record<string, string> };
let reader: { headers: Record<string, string> };
before(async () => {
  t = await createTestServer({ start: '2026-03-01T09:00:00Z' });
  editor = await bearerWith(t.ctx, { billing: 'update' }, 'billing editor');
  reader = await bearerWith(t.ctx, { billing: 'read' }, 'billing reader');
  for (const name of ['Ås', 'Berg', 'Dahl']) {
    const p = await addPerson(t.ctx, name);
    await addSubscription(t.ctx, { contactId: p.id, itemId: 'mt_ord', start: '2026-02-10' });
  }
});
after(async () => t.close());

const call = (method: 'GET' | 'POST', url: string, body?: unknown, headers = editor.headers) =>
  t.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });

test('POST /api/v1/billing/preview shows per payer what would be billed and writes nothing', async () => {
  const res = await call('POST', '/api/v1/billing/preview', { asOf: '2026-03-01', limit: 2 }, reader.headers);
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.dryRun, true);
  assert.equal(body.invoices, 3);
  assert.equal(body.total.amount, '1350.00');
  assert.equal(body.preview.length, 2);
  assert.equal(body.preview[0].lines[0].periodStart, '2026-02-10');
  assert.equal(body.byItem[0].code, 'ORD');
  assert.equal((await t.ctx.db.selectFrom('invoice').select('id').execute()).length, 0);
  const bad = await call('POST', '/api/v1/billing/preview', { asOf: '1 March' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error.message, /YYYY-MM-DD/);
  assert.equal((await call('POST', '/api/v1/billing/preview', { asOf: '2026-03-01', extra: 1 })).statusCode, 400);
});

test('POST /api/v1/billing/runs starts a run in the background; the worker bills it and the run shows progress and a summary', async () => {
  assert.equal((await call('POST', '/api/v1/billing/runs', {}, reader.headers)).statusCode, 403);
  const future = await call('POST', '/api/v1/billing/runs', { asOf: '2026-04-01' });
  assert.equal(future.statusCode, 400);
  assert.match(future.json().error.message, /has not come/);
  const res = await call('POST', '/api/v1/billing/runs', {});
  assert.equal(res.statusCode, 202);
  const run = res.json();
  assert.equal(run.status, 'queued');
  assert.equal(run.asOf, '2026-03-01');
  // Asking again while it waits returns the same run.
  assert.equal((await call('POST', '/api/v1/billing/runs', {})).json().id, run.id);
  await runDueJobs(t.ctx, { registry: defaultJobRegistry() });
  const done = (await call('GET', `/api/v1/billing/runs/${run.id}`, undefined, reader.headers)).json();
  assert.equal(done.status, 'done');
  assert.deepEqual(done.progress, { done: 3, total: 3 });
  assert.equal(done.invoices, 3);
  assert.equal(done.total.amount, '1350.00');
  assert.equal(done.summary.bySource.subscription.lines, 3);
  const list = (await call('GET', '/api/v1/billing/runs', undefined, reader.headers)).json();
  assert.equal(list.total, 1);
  assert.equal(list.items[0].id, run.id);
  assert.equal((await call('GET', '/api/v1/billing/runs/nope', undefined, reader.headers)).statusCode, 404);
  // A second run the same day finds nothing left to bill.
  const again = (await call('POST', '/api/v1/billing/runs', {})).json();
  await runDueJobs(t.ctx, { registry: defaultJobRegistry() });
  assert.equal((await call('GET', `/api/v1/billing/runs/${again.id}`)).json().invoices, 0);
});

test('POST /api/v1/billing/cycles previews and opens the annual cycle once; too far ahead is refused with a reason', async () => {
  const early = await call('POST', '/api/v1/billing/cycles', { dryRun: true });
  assert.equal(early.statusCode, 400); // in March, next year's cycle ends more than 16 months ahead
  t.ctx.clock.set(new Date('2026-11-21T09:00:00Z'));
  const far = await call('POST', '/api/v1/billing/cycles', { periodStart: '2028-01-01' });
  assert.equal(far.statusCode, 400);
  assert.match(far.json().error.message, /more than 16 months/);
  const preview = await call('POST', '/api/v1/billing/cycles', { dryRun: true });
  assert.equal(preview.statusCode, 200);
  assert.equal(preview.json().periodStart, '2027-01-01');
  assert.equal(preview.json().invoices, 3);
  const open = await call('POST', '/api/v1/billing/cycles', {});
  assert.equal(open.json().invoices, 3);
  const twice = await call('POST', '/api/v1/billing/cycles', {});
  assert.equal(twice.statusCode, 400);
  assert.match(twice.json().error.message, /cannot be opened twice/);
});

test('end to end through the API: subscribe with a campaign code, bill, read the invoice, credit it', async () => {
  const full = await bearerWith(t.ctx, { billing: 'update', contacts: 'update' }, 'full');
  const api = (method: 'GET' | 'POST', url: string, body?: unknown) => call(method, url, body, full.headers);
  t.ctx.clock.set(new Date('2026-12-01T09:00:00Z'));
  const contact = (await api('POST', '/api/v1/contacts', { kind: 'person', firstNames: 'Kari', lastName: 'Ødegård' })).json();
  const code = await api('POST', '/api/v1/campaign-codes', { code: 'WINTER', kind: 'fixed_price', amount: '99', validFrom: '2026-11-01', validTo: '2026-12-31' });
  assert.equal(code.statusCode, 201, code.body);
  const sub = await api('POST', '/api/v1/subscriptions', { contactId: contact.id, itemType: 'membership_type', itemId: 'mt_ord', campaignCode: 'winter' });
  assert.equal(sub.statusCode, 201, sub.body);
  const run = (await api('POST', '/api/v1/billing/runs', {})).json();
  await runDueJobs(t.ctx, { registry: defaultJobRegistry() });
  assert.equal((await api('GET', `/api/v1/billing/runs/${run.id}`)).json().invoices, 1);
  const list = (await api('GET', `/api/v1/invoices?billingRunId=${run.id}`)).json();
  assert.equal(list.total, 1);
  const invoice = (await api('GET', `/api/v1/invoices/${list.items[0].id}`)).json();
  assert.equal(invoice.payerName, 'Ødegård, Kari');
  assert.equal(invoice.lines.length, 1);
  assert.equal(invoice.lines[0].description, 'Ordinary member (WINTER)');
  assert.equal(invoice.lines[0].net.amount, '99.00');
  assert.equal(invoice.lines[0].periodStart, '2026-12-01');
  assert.equal(invoice.lines[0].periodEnd, '2027-12-01');
  assert.match(invoice.paymentReference, /^\d{10}$/);
  const credit = await api('POST', `/api/v1/invoices/${invoice.id}/credit-notes`, { reason: 'Joined by mistake' });
  assert.equal(credit.statusCode, 201, credit.body);
  assert.equal(credit.json().total.amount, '-99.00');
  assert.equal((await api('GET', `/api/v1/invoices/${invoice.id}`)).json().open.amount, '0.00');
  // The next term renews at the ordinary price.
  t.ctx.clock.set(new Date('2027-12-01T09:00:00Z'));
  const next = (await api('POST', '/api/v1/billing/runs', {})).json();
  await runDueJobs(t.ctx, { registry: defaultJobRegistry() });
  const renewal = (await api('GET', `/api/v1/invoices?billingRunId=${next.id}&payerId=${contact.id}`)).json();
  assert.equal(renewal.items[0].total.amount, '450.00');
});
