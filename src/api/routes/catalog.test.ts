import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestServer } from '../../../test/support/context.ts';
import { bearerWith } from '../../../test/support/auth.ts';

let t: Awaited<ReturnType<typeof createTestServer>>;
let editor: { headers: Record<string, string> };
let reader: { headers: Record<string, string> };
before(async () => {
  t = await createTestServer();
  editor = await bearerWith(t.ctx, { billing: 'update', staff: 'read' }, 'billing editor');
  reader = await bearerWith(t.ctx, { billing: 'read' }, 'billing reader');
});
after(async () => t.close());

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, headers = editor.headers) =>
  t.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });

const typeId = async (code: string) => ((await call('GET', '/api/v1/membership-types?pageSize=100')).json().items as Array<{ id: string; code: string }>).find((i) => i.code === code)!.id;

test('GET /api/v1/membership-types lists the defaults with the price in force and the history', async () => {
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/membership-types' })).statusCode, 401);
  assert.equal((await call('GET', '/api/v1/membership-types', undefined, (await bearerWith(t.ctx, { contacts: 'update' })).headers)).statusCode, 403);
  const res = await call('GET', '/api/v1/membership-types', undefined, reader.headers);
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.total, 6);
  assert.equal(body.page, 1);
  const ord = body.items[0];
  assert.equal(ord.code, 'ORD');
  assert.deepEqual(ord.price, { amount: '450.00', currency: 'NOK', effectiveFrom: '2000-01-01' });
  assert.equal(ord.prices.length, 1);
  const one = await call('GET', `/api/v1/membership-types/${ord.id}`, undefined, reader.headers);
  assert.equal(one.json().code, 'ORD');
  assert.equal((await call('GET', '/api/v1/membership-types/nope', undefined, reader.headers)).statusCode, 404);
});

test('a read-only key cannot change the catalog (403) and nothing changes', async () => {
  const ord = await typeId('ORD');
  for (const [method, url, body] of [
    ['POST', '/api/v1/membership-types', { code: 'RO', name: 'Read only', frequency: 'year', price: '1' }],
    ['PATCH', `/api/v1/membership-types/${ord}`, { name: 'Changed' }],
    ['POST', `/api/v1/membership-types/${ord}/prices`, { amount: '1', effectiveFrom: '2026-02-01' }],
    ['POST', '/api/v1/products', { code: 'RO', name: 'Read only', kind: 'fee', frequency: 'once', price: '1' }],
    ['POST', '/api/v1/campaign-codes', { code: 'READONLY', kind: 'percent', percent: '10', validFrom: '2026-01-01', validTo: '2026-12-31' }],
  ] as const) {
    assert.equal((await call(method, url, body, reader.headers)).statusCode, 403, `${method} ${url}`);
  }
  assert.equal((await call('GET', `/api/v1/membership-types/${ord}`)).json().name, 'Ordinary member');
});

test('POST /api/v1/membership-types creates GPFN classes; bad input gets 400 with a message and unknown fields are refused', async () => {
  const reg = await call('POST', '/api/v1/membership-types', { code: 'REG', name: 'Registered', frequency: 'never', price: '0', invoiced: false });
  assert.equal(reg.statusCode, 201);
  assert.deepEqual(reg.json().price, { amount: '0.00', currency: 'NOK', effectiveFrom: '2026-01-15' });
  const inst = await call('POST', '/api/v1/membership-types', { code: 'inst', name: 'Institution', frequency: 'year', price: '1500' });
  assert.equal(inst.json().code, 'INST');
  const bad = await call('POST', '/api/v1/membership-types', { code: 'X', name: 'X', frequency: 'year', price: '1' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error.message, /2–10 letters and digits/);
  const money = await call('POST', '/api/v1/membership-types', { code: 'MNY', name: 'M', frequency: 'year', price: 'lots' });
  assert.equal(money.statusCode, 400);
  assert.match(money.json().error.message, /Write it like 1234.50/);
  assert.equal((await call('POST', '/api/v1/membership-types', { code: 'UNK', name: 'U', frequency: 'year', price: '1', colour: 'red' })).statusCode, 400);
  const dup = await call('POST', '/api/v1/membership-types', { code: 'reg', name: 'Again', frequency: 'year', price: '1' });
  assert.equal(dup.statusCode, 409);
  assert.equal((await call('GET', '/api/v1/membership-types?pageSize=100')).json().total, 8);
});

test('price versions through the API: future price shows when its day comes; duplicates and past dates refused', async () => {
  const ord = await typeId('ORD');
  const added = await call('POST', `/api/v1/membership-types/${ord}/prices`, { amount: '480,00', effectiveFrom: '2026-03-01' });
  assert.equal(added.statusCode, 201);
  assert.deepEqual(added.json().price, { amount: '450.00', currency: 'NOK', effectiveFrom: '2000-01-01' });
  assert.deepEqual(added.json().prices.map((p: { amount: string; effectiveFrom: string }) => `${p.effectiveFrom} ${p.amount}`), ['2000-01-01 450.00', '2026-03-01 480.00']);
  const dup = await call('POST', `/api/v1/membership-types/${ord}/prices`, { amount: '490', effectiveFrom: '2026-03-01' });
  assert.equal(dup.statusCode, 400);
  assert.match(dup.json().error.message, /already a price effective from 2026-03-01/);
  const past = await call('POST', `/api/v1/membership-types/${ord}/prices`, { amount: '490', effectiveFrom: '2025-12-01' });
  assert.equal(past.statusCode, 400);
  t.ctx.clock.set('2026-03-01T08:00:00Z');
  assert.deepEqual((await call('GET', `/api/v1/membership-types/${ord}`)).json().price, { amount: '480.00', currency: 'NOK', effectiveFrom: '2026-03-01' });
  t.ctx.clock.set('2026-01-15T10:00:00Z');
});

test('products: create, price version, archive, list filter; audit rows are visible in billing history', async () => {
  const res = await call('POST', '/api/v1/products', { code: 'disk-1g', name: 'Disk quota block 1 GB', kind: 'upgrade', frequency: 'month', price: '10', vatRate: '25', glAccount: '31000-0000' });
  assert.equal(res.statusCode, 201);
  const p = res.json();
  assert.equal(p.code, 'DISK-1G');
  assert.equal(p.vatRate, '25');
  assert.deepEqual(p.price, { amount: '10.00', currency: 'NOK', effectiveFrom: '2026-01-15' });
  const bad = await call('POST', '/api/v1/products', { code: 'X', name: 'X', kind: 'upgrade', frequency: 'weekly', price: '1' });
  assert.equal(bad.statusCode, 400);
  assert.equal((await call('POST', `/api/v1/products/${p.id}/prices`, { amount: '12', effectiveFrom: '2026-02-01' })).statusCode, 201);
  const archived = await call('PATCH', `/api/v1/products/${p.id}`, { archived: true });
  assert.equal(archived.json().archived, true);
  assert.equal((await call('GET', '/api/v1/products?archived=false')).json().total, 0);
  assert.equal((await call('GET', '/api/v1/products?archived=true')).json().total, 1);
  const audit = await call('GET', `/api/v1/audit?entityType=product&entityId=${p.id}&sort=seq`);
  assert.equal(audit.statusCode, 200);
  assert.deepEqual(audit.json().items.map((a: { action: string }) => a.action), ['create', 'add_price', 'archive']);
  assert.equal(audit.json().items[0].actorType, 'apikey');
});

test('campaign codes: create, check (percent, fixed, window, unknown), patch', async () => {
  const ord = await typeId('ORD');
  const created = await call('POST', '/api/v1/campaign-codes', { code: 'spring', kind: 'percent', percent: '25', validFrom: '2026-01-01', validTo: '2026-05-31', maxUses: 100, appliesTo: [ord] });
  assert.equal(created.statusCode, 201);
  assert.equal(created.json().code, 'SPRING');
  assert.equal(created.json().uses, 0);
  const check = (body: object) => call('POST', '/api/v1/campaign-codes/check', body, reader.headers);
  assert.deepEqual((await check({ code: 'Spring', membershipTypeId: ord, date: '2026-02-01' })).json(), {
    valid: true,
    price: { amount: '337.50', currency: 'NOK' },
    regularPrice: { amount: '450.00', currency: 'NOK' },
  });
  const late = (await check({ code: 'spring', membershipTypeId: ord, date: '2026-06-01' })).json();
  assert.equal(late.valid, false);
  assert.equal(late.price, null);
  assert.match(late.reason, /expired on 2026-05-31/);
  assert.match((await check({ code: 'nothing', membershipTypeId: ord })).json().reason, /no campaign code NOTHING/);
  const fixed = await call('POST', '/api/v1/campaign-codes', { code: 'FLAT99', kind: 'fixed_price', amount: '99', validFrom: '2026-01-01', validTo: '2026-12-31' });
  assert.equal(fixed.json().amount, '99.00');
  assert.deepEqual((await check({ code: 'flat99', membershipTypeId: ord })).json().price, { amount: '99.00', currency: 'NOK' });
  const missing = await call('POST', '/api/v1/campaign-codes', { code: 'NOAMOUNT', kind: 'fixed_price', validFrom: '2026-01-01', validTo: '2026-12-31' });
  assert.equal(missing.statusCode, 400);
  assert.match(missing.json().error.message, /needs the first-period price/);
  const patched = await call('PATCH', `/api/v1/campaign-codes/${fixed.json().id}`, { archived: true });
  assert.equal(patched.json().archived, true);
  assert.match((await check({ code: 'flat99', membershipTypeId: ord })).json().reason, /no longer in use/);
  const listed = await call('GET', '/api/v1/campaign-codes', undefined, reader.headers);
  assert.equal(listed.json().total, 2);
});
