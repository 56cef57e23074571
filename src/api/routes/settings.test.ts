import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestServer } from '../../../test/support/context.ts';
import { bearerWith } from '../../../test/support/auth.ts';

let t: Awaited<ReturnType<typeof createTestServer>>;
let editor: { headers: Record<string, string> };
let reader: { headers: Record<string, string> };
before(async () => {
  t = await createTestServer();
  editor = await bearerWith(t.ctx, { settings: 'update', staff: 'read' }, 'settings editor');
  reader = await bearerWith(t.ctx, { settings: 'read' });
});
after(async () => t.close());

const patch = (key: string, body: unknown, headers = editor.headers) =>
  t.app.inject({ method: 'PATCH', url: `/api/v1/settings/${key}`, headers, payload: body as object });

test('GET /api/v1/organization needs no sign-in and shows name, locale, currency, time zone and logo', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/organization' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { name: 'My organization', locale: 'nb-NO', currency: 'NOK', timeZone: 'Europe/Oslo', logo: null });
});

test('GET /api/v1/settings lists typed settings by group for settings:read, and refuses the anonymous', async () => {
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/settings' })).statusCode, 401);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/settings', headers: (await bearerWith(t.ctx, { contacts: 'update' })).headers })).statusCode, 403);
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/settings', headers: reader.headers });
  assert.equal(res.statusCode, 200);
  const items = res.json().items as Array<Record<string, unknown>>;
  assert.deepEqual(new Set(items.map((i) => i.group)), new Set(['organization', 'system', 'ledger', 'general', 'billing']));
  assert.deepEqual(items.find((i) => i.key === 'general.invoice_due_days'), {
    key: 'general.invoice_due_days',
    group: 'general',
    type: 'integer',
    label: 'Invoice due days',
    description: 'Days from the invoice date to the due date.',
    value: 14,
    readOnly: false,
    updatedAt: null,
    updatedBy: null,
  });
  assert.equal(items.find((i) => i.key === 'system.version')?.readOnly, true);
});

test('PATCH changes a setting, the organization endpoint shows it, and the audit trail has before and after', async () => {
  const res = await patch('organization.name', { value: '  Oslo Roklubb ' });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().value, 'Oslo Roklubb');
  assert.equal(res.json().updatedBy, 'settings editor');
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/organization' })).json().name, 'Oslo Roklubb');

  const audit = await t.app.inject({ method: 'GET', url: '/api/v1/audit?entityType=setting&entityId=organization.name', headers: editor.headers });
  assert.equal(audit.statusCode, 200);
  const [entry] = audit.json().items;
  assert.equal(entry.action, 'update');
  assert.equal(entry.actorType, 'apikey');
  assert.equal(entry.actorName, 'settings editor');
  assert.deepEqual(entry.before, { value: 'My organization' });
  assert.deepEqual(entry.after, { value: 'Oslo Roklubb' });
  assert.equal(entry.requestId, res.headers['x-request-id']);
});

test('PATCH accepts JSON numbers and booleans, and null resets to the default', async () => {
  assert.equal((await patch('general.invoice_due_days', { value: 21 })).json().value, 21);
  assert.equal((await patch('general.vat_rate', { value: 12.5 })).json().value, '12.5');
  const reset = await patch('general.invoice_due_days', { value: null });
  assert.equal(reset.statusCode, 200);
  assert.equal(reset.json().value, 14);
});

test('PATCH refuses bad values with a message, read-only keys (409), unknown keys (404) and read-only callers (403)', async () => {
  const gl = await patch('ledger.bank_account', { value: '1920' });
  assert.equal(gl.statusCode, 400);
  assert.equal(gl.json().error.code, 'validation');
  assert.match(gl.json().error.message, /G\/L account must look like 51001-1006/);

  const tz = await patch('organization.time_zone', { value: 'Oslo' });
  assert.equal(tz.statusCode, 400);
  assert.match(tz.json().error.message, /not a time zone/);

  assert.equal((await patch('organization.name', { value: 'x', extra: 1 })).statusCode, 400, 'unknown fields are refused');
  assert.equal((await patch('organization.name', { value: { nested: true } })).statusCode, 400);
  assert.equal((await patch('organization.name', {})).statusCode, 400);

  const ro = await patch('system.version', { value: '9.9.9' });
  assert.equal(ro.statusCode, 409);
  assert.match(ro.json().error.message, /read-only/);

  assert.equal((await patch('no.such_key', { value: 'x' })).statusCode, 404);
  const forbidden = await patch('organization.name', { value: 'Hijack' }, reader.headers);
  assert.equal(forbidden.statusCode, 403);
  assert.notEqual((await t.app.inject({ method: 'GET', url: '/api/v1/organization' })).json().name, 'Hijack');
});

test('the logo round-trips as a data: URL, and an oversized one is refused', async () => {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 1)]);
  const logo = `data:image/png;base64,${png.toString('base64')}`;
  assert.equal((await patch('organization.logo', { value: logo })).statusCode, 200);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/organization' })).json().logo, logo);
  const big = `data:image/png;base64,${Buffer.concat([png, Buffer.alloc(600 * 1024)]).toString('base64')}`;
  const res = await patch('organization.logo', { value: big });
  assert.equal(res.statusCode, 400);
  assert.match(res.json().error.message, /the most is 512 KB/);
});
