/**
 * Delivery on a real database (SQLite; PostgreSQL with TEST_DATABASE_URL) through a real SMTP
 * server: each payer's preference, organizations' contact persons, the delivery log and send
 * counts, re-sends, print batches, the billing run's hook, mass sends and the "sent 1, 2, 3+ times
 * and unpaid" list.
 */
import fs from 'node:fs';
import path from 'node:path';
import { before, after } from 'node:test';
import { testNeeding } from '../../../test/support/tools.ts';

const test = testNeeding(['pdftotext', 'pdfinfo']);
import assert from 'node:assert/strict';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { filenameOf, leafParts, parseMime, startTestSmtpServer } from '../../../test/support/smtp.ts';
import { pdfText } from '../../../test/support/pdf.ts';
import { addSubscription, bill } from '../../../test/support/billing.ts';
import { inTransaction, toNumber } from '../../db/database.ts';
import { AppError } from '../../kernel/app-error.ts';
import { newId } from '../../kernel/ids.ts';
import { defaultJobRegistry } from '../../jobs/job-modules.ts';
import { runDueJobs } from '../../jobs/run-jobs.ts';
import { systemActor } from '../audit/index.ts';
import { createContact } from '../contacts/index.ts';
import { createCreditNote, createInvoice, issueInvoice, voidInvoice, type ManualLineInput } from '../invoices/index.ts';
import { updateSetting } from '../settings/index.ts';
import {
  createPrintBatch,
  deliveryJobId,
  getInvoiceDeliveries,
  getPrintBatch,
  invoicesSentReport,
  listWaitingPrint,
  queueReceiptMail,
  queueWelcomeMail,
  sendInvoice,
  sendInvoices,
  sendStatement,
  sendStatements,
  updateMailTemplate,
} from './index.ts';

const smtp = await startTestSmtpServer({ reject: ['bounce@example.org'] });
let ctx: TestContext;
const by = { actor: { type: 'staff' as const, id: 'st1', name: 'Tove Treasurer' }, requestId: 'req-send' };
const registry = defaultJobRegistry();
let ase: string; // person, e-mail
let zoe: string; // person, prefers paper
let org: string; // organization with contact persons
let admin: string;
let tech: string;

before(async () => {
  ctx = await createTestContext({ start: '2026-01-15T10:00:00Z', env: { SMTP_URL: smtp.url, MAIL_FROM: 'Oslo Makerspace <faktura@makerspace.example>' } });
  const set = (k: string, v: unknown) => updateSetting(ctx, systemActor, k, v);
  await set('organization.name', 'Oslo Makerspace');
  await set('organization.bank_account', '1234.56.78903');
  await set('organization.billing_email', 'faktura@makerspace.example');
  ase = (await createContact(ctx, by, { kind: 'person', firstNames: 'Åse', lastName: 'Ødegård', email: 'ase@example.org', addressLines: ['Kirkeveien 12 B'], postcode: '0368', place: 'Oslo' })).id;
  zoe = (await createContact(ctx, by, { kind: 'person', firstNames: 'Zoë', lastName: 'Łukasiewicz', email: 'zoe@example.org', invoiceDelivery: 'print', addressLines: ['Gata 3'], postcode: '5003', place: 'Bergen' })).id;
  org = (await createContact(ctx, by, { kind: 'organization', orgName: 'Ærlig Ørn AS', email: 'post@orn.example', addressLines: ['Bryggen 1'], postcode: '5003', place: 'Bergen' })).id;
  admin = (await createContact(ctx, by, { kind: 'person', firstNames: 'Kari', lastName: 'Nordmann', email: 'kari@orn.example', language: 'en' })).id;
  tech = (await createContact(ctx, by, { kind: 'person', firstNames: 'Ola', lastName: 'Teknikk', email: 'ola@orn.example' })).id;
  const pending = (await createContact(ctx, by, { kind: 'person', firstNames: 'Per', lastName: 'Venter', email: 'per@orn.example' })).id;
  const now = ctx.clock.now().toISOString();
  const link = (person: string, role: string, status: string) => ({ id: newId(), organization_id: org, person_id: person, role, status, confirm_token_hash: null, invited_at: now, confirmed_at: status === 'confirmed' ? now : null });
  await ctx.db.insertInto('organization_contact').values([link(admin, 'administrative', 'confirmed'), link(tech, 'technical', 'confirmed'), link(pending, 'technical', 'pending')]).execute();
});
after(async () => {
  await ctx.close();
  await smtp.close();
});

const issue = async (payerId: string, lines: ManualLineInput[] = [{ description: 'Membership 2026', unitPrice: '450', vatRate: '0' }]) => {
  const draft = await createInvoice(ctx, by, { payerId, lines });
  return issueInvoice(ctx, by, draft.id, {});
};
const sentCount = async (id: string) => toNumber((await ctx.db.selectFrom('invoice').select('sent_count').where('id', '=', id).executeTakeFirstOrThrow()).sent_count);
const received = (since: number) => smtp.received.slice(since).map((m) => ({ ...m, mime: parseMime(m.raw) }));
const pdfOf = (mime: ReturnType<typeof parseMime>) => leafParts(mime).find((p) => filenameOf(p)?.endsWith('.pdf'));
/** RFC 2047 encoded words (=?UTF-8?B?…?= / =?UTF-8?Q?…?=) back to text. */
const decodeHeader = (value: string) =>
  value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_all, enc: string, data: string) =>
    enc.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8') : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
/** The plain-text body with line ends as \n and no-break spaces as spaces. */
const textOf = (mime: ReturnType<typeof parseMime>) =>
  leafParts(mime)
    .find((p) => p.headers['content-type']?.startsWith('text/plain'))!
    .body.toString('utf8')
    .replace(/\r\n/g, '\n')
    .replace(/[\u00a0\u202f]/g, ' ');

test('an organization’s invoice goes by e-mail to it and its confirmed administrative and technical contacts, each in their language, PDF attached, logged per recipient', async () => {
  const inv = await issue(org, [{ description: 'Web hosting – Ærlig Ørn', unitPrice: '1200', vatRate: '25' }]);
  const r = await sendInvoice(ctx, by, inv.id);
  assert.equal(r.sending, 1);
  assert.equal(r.channel, 'email');
  assert.deepEqual(r.recipients, ['post@orn.example', 'kari@orn.example', 'ola@orn.example'], 'the pending contact is left out until confirmed');
  assert.equal(r.jobId, deliveryJobId(inv.id, 1));
  assert.equal(await sentCount(inv.id), 1, 'counted when sent');

  const before = smtp.received.length;
  await runDueJobs(ctx, { registry });
  const mails = received(before);
  assert.equal(mails.length, 3);
  assert.deepEqual(mails.map((m) => m.envelope.to).flat().sort(), ['kari@orn.example', 'ola@orn.example', 'post@orn.example']);
  for (const m of mails) {
    const pdf = pdfOf(m.mime);
    assert.ok(pdf, 'the invoice PDF is attached');
    assert.equal(filenameOf(pdf), `faktura-${inv.number}.pdf`);
    assert.match(pdf.headers['content-type']!, /^application\/pdf/);
    const text = pdfText(pdf.body).replace(/\s+/g, ' ');
    assert.ok(text.includes('Ærlig Ørn AS') && text.includes(String(inv.number)) && text.includes('1 500,00 kr') && text.includes(inv.paymentReference!), text);
    assert.equal(m.mime.headers['reply-to'], 'faktura@makerspace.example');
  }
  const kari = mails.find((m) => m.envelope.to.includes('kari@orn.example'))!;
  assert.equal(kari.mime.headers.subject, `Invoice ${inv.number} from Oslo Makerspace`, 'Kari reads English');
  assert.match(textOf(kari.mime), /Hello Kari Nordmann,/);
  assert.match(textOf(kari.mime), new RegExp(`Payment reference \\(KID\\): ${inv.paymentReference}`));
  const ola = mails.find((m) => m.envelope.to.includes('ola@orn.example'))!;
  assert.match(ola.mime.headers.subject!, new RegExp(`Faktura ${inv.number} fra Oslo Makerspace`));
  assert.match(textOf(ola.mime), /Å betale: 1 500,00 kr/);
  assert.match(textOf(ola.mime), /Kontonummer: 1234\.56\.78903/);

  const log = await getInvoiceDeliveries(ctx.db, inv.id);
  assert.equal(log.sentCount, 1);
  assert.equal(log.lastSentAt, ctx.clock.now().toISOString());
  assert.deepEqual(log.items.map((i) => [i.sending, i.channel, i.recipient, i.status]), [
    [1, 'email', 'post@orn.example', 'sent'],
    [1, 'email', 'kari@orn.example', 'sent'],
    [1, 'email', 'ola@orn.example', 'sent'],
  ]);
  assert.ok(log.items.every((i) => i.mailMessageId && i.deliveredAt && i.createdBy === 'Tove Treasurer'));
  const audit = await ctx.db.selectFrom('audit_log').select(['action', 'after']).where('entity_type', '=', 'invoice').where('entity_id', '=', inv.id).where('action', '=', 'send').execute();
  assert.equal(audit.length, 1);

  // The job ran once; running again sends nothing twice.
  const again = smtp.received.length;
  await ctx.db.updateTable('job').set({ status: 'pending', attempts: 0 }).where('id', '=', deliveryJobId(inv.id, 1)).execute();
  await runDueJobs(ctx, { registry });
  assert.equal(smtp.received.length, again);
});

test('a re-send is counted and logged as the next sending; `to` sends a copy elsewhere; a refused address shows as failed', async () => {
  const inv = await issue(ase);
  await sendInvoice(ctx, by, inv.id);
  const second = await sendInvoice(ctx, by, inv.id, { to: ['regnskap@example.org', 'bounce@example.org'] });
  assert.equal(second.sending, 2);
  assert.deepEqual(second.recipients, ['regnskap@example.org', 'bounce@example.org']);
  assert.equal(await sentCount(inv.id), 2);
  const before = smtp.received.length;
  await runDueJobs(ctx, { registry });
  assert.deepEqual(received(before).map((m) => m.envelope.to[0]).sort(), ['ase@example.org', 'regnskap@example.org']);
  // The refused message retries on its own schedule; after its last try it is failed.
  for (let i = 0; i < 10; i++) {
    ctx.clock.advance(60 * 60_000);
    await runDueJobs(ctx, { registry });
  }
  const log = await getInvoiceDeliveries(ctx.db, inv.id);
  assert.deepEqual(log.items.map((i) => [i.sending, i.recipient, i.status]), [
    [2, 'regnskap@example.org', 'sent'],
    [2, 'bounce@example.org', 'failed'],
    [1, 'ase@example.org', 'sent'],
  ]);
  assert.match(log.items[1]!.error!, /550/);
});

test('sending is refused for drafts and void invoices, and e-mail is refused at once when there is no address', async () => {
  const draft = await createInvoice(ctx, by, { payerId: ase, lines: [{ description: 'x', unitPrice: '1' }] });
  await assert.rejects(sendInvoice(ctx, by, draft.id), (e: AppError) => e.code === 'conflict' && /Issue it first/.test(e.message));
  const inv = await issue(ase);
  await voidInvoice(ctx, by, inv.id, { reason: 'duplicate' });
  await assert.rejects(sendInvoice(ctx, by, inv.id), (e: AppError) => e.code === 'conflict');
  // An address an import made up is no address: the preference (e-mail) cannot be met.
  const noMail = (await createContact(ctx, by, { kind: 'person', firstNames: 'Uten', lastName: 'Epost', email: 'uten.1@members.example', addressLines: ['Vei 1'] })).id;
  await ctx.db.updateTable('contact').set({ pseudo_email: 1 }).where('id', '=', noMail).execute();
  const paper = await issue(noMail);
  await assert.rejects(sendInvoice(ctx, by, paper.id, { channel: 'email' }), (e: AppError) => e.code === 'validation' && /has no e-mail address/.test(e.message));
  assert.equal(await sentCount(paper.id), 0, 'a refused sending is not counted');
  await assert.rejects(sendInvoice(ctx, by, paper.id, { to: ['not an address'] }), (e: AppError) => e.code === 'validation' && (e.details as { field: string }).field === 'to.0');
  // Without an address the preference falls back to print.
  const r = await sendInvoice(ctx, by, paper.id);
  assert.equal(r.channel, 'print');
  assert.match(r.note!, /No e-mail address/);
});

test('an invoice voided after it was queued is not sent; the log says why', async () => {
  const inv = await issue(ase);
  await sendInvoice(ctx, by, inv.id);
  await voidInvoice(ctx, by, inv.id, { reason: 'wrong amount' });
  const before = smtp.received.length;
  await runDueJobs(ctx, { registry });
  assert.equal(smtp.received.length, before);
  const log = await getInvoiceDeliveries(ctx.db, inv.id);
  assert.deepEqual(log.items.map((i) => [i.sending, i.status]), [[1, 'failed']]);
  assert.match(log.items[0]!.error!, /void and was not sent/);
});

test('paper invoices wait for print and are gathered into ONE PDF with a cover sheet listing what it holds', async () => {
  await runDueJobs(ctx, { registry });
  // Clear what earlier tests left waiting, so this batch holds exactly this test's documents.
  if ((await listWaitingPrint(ctx.db)).total) await createPrintBatch(ctx, by);
  const a = await issue(zoe, [{ description: 'Locker – Ærø', unitPrice: '125.50', vatRate: '25' }]);
  const b = await issue(zoe, Array.from({ length: 60 }, (_, i) => ({ description: `Day pass ${i + 1}`, unitPrice: '50' })));
  const cn = await createCreditNote(ctx, by, a.id, { reason: 'Returned' });
  await sendInvoice(ctx, by, a.id);
  await sendInvoice(ctx, by, b.id);
  await sendInvoice(ctx, by, cn.id);
  await sendInvoice(ctx, by, a.id); // waiting twice: printed once
  const before = smtp.received.length;
  await runDueJobs(ctx, { registry });
  assert.equal(smtp.received.length, before, 'nothing was e-mailed');
  const waiting = await listWaitingPrint(ctx.db);
  assert.equal(waiting.total, 4);
  assert.deepEqual([...new Set(waiting.items.map((w) => w.number))], [a.number, b.number, cn.number]);

  const batch = await createPrintBatch(ctx, by);
  assert.equal(batch.documentCount, 3);
  assert.deepEqual(batch.items.map((i) => [i.number, i.payerName, i.firstPage]), [
    [a.number, 'Łukasiewicz, Zoë', 2],
    [b.number, 'Łukasiewicz, Zoë', 3],
    [cn.number, 'Łukasiewicz, Zoë', batch.items[1]!.lastPage! + 1],
  ]);
  assert.ok(batch.items[1]!.lastPage! > batch.items[1]!.firstPage!, 'the long invoice has several pages');
  assert.equal(batch.pageCount, batch.items[2]!.lastPage! - 1, 'pages of the documents, the cover not counted');
  assert.equal(batch.file, `print-batches/${batch.id}.pdf`);

  const bytes = fs.readFileSync(path.join(ctx.config.dataDir, batch.file));
  const text = pdfText(bytes).replace(/\s+/g, ' ');
  assert.ok(text.includes('Utskriftsbunke') && text.includes('3 dokumenter'), text.slice(0, 400));
  for (const n of [a.number, b.number, cn.number]) assert.ok(text.includes(`Faktura ${n}`) || text.includes(`Kreditnota ${n}`), `cover lists ${n}`);
  assert.ok(text.includes('Locker – Ærø') && text.includes('Day pass 60') && text.includes('Returned'), 'the documents follow');
  assert.ok(text.includes('Side 1 av 1') && text.includes(`Side ${batch.items[1]!.lastPage! - batch.items[1]!.firstPage! + 1} av`), 'each document counts its own pages');

  assert.equal((await listWaitingPrint(ctx.db)).total, 0);
  const log = await getInvoiceDeliveries(ctx.db, a.id);
  assert.deepEqual(log.items.map((i) => [i.sending, i.channel, i.status, i.printBatchId]), [
    [2, 'print', 'printed', batch.id],
    [1, 'print', 'printed', batch.id],
  ]);
  assert.deepEqual((await getPrintBatch(ctx, batch.id)).items.map((i) => i.number), [a.number, b.number, cn.number]);
  await assert.rejects(createPrintBatch(ctx, by), (e: AppError) => e.code === 'validation' && /Nothing is waiting/.test(e.message));
});

test('the billing run queues each new invoice’s first sending in bulk, unless billing.send_after_run is off', async () => {
  const now = ctx.clock.now().toISOString();
  await ctx.db.insertInto('membership_type').values({ id: 'mt_doc', code: 'DOC', name: 'Doc member', description: '', frequency: 'month', trial_days: 0, converts_to_id: null, signup_allowed: 1, special_price: 0, invoiced: 1, archived: 0, position: 9, created_at: now, updated_at: now, gl_account: '31000-0000', vat_rate: '0', follows_id: null }).execute();
  await ctx.db.insertInto('catalog_price').values({ id: newId(), item_type: 'membership_type', item_id: 'mt_doc', currency: 'NOK', amount_minor: 10000, effective_from: '2000-01-01', created_at: now }).execute();
  await addSubscription(ctx, { contactId: ase, itemId: 'mt_doc', start: '2026-02-01' });
  await addSubscription(ctx, { contactId: zoe, itemId: 'mt_doc', start: '2026-02-01' });
  const run = await bill(ctx, '2026-02-01');
  assert.equal(run.invoices, 2);
  const issued = await ctx.db.selectFrom('invoice').select(['id', 'payer_id', 'sent_count', 'last_sent_at']).where('billing_run_id', '=', run.runId!).orderBy('number').execute();
  assert.ok(issued.every((i) => toNumber(i.sent_count) === 1 && i.last_sent_at));
  const jobs = await ctx.db.selectFrom('job').select(['id', 'type']).where('id', 'in', issued.map((i) => deliveryJobId(i.id, 1))).execute();
  assert.equal(jobs.length, 2);
  assert.ok(jobs.every((j) => j.type === 'invoice.deliver'));
  const before = smtp.received.length;
  await runDueJobs(ctx, { registry });
  assert.deepEqual(received(before).map((m) => m.envelope.to[0]), ['ase@example.org']);
  assert.equal((await listWaitingPrint(ctx.db)).items.filter((w) => issued.some((i) => i.id === w.invoiceId)).length, 1, 'Zoë’s waits for print');

  await updateSetting(ctx, systemActor, 'billing.send_after_run', false);
  await addSubscription(ctx, { contactId: ase, itemId: 'mt_doc', start: '2026-02-02' });
  const quiet = await bill(ctx, '2026-02-02');
  assert.equal(quiet.invoices, 1);
  const held = await ctx.db.selectFrom('invoice').select(['id', 'sent_count']).where('billing_run_id', '=', quiet.runId!).executeTakeFirstOrThrow();
  assert.equal(toNumber(held.sent_count), 0);
  assert.equal((await ctx.db.selectFrom('job').select('id').where('id', '=', deliveryJobId(held.id, 1)).execute()).length, 0);
  await updateSetting(ctx, systemActor, 'billing.send_after_run', true);
});

test('mass send: a filtered set gets one more sending each; a dry run only counts', async () => {
  const p = (await createContact(ctx, by, { kind: 'person', firstNames: 'Mass', lastName: 'Mottaker', email: 'mass@example.org' })).id;
  const one = await issue(p);
  const two = await issue(p);
  await sendInvoice(ctx, by, two.id);
  const dry = await sendInvoices(ctx, by, { selection: { payerId: p, timesSent: 0 }, dryRun: true });
  assert.deepEqual(dry, { count: 1, dryRun: true, invoiceIds: [one.id] });
  assert.equal(await sentCount(one.id), 0);
  const all = await sendInvoices(ctx, by, { selection: { payerId: p, open: true } });
  assert.equal(all.count, 2);
  assert.equal(await sentCount(one.id), 1);
  assert.equal(await sentCount(two.id), 2);
  const jobs = await ctx.db.selectFrom('job').select('id').where('id', 'in', [deliveryJobId(one.id, 1), deliveryJobId(two.id, 2)]).execute();
  assert.equal(jobs.length, 2);
  ctx.clock.advance(30 * 86400_000);
  const overdue = await sendInvoices(ctx, by, { selection: { payerId: p, overdue: true }, channel: 'print', dryRun: true });
  assert.equal(overdue.count, 2);
  await runDueJobs(ctx, { registry });
});

test('contacts with unpaid invoices sent once, twice, three or more times', async () => {
  const mk = async (name: string) => (await createContact(ctx, by, { kind: 'person', firstNames: 'R', lastName: name, email: `${name.toLowerCase()}@example.org` })).id;
  const once = await mk('Once');
  const twice = await mk('Twice');
  const thrice = await mk('Thrice');
  const settled = await mk('Settled');
  const i1 = await issue(once);
  await sendInvoice(ctx, by, i1.id);
  const i2 = await issue(twice);
  for (let k = 0; k < 2; k++) await sendInvoice(ctx, by, i2.id);
  const i3 = await issue(thrice);
  for (let k = 0; k < 4; k++) await sendInvoice(ctx, by, i3.id);
  const i4 = await issue(settled);
  for (let k = 0; k < 2; k++) await sendInvoice(ctx, by, i4.id);
  await createCreditNote(ctx, by, i4.id, { reason: 'waived' }); // nothing left open
  const names = async (count: 1 | 2 | 3) => (await invoicesSentReport(ctx.db, { count, page: 1, pageSize: 500 }, 'NOK')).items.map((i) => i.name);
  const r1 = await names(1);
  const r2 = await names(2);
  const r3 = await invoicesSentReport(ctx.db, { count: 3, page: 1, pageSize: 500 }, 'NOK');
  assert.ok(r1.includes('Once, R') && !r1.includes('Twice, R'));
  assert.ok(r2.includes('Twice, R') && !r2.includes('Settled, R'), 'a settled invoice is not chased');
  const t = r3.items.find((i) => i.name === 'Thrice, R')!;
  assert.equal(t.timesSent, 4);
  assert.equal(t.openInvoices, 1);
  assert.equal(t.open.minor, 45000n);
  assert.equal(t.email, 'thrice@example.org');
  assert.ok(!r3.items.some((i) => i.name === 'Once, R'));
  const filtered = await invoicesSentReport(ctx.db, { count: 3, page: 1, pageSize: 500, q: 'thri' }, 'NOK');
  assert.deepEqual(filtered.items.map((i) => i.name), ['Thrice, R']);
  assert.equal(filtered.total, 1);
});

test('a statement is e-mailed with its PDF; statements for everyone queue one job per contact with an address', async () => {
  await runDueJobs(ctx, { registry }); // what earlier tests queued
  const before = smtp.received.length;
  const one = await sendStatement(ctx, by, org, {});
  assert.deepEqual(one.recipients, ['post@orn.example', 'kari@orn.example', 'ola@orn.example']);
  await runDueJobs(ctx, { registry });
  const mails = received(before);
  assert.equal(mails.length, 3);
  const pdf = pdfOf(mails[0]!.mime)!;
  assert.match(filenameOf(pdf)!, /^kontoutskrift-\d+-\d{4}-\d{2}-\d{2}\.pdf$/);
  assert.ok(pdfText(pdf.body).includes('Ærlig Ørn AS'));
  assert.match(mails.find((m) => m.envelope.to[0] === 'kari@orn.example')!.mime.headers.subject!, /^Your account statement from Oslo Makerspace$/);

  const dry = await sendStatements(ctx, by, { dryRun: true });
  assert.ok(dry.count >= 5);
  const noMail = dry.withoutEmailIds;
  assert.ok(dry.withoutEmail >= 1 && noMail.length === dry.withoutEmail);
  const real = await sendStatements(ctx, by, {});
  assert.equal(real.count, dry.count);
  const jobs = await ctx.db.selectFrom('job').select('id').where('type', '=', 'statement.send').where('id', 'like', `statement-email:${real.batchId}:%`).execute();
  assert.equal(jobs.length, real.count);
  const start = smtp.received.length;
  await runDueJobs(ctx, { registry });
  const sent = received(start);
  assert.ok(sent.length >= real.count, 'one message per recipient');
  assert.ok(sent.every((m) => pdfOf(m.mime)), 'each with its statement attached');
});

test('an edited e-mail template is what goes out; one with an unknown variable is refused', async () => {
  await assert.rejects(
    updateMailTemplate(ctx, by, 'invoice', 'nb', { subject: 'Faktura {{invoice.nummer}}', body: 'x' }),
    (e: AppError) => e.code === 'validation' && /there is no variable \{\{invoice\.nummer\}\}/.test(e.message),
  );
  const saved = await updateMailTemplate(ctx, by, 'invoice', 'nb', { subject: 'Ny faktura {{invoice.number}} – {{payer.name}}', body: 'Hei {{recipient.name}}!\nForfall {{invoice.dueDate}}.' });
  assert.equal(saved.version, 1);
  const inv = await issue(zoe);
  const before = smtp.received.length;
  await sendInvoice(ctx, by, inv.id, { channel: 'email' });
  await runDueJobs(ctx, { registry });
  const [m] = received(before);
  assert.equal(decodeHeader(m!.mime.headers.subject!), `Ny faktura ${inv.number} – Łukasiewicz, Zoë`);
  assert.match(textOf(m!.mime), /^Hei Zoë Łukasiewicz!\nForfall \d\d\.\d\d\.\d{4}\.\n$/);
});

test('the receipt and welcome e-mails: the payments and contacts modules queue them in their own transactions', async () => {
  const p = (await createContact(ctx, by, { kind: 'person', firstNames: 'Kvittering', lastName: 'Mottaker', email: 'kvittering@example.org' })).id;
  const inv = await issue(p);
  const now = ctx.clock.now().toISOString();
  await ctx.db
    .insertInto('payment')
    .values({ id: 'pay-r', kind: 'receipt', number: 777, contact_id: p, received_on: '2026-01-20', amount_minor: 20000, currency: 'NOK', method: 'bank_transfer', reference: 'Ref 1', note: null, status: 'recorded', reversed_on: null, reversal_reason: null, external_id: null, created_by: 'test', version: 1, created_at: now, updated_at: now })
    .execute();
  await ctx.db.insertInto('payment_allocation').values({ id: 'alloc-r', invoice_id: inv.id, payment_id: 'pay-r', kind: 'payment', amount_minor: 20000, entry_id: null, created_by: 'test', created_at: now }).execute();
  await ctx.db.updateTable('invoice').set({ paid_minor: 20000 }).where('id', '=', inv.id).execute();
  await runDueJobs(ctx, { registry });
  const before = smtp.received.length;
  const ids = await inTransaction(ctx.db, async (tx) => [...(await queueReceiptMail(tx, ctx, 'pay-r')), ...(await queueWelcomeMail(tx, ctx, admin))]);
  assert.equal(ids.length, 2);
  await runDueJobs(ctx, { registry });
  const [receipt, welcome] = received(before);
  assert.equal(decodeHeader(receipt!.mime.headers.subject!), 'Betaling mottatt – takk');
  assert.match(textOf(receipt!.mime), /Vi har mottatt 200,00 kr den 20\.01\.2026 \(kvittering 777\)/);
  assert.match(textOf(receipt!.mime), /Gjenstår å betale: 250,00 kr/);
  assert.equal(welcome!.envelope.to[0], 'kari@orn.example');
  assert.equal(welcome!.mime.headers.subject, 'Welcome to Oslo Makerspace', 'Kari reads English');
  assert.match(textOf(welcome!.mime), /Your member number is \d+\./);
});
