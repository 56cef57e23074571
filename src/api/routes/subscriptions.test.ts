import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestServer } from '../../../test/support/context.ts';
import { bearerWith } from '../../../test/support/auth.ts';

let t: Awaited<ReturnType<typeof createTestServer>>;
let editor: { headers: Record<string, string> };
let reader: { headers: Record<string, string> };
before(async () => {
  t = await createTestServer();
  editor = await bearerWith(t.ctx, { billing: 'update', contacts: 'update' }, 'billing editor');
  reader = await bearerWith(t.ctx, { billing: 'read' }, 'billing reader');
});
after(async () => t.close());

type Method = 'GET' | 'POST' | 'PATCH';
const call = (method: Method, url: string, body?: unknown, headers = editor.headers) => t.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
const ok = async (method: Method, url: string, body?: unknown, status = method === 'POST' ? 201 : 200) => {
  const res = await call(method, url, body);
  assert.equal(res.statusCode, status, `${method} ${url}: ${res.body}`);
  return res.json();
};
const person = async (lastName: string, extra: Record<string, unknown> = {}) => (await ok('POST', '/api/v1/contacts', { kind: 'person', firstNames: 'Test', lastName, ...extra })).id as string;
const count = async (table: 'subscription' | 'subscription_event' | 'usage_record' | 'queued_charge' | 'recurring_charge') =>
  Number((await t.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())!.n);
const typeId = (code: string) => `mt_${code.toLowerCase()}`;

test('create a membership: active from the start date, payer is the contact, a creation event and an audit row; readers cannot write', async () => {
  const kari = await person('Nordmann');
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/subscriptions' })).statusCode, 401);
  const denied = await call('POST', '/api/v1/subscriptions', { contactId: kari, itemType: 'membership_type', itemId: typeId('ORD') }, reader.headers);
  assert.equal(denied.statusCode, 403);
  const sub = await ok('POST', '/api/v1/subscriptions', { contactId: kari, itemType: 'membership_type', itemId: typeId('ORD') });
  assert.equal(sub.status, 'active');
  assert.equal(sub.startDate, '2026-01-15');
  assert.equal(sub.anchorDay, 15);
  assert.equal(sub.endDate, null);
  assert.equal(sub.payerId, kari);
  assert.equal(sub.itemCode, 'ORD');
  assert.equal(sub.nextDue, '2026-01-15');
  assert.equal(sub.memberFrom, '2026-01-15');
  assert.equal(sub.memberTo, null);
  assert.deepEqual(sub.events.map((e: { fromStatus: string | null; toStatus: string }) => [e.fromStatus, e.toStatus]), [[null, 'active']]);
  const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'subscription').where('entity_id', '=', sub.id).execute();
  assert.equal(audit.length, 1);
  const listed = await call('GET', `/api/v1/subscriptions?contactId=${kari}`, undefined, reader.headers);
  assert.equal(listed.json().total, 1);
  assert.equal(listed.json().items[0].contactName, 'Nordmann, Test');
});

test("payer: the contact's payer by default, an explicit payer when given; an unknown payer is refused", async () => {
  const parent = await person('Parent');
  const child = await person('Child', { payerId: parent });
  const sub = await ok('POST', '/api/v1/subscriptions', { contactId: child, itemType: 'membership_type', itemId: typeId('ORD') });
  assert.equal(sub.payerId, parent);
  assert.equal(sub.payerName, 'Parent, Test');
  const other = await person('Other');
  const explicit = await ok('POST', '/api/v1/subscriptions', { contactId: child, itemType: 'membership_type', itemId: typeId('ORD'), payerId: other });
  assert.equal(explicit.payerId, other);
  const before = await count('subscription');
  const bad = await call('POST', '/api/v1/subscriptions', { contactId: child, itemType: 'membership_type', itemId: typeId('ORD'), payerId: 'nobody' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.details.field, 'payerId');
  assert.equal(await count('subscription'), before);
});

test('trial types start in trial; special-price types need the price, others refuse it; archived items and bad input are refused and nothing is stored', async () => {
  const c = await person('Trial');
  const tri = await ok('POST', '/api/v1/subscriptions', { contactId: c, itemType: 'membership_type', itemId: typeId('TRI'), startDate: '2026-01-20' });
  assert.equal(tri.status, 'trial');
  assert.equal(tri.trialEndsOn, '2026-02-19');
  assert.equal(tri.nextDue, '2026-02-19');
  assert.equal(tri.memberFrom, '2026-01-20');

  const before = await count('subscription');
  const noPrice = await call('POST', '/api/v1/subscriptions', { contactId: c, itemType: 'membership_type', itemId: typeId('SPC') });
  assert.equal(noPrice.statusCode, 400);
  assert.match(noPrice.json().error.message, /special price/);
  const refused = await call('POST', '/api/v1/subscriptions', { contactId: c, itemType: 'membership_type', itemId: typeId('ORD'), specialPrice: '100' });
  assert.equal(refused.statusCode, 400);
  assert.equal(refused.json().error.details.field, 'specialPrice');
  for (const body of [
    { contactId: c, itemType: 'membership_type', itemId: 'mt_nope' },
    { contactId: 'nobody', itemType: 'membership_type', itemId: typeId('ORD') },
    { contactId: c, itemType: 'membership_type', itemId: typeId('ORD'), startDate: '2026-02-30' },
    { contactId: c, itemType: 'membership_type', itemId: typeId('ORD'), endDate: '2026-01-15' },
    { contactId: c, itemType: 'membership_type', itemId: typeId('ORD'), anchorDay: 32 },
    { contactId: c, itemType: 'membership_type', itemId: typeId('ORD'), quantity: '0' },
    { contactId: c, itemType: 'membership_type', itemId: typeId('ORD'), colour: 'red' },
  ]) {
    const res = await call('POST', '/api/v1/subscriptions', body);
    assert.equal(res.statusCode, 400, JSON.stringify(body));
    assert.ok(res.json().error.message.length > 10);
  }
  const old = await ok('POST', '/api/v1/products', { code: 'OLD', name: 'Old service', kind: 'service', frequency: 'year', price: '10' });
  await ok('PATCH', `/api/v1/products/${old.id}`, { archived: true }, 200);
  const archived = await call('POST', '/api/v1/subscriptions', { contactId: c, itemType: 'product', itemId: old.id });
  assert.equal(archived.statusCode, 400);
  assert.match(archived.json().error.message, /archived/);
  assert.equal(await count('subscription'), before);

  const spc = await ok('POST', '/api/v1/subscriptions', { contactId: c, itemType: 'membership_type', itemId: typeId('SPC'), specialPrice: '275,50' });
  assert.deepEqual(spc.specialPrice, { amount: '275.50', currency: 'NOK' });
  const pending = await ok('POST', '/api/v1/subscriptions', { contactId: c, itemType: 'membership_type', itemId: typeId('ORD'), pending: true });
  assert.equal(pending.status, 'pending');
  assert.equal(pending.memberFrom, null);
});

test('products with auto-renew end one year after the start unless told otherwise', async () => {
  const c = await person('Product');
  const product = await ok('POST', '/api/v1/products', { code: 'PPP', name: 'Personal pages', kind: 'service', frequency: 'year', price: '120' });
  const sub = await ok('POST', '/api/v1/subscriptions', { contactId: c, itemType: 'product', itemId: product.id, startDate: '2026-02-29'.replace('29', '28') });
  assert.equal(sub.endDate, '2027-02-28');
  const open = await ok('POST', '/api/v1/subscriptions', { contactId: c, itemType: 'product', itemId: product.id, endDate: null });
  assert.equal(open.endDate, null);
  const noRenew = await ok('POST', '/api/v1/subscriptions', { contactId: c, itemType: 'product', itemId: product.id, autoRenew: false });
  assert.equal(noRenew.endDate, null);
});

test('a campaign code is redeemed with the subscription; an invalid code refuses the whole subscription', async () => {
  const c = await person('Campaign');
  const code = await ok('POST', '/api/v1/campaign-codes', { code: 'HALF26', kind: 'percent', percent: '50', validFrom: '2026-01-01', validTo: '2026-12-31', maxUses: 1 });
  const sub = await ok('POST', '/api/v1/subscriptions', { contactId: c, itemType: 'membership_type', itemId: typeId('ORD'), campaignCode: 'half26' });
  assert.equal(sub.campaignCodeId, code.id);
  assert.deepEqual(sub.campaignPrice, { amount: '225.00', currency: 'NOK' });
  const before = await count('subscription');
  const used = await call('POST', '/api/v1/subscriptions', { contactId: c, itemType: 'membership_type', itemId: typeId('ORD'), campaignCode: 'HALF26' });
  assert.equal(used.statusCode, 400);
  assert.match(used.json().error.message, /most times allowed/);
  const unknown = await call('POST', '/api/v1/subscriptions', { contactId: c, itemType: 'membership_type', itemId: typeId('ORD'), campaignCode: 'NOSUCH' });
  assert.equal(unknown.statusCode, 400);
  assert.equal(unknown.json().error.details.field, 'campaignCode');
  assert.equal(await count('subscription'), before);
  assert.equal((await ok('GET', `/api/v1/campaign-codes/${code.id}`)).uses, 1);
});

test('household: FM2 needs the primary to have FM1, follows its dates, and moves with its date and status changes', async () => {
  const primary = await person('Primary');
  const second = await person('Second');
  const before = await count('subscription');
  const alone = await call('POST', '/api/v1/subscriptions', { contactId: second, itemType: 'membership_type', itemId: typeId('FM2') });
  assert.equal(alone.statusCode, 400);
  assert.match(alone.json().error.message, /household/);
  await ok('POST', '/api/v1/households', { primaryId: primary, secondaryIds: [second] });
  const noPrimarySub = await call('POST', '/api/v1/subscriptions', { contactId: second, itemType: 'membership_type', itemId: typeId('FM2') });
  assert.equal(noPrimarySub.statusCode, 400);
  assert.match(noPrimarySub.json().error.message, /primary has no FM1/);
  assert.equal(await count('subscription'), before);

  const fm1 = await ok('POST', '/api/v1/subscriptions', { contactId: primary, itemType: 'membership_type', itemId: typeId('FM1'), startDate: '2026-01-10', endDate: '2027-01-10' });
  const fm2 = await ok('POST', '/api/v1/subscriptions', { contactId: second, itemType: 'membership_type', itemId: typeId('FM2'), startDate: '2026-03-01' });
  assert.equal(fm2.followsId, fm1.id);
  assert.equal(fm2.startDate, '2026-01-10');
  assert.equal(fm2.endDate, '2027-01-10');
  assert.equal(fm2.anchorDay, 10);

  const ownDates = await call('PATCH', `/api/v1/subscriptions/${fm2.id}`, { endDate: '2026-12-01' });
  assert.equal(ownDates.statusCode, 400);
  assert.match(ownDates.json().error.message, /primary/);
  await ok('PATCH', `/api/v1/subscriptions/${fm1.id}`, { endDate: '2026-11-01', disconnectDate: '2026-10-01' });
  let follower = await ok('GET', `/api/v1/subscriptions/${fm2.id}`);
  assert.equal(follower.endDate, '2026-11-01');
  assert.equal(follower.disconnectDate, '2026-10-01');

  await ok('POST', `/api/v1/subscriptions/${fm1.id}/status`, { status: 'suspended', reason: 'Unpaid' }, 200);
  follower = await ok('GET', `/api/v1/subscriptions/${fm2.id}`);
  assert.equal(follower.status, 'suspended');
  assert.match(follower.events.at(-1).reason, /Unpaid \(follows the household's primary\)/);
});

test('status changes follow the state machine with a reason; ended is final; history gives member from/to', async () => {
  const c = await person('Status');
  const sub = await ok('POST', '/api/v1/subscriptions', { contactId: c, itemType: 'membership_type', itemId: typeId('ORD'), startDate: '2025-06-01' });
  const url = `/api/v1/subscriptions/${sub.id}/status`;
  const bad = await call('POST', url, { status: 'trial', reason: 'x' });
  assert.equal(bad.statusCode, 409);
  assert.match(bad.json().error.message, /cannot become trial; it can become grace, suspended, ended/);
  assert.equal((await call('POST', url, { status: 'grace', reason: '  ' })).statusCode, 400);
  assert.equal((await call('POST', url, { status: 'grace', reason: 'Late', effectiveDate: '2026-02-01' })).statusCode, 400);
  assert.equal((await call('POST', url, { status: 'grace', reason: 'Late', version: 99 })).statusCode, 409);
  assert.equal((await call('POST', url, { status: 'grace', reason: 'Late' }, reader.headers)).statusCode, 403);
  const grace = await ok('POST', url, { status: 'grace', reason: 'Late payment', effectiveDate: '2026-01-10', version: sub.version }, 200);
  assert.equal(grace.status, 'grace');
  const back = await call('POST', url, { status: 'active', reason: 'Paid', effectiveDate: '2026-01-05' });
  assert.equal(back.statusCode, 400, 'before the last change');
  const ended = await ok('POST', url, { status: 'ended', reason: 'Resigned' }, 200);
  assert.equal(ended.memberFrom, '2025-06-01');
  assert.equal(ended.memberTo, '2026-01-15');
  assert.deepEqual(ended.events.map((e: { toStatus: string }) => e.toStatus), ['active', 'grace', 'ended']);
  const again = await call('POST', url, { status: 'active', reason: 'Back' });
  assert.equal(again.statusCode, 409);
  assert.match(again.json().error.message, /ended/);
  const change = await call('PATCH', `/api/v1/subscriptions/${sub.id}`, { quantity: '2' });
  assert.equal(change.statusCode, 409);
  await ok('PATCH', `/api/v1/subscriptions/${sub.id}`, { note: 'Moved abroad' }, 200);

  const history = await ok('GET', `/api/v1/contacts/${c}/subscription-history`);
  assert.equal(history.memberSince, '2025-06-01');
  assert.equal(history.memberUntil, '2026-01-15');
  assert.equal(history.events[0].toStatus, 'ended');
  assert.equal(history.spans[0].itemCode, 'ORD');
});

test('updates: disconnect date not in the past, start fixed once billed, next_due lowered, stale versions refused', async () => {
  const c = await person('Update');
  const sub = await ok('POST', '/api/v1/subscriptions', { contactId: c, itemType: 'membership_type', itemId: typeId('ORD'), startDate: '2026-03-01' });
  const past = await call('PATCH', `/api/v1/subscriptions/${sub.id}`, { disconnectDate: '2026-01-14' });
  assert.equal(past.statusCode, 400);
  assert.equal(past.json().error.details.field, 'disconnectDate');
  const moved = await ok('PATCH', `/api/v1/subscriptions/${sub.id}`, { startDate: '2026-02-01', anchorDay: 1, version: sub.version }, 200);
  assert.equal(moved.nextDue, '2026-01-15', 'lowered to today');
  assert.equal(moved.version, sub.version + 1);
  const stale = await call('PATCH', `/api/v1/subscriptions/${sub.id}`, { quantity: '2', version: sub.version });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.json().error.message, /Someone else changed/);
  await t.ctx.db.updateTable('subscription').set({ fee_cursor: '2026-02-01', next_due: '2027-02-01' }).where('id', '=', sub.id).execute();
  const billed = await call('PATCH', `/api/v1/subscriptions/${sub.id}`, { startDate: '2026-02-02' });
  assert.equal(billed.statusCode, 409);
  assert.match(billed.json().error.message, /once a term is billed/);
  const disc = await ok('PATCH', `/api/v1/subscriptions/${sub.id}`, { disconnectDate: '2026-06-01' }, 200);
  assert.equal(disc.disconnectDate, '2026-06-01');
  assert.equal(disc.nextDue, '2026-01-15');
  assert.equal(disc.status, 'active', 'stays active until the run ends it');
});

const accountType = async () => {
  const now = t.ctx.clock.now().toISOString();
  await t.ctx.db
    .insertInto('account_type')
    .values({ id: 'at_web', code: 'WEB', name: 'Web hosting', description: '', frequency: 'month', term_periods: 1, gl_account: null, vat_rate: '25', archived: 0, position: 0, created_at: now, updated_at: now })
    .execute();
  await t.ctx.db
    .insertInto('account_attribute')
    .values([
      { id: 'aa_disk', account_type_id: 'at_web', code: 'DISK', description: 'Disk', unit: 'GB', included: '10', rate_minor: '500', currency: 'NOK', per: 'period', gl_account: null, vat_rate: '25', position: 0, created_at: now, updated_at: now },
      { id: 'aa_mail', account_type_id: 'at_web', code: 'MAIL', description: 'Mailboxes', unit: '', included: '1', rate_minor: '1000', currency: 'NOK', per: 'period', gl_account: null, vat_rate: '25', position: 1, created_at: now, updated_at: now },
    ])
    .execute();
};

test('usage: recorded on account-type subscriptions; the same externalRef is stored once; bad input refused; totals per period', async () => {
  await accountType();
  const c = await person('Usage');
  const member = (await ok('GET', `/api/v1/contacts/${c}`)).memberNumber;
  const sub = await ok('POST', '/api/v1/subscriptions', { contactId: c, itemType: 'account_type', itemId: 'at_web', startDate: '2025-12-05' });
  const url = `/api/v1/subscriptions/${sub.id}/usage`;
  const first = await ok('POST', url, { attributeCode: 'disk', usedOn: '2025-12-20', quantity: '12.5', externalRef: 'm-1' });
  assert.equal(first.attributeCode, 'DISK');
  const repeat = await call('POST', url, { attributeCode: 'DISK', usedOn: '2025-12-20', quantity: '12.5', externalRef: 'm-1' });
  assert.equal(repeat.statusCode, 200);
  assert.equal(repeat.json().id, first.id);
  await ok('POST', url, { attributeCode: 'DISK', usedOn: '2026-01-04', quantity: '0.5' });
  await ok('POST', url, { attributeCode: 'DISK', usedOn: '2026-01-05', quantity: '3' });
  await ok('POST', url, { attributeCode: 'MAIL', usedOn: '2026-01-06', quantity: '2' });
  const stored = await count('usage_record');
  for (const [body, field] of [
    [{ attributeCode: 'CPU', usedOn: '2026-01-05', quantity: '1' }, 'attributeCode'],
    [{ attributeCode: 'DISK', usedOn: '2026-01-05', quantity: '-1' }, 'quantity'],
    [{ attributeCode: 'DISK', usedOn: '2026-01-16', quantity: '1' }, 'usedOn'],
    [{ attributeCode: 'DISK', usedOn: '2025-12-01', quantity: '1' }, 'usedOn'],
  ] as const) {
    const res = await call('POST', url, body);
    assert.equal(res.statusCode, 400, JSON.stringify(body));
    assert.equal(res.json().error.details.field, field);
  }
  const ord = await ok('POST', '/api/v1/subscriptions', { contactId: c, itemType: 'membership_type', itemId: typeId('ORD') });
  assert.equal((await call('POST', `/api/v1/subscriptions/${ord.id}/usage`, { attributeCode: 'DISK', usedOn: '2026-01-05', quantity: '1' })).statusCode, 400);
  assert.equal(await count('usage_record'), stored);

  const list = await ok('GET', url);
  assert.equal(list.total, 4);
  assert.equal(list.items[0].usedOn, '2026-01-06');
  assert.deepEqual(
    list.totals.map((x: { periodStart: string; periodEnd: string; attributeCode: string; quantity: string }) => `${x.periodStart}..${x.periodEnd} ${x.attributeCode} ${x.quantity}`),
    ['2026-01-05..2026-02-05 DISK 3', '2026-01-05..2026-02-05 MAIL 2', '2025-12-05..2026-01-05 DISK 13'],
  );

  // Billed periods are closed.
  await t.ctx.db.updateTable('subscription').set({ usage_cursor: '2025-12-05' }).where('id', '=', sub.id).execute();
  const closed = await call('POST', url, { attributeCode: 'DISK', usedOn: '2026-01-04', quantity: '1' });
  assert.equal(closed.statusCode, 409);
  assert.match(closed.json().error.message, /invoiced/);

  // CSV import: dry run, all-or-nothing with line numbers, then the real thing as text/csv.
  const csv = `member_number;account_type;attribute;date;quantity;ref\n${member};WEB;DISK;2026-01-10;1,5;c-1\n${member};web;MAIL;2026-01-11;1;c-2\n`;
  const dry = await ok('POST', '/api/v1/usage/import', { csv, dryRun: true }, 200);
  assert.deepEqual({ ...dry, errors: dry.errors.length }, { dryRun: true, rows: 2, created: 0, duplicates: 0, errors: 0 });
  assert.equal(await count('usage_record'), stored);
  const broken = `subscription,attribute,date,quantity\n${sub.id},DISK,2026-01-10,1\nnope,DISK,2026-01-10,1\n${sub.id},CPU,2026-01-10,1\n${sub.id},DISK,2026-13-01,1\n`;
  const failed = await call('POST', '/api/v1/usage/import', { csv: broken });
  assert.equal(failed.statusCode, 400);
  assert.match(failed.json().error.message, /Nothing was imported: 3 lines have errors/);
  assert.deepEqual(failed.json().error.details.report.errors.map((e: { line: number }) => e.line), [3, 4, 5]);
  assert.equal(await count('usage_record'), stored);
  const missingCol = await call('POST', '/api/v1/usage/import', { csv: 'attribute,date\nDISK,2026-01-10\n' });
  assert.equal(missingCol.statusCode, 400);
  assert.match(missingCol.json().error.message, /missing: subscription \(or member_number and account_type\), quantity/);
  const real = await t.app.inject({ method: 'POST', url: '/api/v1/usage/import', headers: { ...editor.headers, 'content-type': 'text/csv' }, payload: csv });
  assert.equal(real.statusCode, 200, real.body);
  assert.equal(real.json().created, 2);
  const again = await t.app.inject({ method: 'POST', url: '/api/v1/usage/import', headers: { ...editor.headers, 'content-type': 'text/csv' }, payload: csv });
  assert.equal(again.json().created, 0);
  assert.equal(again.json().duplicates, 2);
  assert.equal(await count('usage_record'), stored + 2);
});

test('recurring charges: create, list, change, archive; bad input refused', async () => {
  const c = await person('Recurring');
  const rc = await ok('POST', '/api/v1/recurring-charges', { contactId: c, description: 'Locker rent', amount: '150', frequency: 'quarter', startDate: '2026-02-01', vatRate: '25', glAccount: '30100-0000' });
  assert.equal(rc.amount, '150.00');
  assert.equal(rc.payerId, c);
  assert.equal(rc.anchorDay, 1);
  assert.equal(rc.nextDue, '2026-02-01');
  for (const body of [
    { contactId: c, description: '', amount: '1', frequency: 'month' },
    { contactId: c, description: 'X', amount: '-1', frequency: 'month' },
    { contactId: c, description: 'X', amount: '1', frequency: 'week' },
    { contactId: c, description: 'X', amount: '1', frequency: 'month', glAccount: '123' },
  ]) {
    assert.equal((await call('POST', '/api/v1/recurring-charges', body)).statusCode, 400, JSON.stringify(body));
  }
  const changed = await ok('PATCH', `/api/v1/recurring-charges/${rc.id}`, { amount: '175.50' }, 200);
  assert.equal(changed.amount, '175.50');
  assert.equal(changed.nextDue, '2026-01-15');
  await t.ctx.db.updateTable('recurring_charge').set({ cursor: '2026-02-01' }).where('id', '=', rc.id).execute();
  assert.equal((await call('PATCH', `/api/v1/recurring-charges/${rc.id}`, { frequency: 'month' })).statusCode, 409);
  const archived = await ok('PATCH', `/api/v1/recurring-charges/${rc.id}`, { archived: true }, 200);
  assert.equal(archived.archived, true);
  const list = await ok('GET', `/api/v1/recurring-charges?contactId=${c}`);
  assert.equal(list.total, 1);
  const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'recurring_charge').where('entity_id', '=', rc.id).orderBy('seq').execute();
  assert.deepEqual(audit.map((a) => a.action), ['create', 'update', 'archive']);
});

test('queued charges: create, list by state, cancel only while no invoice has taken them', async () => {
  const c = await person('Queued');
  const q1 = await ok('POST', '/api/v1/queued-charges', { contactId: c, description: 'Key card', unitPrice: '50', quantity: '2', vatRate: '25' });
  assert.equal(q1.state, 'open');
  assert.equal(q1.chargeDate, '2026-01-15');
  assert.equal(q1.unitPrice, '50.00');
  const q2 = await ok('POST', '/api/v1/queued-charges', { contactId: c, description: 'Discount', unitPrice: '-20' });
  assert.equal((await call('POST', '/api/v1/queued-charges', { contactId: c, description: 'Bad', unitPrice: 'ten' })).statusCode, 400);
  const cancelled = await ok('POST', `/api/v1/queued-charges/${q2.id}/cancel`, { reason: 'Given by mistake' }, 200);
  assert.equal(cancelled.state, 'cancelled');
  assert.equal((await call('POST', `/api/v1/queued-charges/${q2.id}/cancel`, {})).statusCode, 409);
  await t.ctx.db.updateTable('queued_charge').set({ invoice_id: 'inv_1' }).where('id', '=', q1.id).execute();
  const billed = await call('POST', `/api/v1/queued-charges/${q1.id}/cancel`, {});
  assert.equal(billed.statusCode, 409);
  assert.match(billed.json().error.message, /on an invoice/);
  assert.equal((await ok('GET', `/api/v1/queued-charges?contactId=${c}&state=open`)).total, 0);
  assert.equal((await ok('GET', `/api/v1/queued-charges?contactId=${c}&state=billed`)).total, 1);
  assert.equal((await ok('GET', `/api/v1/queued-charges?contactId=${c}`)).total, 2);
});
