import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import { createTestServer } from '../../test/support/context.ts';

let t: Awaited<ReturnType<typeof createTestServer>>;
before(async () => {
  t = await createTestServer();
});
after(async () => t.close());

test('/api/health reports that the database answers', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/health' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { status: 'ok', database: 'ok' });
  assert.ok(res.headers['x-request-id'], 'every response carries a request id');
});

test('the OpenAPI document is served and validates with an OpenAPI parser', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
  assert.equal(res.statusCode, 200);
  const doc = res.json();
  assert.match(doc.openapi, /^3\./);
  await SwaggerParser.validate(structuredClone(doc));
  assert.ok(doc.paths['/api/health'], 'documents the health endpoint');
  const docs = await t.app.inject({ method: 'GET', url: '/api/docs/' });
  assert.equal(docs.statusCode, 200);
  assert.match(docs.body, /swagger/i);
});

test('unknown API paths get a JSON 404 in the common error shape', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().error.code, 'not_found');
});

test('malformed bodies get a readable 4xx, never a 500', async () => {
  const cases: Array<{ payload: string | Buffer; type: string; status: number; message: RegExp }> = [
    { payload: '{"a":', type: 'application/json', status: 400, message: /not valid JSON/ },
    { payload: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), type: 'application/json', status: 400, message: /UTF-8/ },
    { payload: '{"__proto__":{"x":1}}', type: 'application/json', status: 400, message: /forbidden key/ },
    { payload: '{"name":"a\\u0000b"}', type: 'application/json', status: 400, message: /NUL character/ },
    { payload: JSON.stringify({ big: 'x'.repeat(2 * 1024 * 1024) }), type: 'application/json', status: 413, message: /too large/ },
  ];
  for (const c of cases) {
    const res = await t.app.inject({ method: 'POST', url: '/api/health', payload: c.payload, headers: { 'content-type': c.type } });
    assert.equal(res.statusCode, c.status, `${c.type} ${String(c.payload).slice(0, 20)} → ${res.body}`);
    assert.match(res.json().error.message, c.message);
  }
});

test('a NUL byte in the address is refused with 400 on both databases', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/staff/%00' });
  assert.equal(res.statusCode, 400);
  assert.match(res.json().error.message, /NUL character/);
});

test('/metrics speaks the Prometheus text format and counts requests by route and status', async () => {
  await t.app.inject({ method: 'GET', url: '/api/health' });
  const res = await t.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /text\/plain/);
  assert.match(res.body, /# TYPE guildhall_http_requests_total counter/);
  assert.match(res.body, /guildhall_http_requests_total\{method="GET",route="\/api\/health",status="200"\} \d+/);
});
