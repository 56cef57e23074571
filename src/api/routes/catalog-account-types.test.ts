import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestServer } from '../../../test/support/context.ts';
import { bearerWith } from '../../../test/support/auth.ts';

let t: Awaited<ReturnType<typeof createTestServer>>;
let editor: { headers: Record<string, string> };
let reader: { headers: Record<string, string> };
before(async () => {
  t = await createTestServer();
  editor = await bearerWith(t.ctx, { billing: 'update' }, 'billing editor');
  reader = await bearerWith(t.ctx, { billing: 'read' }, 'billing reader');
});
after(async () => t.close());

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers = editor.headers) =>
  t.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
const base = '/api/v1/catalog/account-types';

test("GPFN's classes through the API: Registered (free, never invoiced), Individual and Institution with G/L and VAT", async () => {
  const reg = await call('POST', '/api/v1/membership-types', { code: 'REG', name: 'Registered', frequency: 'never', price: '0', invoiced: false, priceEffectiveFrom: '2000-01-01' });
  assert.equal(reg.statusCode, 201, reg.body);
  const ind = await call('POST', '/api/v1/membership-types', { code: 'IND', name: 'Individual', frequency: 'year', price: '300', glAccount: '30000-0000', vatRate: '0' });
  assert.equal(ind.statusCode, 201, ind.body);
  const inst = await call('POST', '/api/v1/membership-types', { code: 'INST', name: 'Institution', frequency: 'year', price: '1500', glAccount: '30100-0000', vatRate: '25', signupAllowed: false });
  assert.equal(inst.statusCode, 201, inst.body);
  assert.deepEqual([reg.json().invoiced, reg.json().frequency, reg.json().price.amount], [false, 'never', '0.00']);
  assert.deepEqual([ind.json().glAccount, ind.json().vatRate, ind.json().followsId], ['30000-0000', '0', null]);
  assert.deepEqual([inst.json().glAccount, inst.json().vatRate, inst.json().signupAllowed, inst.json().price.amount], ['30100-0000', '25', false, '1500.00']);
  // A secondary class following Institution, and the rules about following.
  const extra = await call('POST', '/api/v1/membership-types', { code: 'INSTX', name: 'Institution, extra seat', frequency: 'year', price: '0', invoiced: false, followsId: inst.json().id });
  assert.equal(extra.json().followsId, inst.json().id);
  const loop = await call('PATCH', `/api/v1/membership-types/${inst.json().id}`, { followsId: extra.json().id });
  assert.equal(loop.statusCode, 400);
  assert.equal(loop.json().error.details.field, 'followsId');
  const badGl = await call('PATCH', `/api/v1/membership-types/${ind.json().id}`, { glAccount: '3000' });
  assert.equal(badGl.statusCode, 400);
  assert.match(badGl.json().error.message, /NNNNN-NNNN/);
  const list = (await call('GET', '/api/v1/membership-types?pageSize=100', undefined, reader.headers)).json();
  const fm2 = list.items.find((i: { code: string }) => i.code === 'FM2');
  assert.equal(fm2.followsId, list.items.find((i: { code: string }) => i.code === 'FM1').id);
});

test('account types: create with attributes, read, list; bad input 400 with the field, nothing stored', async () => {
  assert.equal((await t.app.inject({ method: 'GET', url: base })).statusCode, 401);
  assert.deepEqual((await call('GET', base, undefined, reader.headers)).json(), { items: [], page: 1, pageSize: 50, total: 0 });
  const res = await call('POST', base, {
    code: 'vps',
    name: 'Virtual server',
    frequency: 'month',
    termPeriods: 12,
    vatRate: '25',
    price: '1200',
    attributes: [{ code: 'cpu_hours', description: 'CPU time', unit: 'hours', included: '100', rate: '0.25' }],
  });
  assert.equal(res.statusCode, 201, res.body);
  const vps = res.json();
  assert.deepEqual(vps.price, { amount: '1200.00', currency: 'NOK', effectiveFrom: '2026-01-15' });
  assert.deepEqual(vps.attributes.map((a: Record<string, unknown>) => ({ ...a, id: undefined })), [
    { id: undefined, code: 'cpu_hours', description: 'CPU time', unit: 'hours', included: '100', rate: '0.25', currency: 'NOK', per: 'period', glAccount: null, vatRate: '25', position: 0 },
  ]);
  assert.equal((await call('GET', `${base}/${vps.id}`, undefined, reader.headers)).json().code, 'VPS');
  assert.equal((await call('GET', `${base}/nope`, undefined, reader.headers)).statusCode, 404);
  for (const [body, field] of [
    [{ code: 'X Y', name: 'X', frequency: 'month', price: '1' }, 'code'],
    [{ code: 'XY', name: 'X', frequency: 'month', price: '1', vatRate: '300' }, 'vatRate'],
    [{ code: 'XY', name: 'X', frequency: 'month', price: '1', attributes: [{ code: 'a', description: 'A', rate: '1', included: 'lots' }] }, 'included'],
  ] as const) {
    const bad = await call('POST', base, body);
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().error.details.field, field);
  }
  assert.equal((await call('POST', base, { code: 'XY', name: 'X', frequency: 'month', price: '1', colour: 'red' })).statusCode, 400);
  assert.equal((await call('POST', base, { code: 'XY', name: 'X', frequency: 'lifetime', price: '1' })).statusCode, 400);
  assert.equal((await call('POST', base, { code: 'VPS', name: 'Again', frequency: 'month', price: '1' })).statusCode, 409);
  assert.equal((await call('GET', base)).json().total, 1);
});

test('account type attributes and fees through the API; read-only keys refused; archive and restore', async () => {
  const vps = (await call('GET', `${base}?q=vps`)).json().items[0];
  const forbidden = [
    ['POST', base, { code: 'RO', name: 'RO', frequency: 'month', price: '1' }],
    ['PATCH', `${base}/${vps.id}`, { name: 'Changed' }],
    ['POST', `${base}/${vps.id}/prices`, { amount: '1', effectiveFrom: '2026-02-01' }],
    ['POST', `${base}/${vps.id}/attributes`, { code: 'ram', description: 'RAM', rate: '1' }],
  ] as const;
  for (const [method, url, body] of forbidden) assert.equal((await call(method, url, body, reader.headers)).statusCode, 403, url);
  const added = await call('POST', `${base}/${vps.id}/attributes`, { code: 'ram_gb', description: 'Memory', unit: 'GB', included: '2', rate: '50', per: 'term' });
  assert.equal(added.statusCode, 201, added.body);
  const ram = added.json().attributes.find((a: { code: string }) => a.code === 'ram_gb');
  assert.deepEqual([ram.per, ram.position], ['term', 1]);
  const dup = await call('POST', `${base}/${vps.id}/attributes`, { code: 'RAM_GB', description: 'Again', rate: '1' });
  assert.equal(dup.statusCode, 409);
  const patched = await call('PATCH', `${base}/${vps.id}/attributes/${ram.id}`, { rate: '45,50', description: 'RAM' });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.deepEqual(((a) => [a.rate, a.description])(patched.json().attributes[1]), ['45.50', 'RAM']);
  assert.equal((await call('PATCH', `${base}/${vps.id}/attributes/${ram.id}`, { rate: '-1' })).statusCode, 400);
  const removed = await call('DELETE', `${base}/${vps.id}/attributes/${ram.id}`);
  assert.equal(removed.statusCode, 200);
  assert.deepEqual(removed.json().attributes.map((a: { code: string }) => a.code), ['cpu_hours']);
  assert.equal((await call('DELETE', `${base}/${vps.id}/attributes/${ram.id}`)).statusCode, 404);
  const fee = await call('POST', `${base}/${vps.id}/prices`, { amount: '1300', effectiveFrom: '2026-07-01' });
  assert.equal(fee.statusCode, 201);
  assert.deepEqual(fee.json().prices.map((p: { amount: string }) => p.amount), ['1200.00', '1300.00']);
  assert.equal(fee.json().price.amount, '1200.00');
  const archived = await call('PATCH', `${base}/${vps.id}`, { archived: true });
  assert.equal(archived.json().archived, true);
  assert.equal((await call('GET', `${base}?archived=false`)).json().total, 0);
  assert.equal((await call('PATCH', `${base}/${vps.id}`, { archived: false })).json().archived, false);
  const history = await t.ctx.db.selectFrom('audit_log').select('action').where('entity_id', '=', vps.id).orderBy('seq').execute();
  assert.deepEqual(history.map((h) => h.action), ['create', 'add_attribute', 'update_attribute', 'remove_attribute', 'add_price', 'archive', 'restore']);
});
