import fs from 'node:fs';
import path from 'node:path';
import { before, after } from 'node:test';
import { testNeeding } from '../../../test/support/tools.ts';

const test = testNeeding(['pdftotext', 'pdfinfo', 'unzip']);
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import { createTestServer } from '../../../test/support/context.ts';
import { bearerWith } from '../../../test/support/auth.ts';
import { pdfText, zipNames } from '../../../test/support/pdf.ts';
import { defaultJobRegistry } from '../../jobs/job-modules.ts';
import { runDueJobs } from '../../jobs/run-jobs.ts';

let t: Awaited<ReturnType<typeof createTestServer>>;
let editor: { headers: Record<string, string> };
let reader: { headers: Record<string, string> };
let mailEditor: { headers: Record<string, string> };
let ase: string;
let zoe: string;
let invoice: { id: string; number: number; paymentReference: string };

const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers = editor.headers) =>
  t.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });

const issue = async (payerId: string, unitPrice = '450.00') => {
  const draft = await call('POST', '/api/v1/invoices', { payerId, lines: [{ description: 'Medlemskap 2026 – Ærlig Ørn', unitPrice, vatRate: '25' }] });
  assert.equal(draft.statusCode, 201, draft.body);
  const issued = await call('POST', `/api/v1/invoices/${draft.json().id}/issue`);
  assert.equal(issued.statusCode, 200, issued.body);
  return issued.json() as { id: string; number: number; paymentReference: string };
};

before(async () => {
  t = await createTestServer();
  editor = await bearerWith(t.ctx, { billing: 'update', contacts: 'update', settings: 'update' }, 'billing editor');
  reader = await bearerWith(t.ctx, { billing: 'read' }, 'billing reader');
  mailEditor = await bearerWith(t.ctx, { communications: 'update' }, 'mail editor');
  for (const [key, value] of [['organization.name', 'Oslo Makerspace'], ['organization.bank_account', '1234.56.78903']]) {
    assert.equal((await call('PATCH', `/api/v1/settings/${key}`, { value })).statusCode, 200);
  }
  const mk = async (body: object) => {
    const r = await call('POST', '/api/v1/contacts', body);
    assert.equal(r.statusCode, 201, r.body);
    return r.json().id as string;
  };
  ase = await mk({ kind: 'person', firstNames: 'Åse', lastName: 'Ødegård', email: 'ase@example.org', addressLines: ['Kirkeveien 12 B'], postcode: '0368', place: 'Oslo' });
  zoe = await mk({ kind: 'person', firstNames: 'Zoë', lastName: 'Łukasiewicz', invoiceDelivery: 'print', addressLines: ['Gata 3'], postcode: '5003', place: 'Bergen' });
  invoice = await issue(ase);
});
after(async () => t.close());

test('GET /invoices/:id/pdf serves the PDF inline (or as a download), for billing readers only', async () => {
  const res = await call('GET', `/api/v1/invoices/${invoice.id}/pdf`, undefined, reader.headers);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/pdf');
  assert.equal(res.headers['content-disposition'], `inline; filename="faktura-${invoice.number}.pdf"`);
  const text = pdfText(res.rawPayload).replace(/\s+/g, ' ');
  assert.ok(text.includes('Ødegård, Åse') && text.includes(invoice.paymentReference) && text.includes('562,50 kr') && text.includes('1234.56.78903'), text);
  const dl = await call('GET', `/api/v1/invoices/${invoice.id}/pdf?download=true`, undefined, reader.headers);
  assert.match(dl.headers['content-disposition'] as string, /^attachment;/);
  assert.equal((await call('GET', '/api/v1/invoices/NOPE/pdf')).statusCode, 404);
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/invoices/${invoice.id}/pdf` })).statusCode, 401);
  assert.equal((await call('GET', `/api/v1/invoices/${invoice.id}/pdf`, undefined, mailEditor.headers)).statusCode, 403);
});

test('POST /invoices/:id/send answers 202 with the sending; the deliveries show it; readers cannot send', async () => {
  assert.equal((await call('POST', `/api/v1/invoices/${invoice.id}/send`, {}, reader.headers)).statusCode, 403);
  assert.equal((await call('POST', `/api/v1/invoices/${invoice.id}/send`, { channel: 'fax' })).statusCode, 400);
  assert.equal((await call('POST', `/api/v1/invoices/${invoice.id}/send`, { extra: true })).statusCode, 400);
  const res = await call('POST', `/api/v1/invoices/${invoice.id}/send`);
  assert.equal(res.statusCode, 202, res.body);
  assert.deepEqual(res.json(), { invoiceId: invoice.id, sending: 1, sentCount: 1, channel: 'email', recipients: ['ase@example.org'], jobId: `invoice-delivery:${invoice.id}:1`, note: null });
  await runDueJobs(t.ctx, { registry: defaultJobRegistry() });
  const log = await call('GET', `/api/v1/invoices/${invoice.id}/deliveries`, undefined, reader.headers);
  assert.equal(log.statusCode, 200);
  const body = log.json();
  assert.equal(body.sentCount, 1);
  assert.equal(body.delivery, 'email');
  assert.equal(body.items.length, 1);
  assert.equal(body.items[0].status, 'stored', 'no SMTP here: kept in the outbox');
  const mail = await call('GET', `/api/v1/mail/${body.items[0].mailMessageId}`, undefined, (await bearerWith(t.ctx, { communications: 'read' })).headers);
  assert.equal(mail.statusCode, 200);
  assert.deepEqual(mail.json().attachments.map((a: { filename: string }) => a.filename), [`faktura-${invoice.number}.pdf`]);
  assert.equal(mail.json().relatedId, invoice.id);

  const draft = await call('POST', '/api/v1/invoices', { payerId: ase, lines: [{ description: 'x', unitPrice: '1' }] });
  assert.equal((await call('POST', `/api/v1/invoices/${draft.json().id}/send`)).statusCode, 409);
});

test('POST /invoices/send: a dry run counts (200), a real one queues (202)', async () => {
  const second = await issue(ase, '100');
  const dry = await call('POST', '/api/v1/invoices/send', { selection: { timesSent: 0, payerId: ase }, dryRun: true });
  assert.equal(dry.statusCode, 200, dry.body);
  assert.deepEqual(dry.json(), { count: 1, dryRun: true, invoiceIds: [second.id] });
  const real = await call('POST', '/api/v1/invoices/send', { selection: { payerId: ase, open: true } });
  assert.equal(real.statusCode, 202);
  assert.equal(real.json().count, 2);
  assert.equal((await call('POST', '/api/v1/invoices/send', { selection: { bogus: 1 } })).statusCode, 400);
  const report = await call('GET', '/api/v1/reports/invoices-sent?count=2', undefined, reader.headers);
  assert.equal(report.statusCode, 200);
  assert.deepEqual(
    report.json().items.map((i: { name: string; timesSent: number; openInvoices: number; open: { amount: string } }) => [i.name, i.timesSent, i.openInvoices, i.open.amount]),
    [['Ødegård, Åse', 2, 2, '687.50']],
  );
  assert.equal((await call('GET', '/api/v1/reports/invoices-sent?count=4', undefined, reader.headers)).statusCode, 400);
  await runDueJobs(t.ctx, { registry: defaultJobRegistry() });
});

test('print batches: what waits, one PDF made from it, listed, fetched; nothing waiting is a 400', async () => {
  const paper = await issue(zoe);
  assert.equal((await call('POST', `/api/v1/invoices/${paper.id}/send`)).json().channel, 'print');
  await runDueJobs(t.ctx, { registry: defaultJobRegistry() });
  const waiting = await call('GET', '/api/v1/print-batches/waiting', undefined, reader.headers);
  assert.deepEqual(waiting.json().items.map((w: { number: number }) => w.number), [paper.number]);
  assert.equal((await call('POST', '/api/v1/print-batches', {}, reader.headers)).statusCode, 403);
  const made = await call('POST', '/api/v1/print-batches', {});
  assert.equal(made.statusCode, 201, made.body);
  const batch = made.json();
  assert.equal(batch.documentCount, 1);
  assert.deepEqual(batch.items.map((i: { number: number; firstPage: number }) => [i.number, i.firstPage]), [[paper.number, 2]]);
  assert.ok(fs.existsSync(path.join(t.ctx.config.dataDir, batch.file)));
  const list = await call('GET', '/api/v1/print-batches', undefined, reader.headers);
  assert.equal(list.json().total, 1);
  assert.equal((await call('GET', `/api/v1/print-batches/${batch.id}`, undefined, reader.headers)).json().items[0].payerName, 'Łukasiewicz, Zoë');
  const file = await call('GET', `/api/v1/print-batches/${batch.id}/pdf`, undefined, reader.headers);
  assert.equal(file.statusCode, 200);
  assert.equal(file.headers['content-type'], 'application/pdf');
  assert.ok(pdfText(file.rawPayload).includes('Utskriftsbunke'));
  const again = await call('POST', '/api/v1/print-batches');
  assert.equal(again.statusCode, 400);
  assert.match(again.json().error.message, /Nothing is waiting/);
  assert.equal((await call('GET', '/api/v1/print-batches/NOPE/pdf')).statusCode, 404);
});

test('statements: JSON, PDF, e-mail for one, e-mail for all (dry run) and a zip', async () => {
  const json = await call('GET', `/api/v1/contacts/${ase}/statement`, undefined, reader.headers);
  assert.equal(json.statusCode, 200, json.body);
  const s = json.json();
  assert.equal(s.contact.name, 'Ødegård, Åse');
  assert.deepEqual(s.entries.map((e: { kind: string; balance: { amount: string } }) => [e.kind, e.balance.amount]), [
    ['invoice', '562.50'],
    ['invoice', '687.50'],
  ]);
  assert.deepEqual(s.amountDue, { amount: '687.50', currency: 'NOK', minor: '68750' });
  const pdf = await call('GET', `/api/v1/contacts/${ase}/statement?format=pdf&asOf=2026-01-31`, undefined, reader.headers);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  assert.match(pdf.headers['content-disposition'] as string, /kontoutskrift-\d+-2026-01-31\.pdf/);
  assert.ok(pdfText(pdf.rawPayload).includes('Kontoutskrift'));
  assert.equal((await call('GET', `/api/v1/contacts/${ase}/statement?asOf=31.01.2026`, undefined, reader.headers)).statusCode, 400);

  const one = await call('POST', `/api/v1/contacts/${ase}/statement/send`, {});
  assert.equal(one.statusCode, 202, one.body);
  assert.deepEqual(one.json().recipients, ['ase@example.org']);
  const noAddress = await call('POST', `/api/v1/contacts/${zoe}/statement/send`, {});
  assert.equal(noAddress.statusCode, 400);
  assert.match(noAddress.json().error.message, /has no e-mail address/);

  const all = await call('POST', '/api/v1/statements/send', { dryRun: true });
  assert.equal(all.statusCode, 200);
  assert.deepEqual({ ...(all.json() as object), asOf: undefined }, { batchId: null, asOf: undefined, dryRun: true, count: 1, withoutEmail: 1, withoutEmailIds: [zoe] });

  const zip = await call('GET', `/api/v1/statements/zip?contactIds=${zoe},${ase}`, undefined, reader.headers);
  assert.equal(zip.statusCode, 200);
  assert.equal(zip.headers['content-type'], 'application/zip');
  assert.equal(zipNames(zip.rawPayload).length, 2);
});

test('document templates: list, read with variables, refuse unknown variables, save, preview on real data, reset', async () => {
  const list = await call('GET', '/api/v1/document-templates', undefined, reader.headers);
  assert.deepEqual(list.json().items.map((i: { kind: string }) => i.kind), ['invoice', 'credit_note', 'statement']);
  const current = (await call('GET', '/api/v1/document-templates/invoice', undefined, reader.headers)).json();
  assert.equal(current.customized, false);
  assert.equal(current.version, 0);
  assert.ok(current.variables.some((v: { name: string }) => v.name === 'invoice.paymentReference'));

  const bad = await call('PUT', '/api/v1/document-templates/invoice', { content: { ...current.content, footer: 'Saldo {{statement.balance}}', accentColor: 'red' }, version: 0 });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(bad.json().error.details.problems.map((p: { field: string }) => p.field), ['content.footer', 'content.accentColor']);
  assert.equal((await call('PUT', '/api/v1/document-templates/invoice', { content: current.content }, reader.headers)).statusCode, 403);
  assert.equal((await call('PUT', '/api/v1/document-templates/receipt', { content: current.content })).statusCode, 400);

  const content = { ...current.content, title: 'Medlemsfaktura', footer: 'Betal til {{organization.bankAccount}}' };
  const preview = await call('POST', '/api/v1/document-templates/invoice/preview', { content, invoiceId: invoice.id }, reader.headers);
  assert.equal(preview.statusCode, 200, preview.body);
  assert.equal(preview.headers['content-type'], 'application/pdf');
  assert.equal(preview.headers['x-preview-source'], `invoice:${invoice.id}`);
  const text = pdfText(preview.rawPayload);
  assert.ok(text.includes('Medlemsfaktura') && text.includes('Betal til 1234.56.78903'), text);

  const saved = await call('PUT', '/api/v1/document-templates/invoice', { content, version: 0 });
  assert.equal(saved.statusCode, 200, saved.body);
  assert.equal(saved.json().version, 1);
  assert.equal((await call('PUT', '/api/v1/document-templates/invoice', { content, version: 0 })).statusCode, 409);
  assert.ok(pdfText((await call('GET', `/api/v1/invoices/${invoice.id}/pdf`)).rawPayload).includes('Medlemsfaktura'));
  const reset = await call('DELETE', '/api/v1/document-templates/invoice');
  assert.equal(reset.json().customized, false);
  assert.ok(!pdfText((await call('GET', `/api/v1/invoices/${invoice.id}/pdf`)).rawPayload).includes('Medlemsfaktura'));
});

test('e-mail templates (area communications): both languages, documented variables, unknown ones refused, preview', async () => {
  assert.equal((await call('GET', '/api/v1/mail-templates', undefined, reader.headers)).statusCode, 403, 'billing access is not enough');
  const list = await call('GET', '/api/v1/mail-templates', undefined, mailEditor.headers);
  assert.equal(list.json().items.length, 10);
  const one = (await call('GET', '/api/v1/mail-templates/receipt/nb', undefined, mailEditor.headers)).json();
  assert.equal(one.customized, false);
  assert.ok(one.variables.every((v: { description: string; example: string }) => v.description && v.example));
  assert.equal((await call('GET', '/api/v1/mail-templates/receipt/de', undefined, mailEditor.headers)).statusCode, 400);

  const bad = await call('PUT', '/api/v1/mail-templates/invoice/en', { subject: 'Invoice {{invoice.number}}', body: 'Hi {{payer.firstName}}' }, mailEditor.headers);
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.details.field, 'body');
  assert.match(bad.json().error.message, /there is no variable \{\{payer\.firstName\}\}\. Use one of .*\{\{payer\.name\}\}/);

  const preview = await call('POST', '/api/v1/mail-templates/invoice/en/preview', { subject: 'Invoice {{invoice.number}}', body: 'Pay {{invoice.amountDue}} to {{organization.bankAccount}} quoting {{invoice.paymentReference}}.', invoiceId: invoice.id }, mailEditor.headers);
  assert.equal(preview.statusCode, 200, preview.body);
  assert.equal(preview.json().subject, `Invoice ${invoice.number}`);
  assert.equal(preview.json().source, 'invoice');
  assert.match(preview.json().body.replace(/\s/g, ' '), new RegExp(`^Pay 562,50 kr to 1234\\.56\\.78903 quoting ${invoice.paymentReference}\\.`));

  const saved = await call('PUT', '/api/v1/mail-templates/invoice/en', { subject: 'Your invoice {{invoice.number}}', body: 'Hi {{recipient.name}}' }, mailEditor.headers);
  assert.equal(saved.statusCode, 200);
  assert.equal(saved.json().version, 1);
  const reset = await call('DELETE', '/api/v1/mail-templates/invoice/en', undefined, mailEditor.headers);
  assert.equal(reset.json().subject, 'Invoice {{invoice.number}} from {{organization.name}}');
  const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'mail_template').where('entity_id', '=', 'invoice:en').orderBy('seq').execute();
  assert.deepEqual(audit.map((a) => a.action), ['update', 'reset']);
});

test('the OpenAPI document describes these endpoints, PDFs and zips as binary', async () => {
  const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  await SwaggerParser.validate(structuredClone(doc));
  for (const p of [
    '/api/v1/invoices/{id}/pdf',
    '/api/v1/invoices/{id}/send',
    '/api/v1/invoices/{id}/deliveries',
    '/api/v1/invoices/send',
    '/api/v1/print-batches',
    '/api/v1/print-batches/waiting',
    '/api/v1/print-batches/{id}',
    '/api/v1/print-batches/{id}/pdf',
    '/api/v1/contacts/{id}/statement',
    '/api/v1/contacts/{id}/statement/send',
    '/api/v1/statements/send',
    '/api/v1/statements/zip',
    '/api/v1/document-templates',
    '/api/v1/document-templates/{kind}',
    '/api/v1/document-templates/{kind}/preview',
    '/api/v1/mail-templates',
    '/api/v1/mail-templates/{key}/{language}',
    '/api/v1/mail-templates/{key}/{language}/preview',
    '/api/v1/reports/invoices-sent',
  ]) {
    assert.ok(doc.paths[p], `${p} is documented`);
  }
  assert.deepEqual(doc.paths['/api/v1/invoices/{id}/pdf'].get.responses['200'].content['application/pdf'].schema, { type: 'string', format: 'binary' });
  assert.ok(doc.paths['/api/v1/contacts/{id}/statement'].get.responses['200'].content['application/json'].schema.properties.entries);
  assert.ok(doc.paths['/api/v1/statements/zip'].get.responses['200'].content['application/zip']);
});
