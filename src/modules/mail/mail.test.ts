import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestServer } from '../../../test/support/context.ts';
import { bearerWith } from '../../../test/support/auth.ts';
import { filenameOf, leafParts, parseMime, startTestSmtpServer } from '../../../test/support/smtp.ts';
import { defaultJobRegistry } from '../../jobs/job-modules.ts';
import { runDueJobs } from '../../jobs/run-jobs.ts';
import { defaultMailFrom, mailDeps, queueMail } from './index.ts';

const smtp = await startTestSmtpServer({ reject: ['bounce@example.org'] });
const withSmtp = await createTestServer({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'Guildhall Club <billing@club.example>' } });
const storeOnly = await createTestServer();
after(async () => {
  await withSmtp.close();
  await storeOnly.close();
  await smtp.close();
});

const registry = defaultJobRegistry();
// Bytes that must survive base64 both ways, including ones that are not valid UTF-8.
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0, 1, 2, 0xfe, 0xff, 0x80]), Buffer.from('\n%%EOF\n')]);

test('queued mail is sent over SMTP by the mail.send job, with recipients, subject and attachment', async () => {
  const { ctx } = withSmtp;
  const id = await ctx.db.transaction().execute(async (tx) =>
    queueMail(tx, await mailDeps(ctx, tx), {
      to: ['kari@example.org', 'ola@example.org'],
      cc: ['treasurer@example.org'],
      subject: 'Your invoice 2026-001',
      text: 'Hello Kari, your invoice is attached. Amount due: 450 NOK.',
      html: '<p>Hello Kari, your invoice is attached.</p>',
      attachments: [{ filename: 'invoice-2026-001.pdf', contentType: 'application/pdf', contentBase64: PDF.toString('base64') }],
      relatedType: 'invoice',
      relatedId: 'INV-1',
    }),
  );
  const before = smtp.received.length;
  const r = await runDueJobs(ctx, { registry });
  assert.equal(r.done, 1);

  assert.equal(smtp.received.length, before + 1);
  const mail = smtp.received.at(-1)!;
  assert.deepEqual(mail.envelope.to.sort(), ['kari@example.org', 'ola@example.org', 'treasurer@example.org']);
  assert.equal(mail.envelope.from, 'billing@club.example');
  const msg = parseMime(mail.raw);
  assert.equal(msg.headers.subject, 'Your invoice 2026-001');
  assert.equal(msg.headers.to, 'kari@example.org, ola@example.org');
  assert.equal(msg.headers.cc, 'treasurer@example.org');
  const parts = leafParts(msg);
  assert.match(parts.find((p) => p.headers['content-type']?.startsWith('text/plain'))!.body.toString('utf8'), /Amount due: 450 NOK\./);
  assert.ok(parts.some((p) => p.headers['content-type']?.startsWith('text/html')), 'the HTML body is sent too');
  const attachment = parts.find((p) => filenameOf(p));
  assert.ok(attachment, 'the message has an attachment');
  assert.equal(filenameOf(attachment), 'invoice-2026-001.pdf');
  assert.match(attachment.headers['content-type']!, /^application\/pdf/);
  assert.deepEqual(attachment.body, PDF);

  const row = await ctx.db.selectFrom('mail_message').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(row.status, 'sent');
  assert.equal(row.sent_at, ctx.clock.now().toISOString());
  assert.ok(row.message_id && msg.headers['message-id']?.includes(row.message_id.replace(/[<>]/g, '')), 'keeps the Message-ID');
  assert.equal(Number(row.attempts), 1);
});

test('when the SMTP server refuses, the attempt is recorded, the job retries, and the message fails after the last try', async () => {
  const { ctx, app } = withSmtp;
  const id = await ctx.db.transaction().execute(async (tx) =>
    queueMail(tx, await mailDeps(ctx, tx), { to: ['bounce@example.org'], subject: 'Reminder', text: 'Please pay.' }),
  );
  const first = await runDueJobs(ctx, { registry });
  assert.equal(first.retrying, 1);
  let row = await ctx.db.selectFrom('mail_message').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(row.status, 'queued');
  assert.equal(Number(row.attempts), 1);
  assert.match(row.last_error!, /550/);
  const job = await ctx.db.selectFrom('job').selectAll().where('id', '=', `mail:${id}`).executeTakeFirstOrThrow();
  assert.equal(job.status, 'pending');
  assert.match(job.last_error!, /550/);

  const { headers } = await bearerWith(ctx, { communications: 'read' });
  const shown = await app.inject({ method: 'GET', url: `/api/v1/mail/${id}`, headers });
  assert.equal(shown.statusCode, 200);
  assert.match(shown.json().lastError, /550/, 'staff see why it was not sent');

  for (let i = 0; i < 10; i++) {
    ctx.clock.advance(60 * 60_000);
    if ((await runDueJobs(ctx, { registry })).failed) break;
  }
  row = await ctx.db.selectFrom('mail_message').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(row.status, 'failed');
  assert.equal(Number(row.attempts), Number(job.max_attempts));
  const failedJob = await ctx.db.selectFrom('job').select(['status']).where('id', '=', `mail:${id}`).executeTakeFirstOrThrow();
  assert.equal(failedJob.status, 'failed');
});

test('without SMTP_URL mail is stored in the outbox and staff read it through the API', async () => {
  const { ctx, app } = storeOnly;
  const id = await ctx.db.transaction().execute(async (tx) =>
    queueMail(tx, await mailDeps(ctx, tx), {
      to: ['nora@example.org'],
      subject: 'Welcome to the club',
      text: 'Welcome, Nora!',
      attachments: [{ filename: 'rules.pdf', contentType: 'application/pdf', contentBase64: PDF.toString('base64') }],
    }),
  );
  assert.equal((await runDueJobs(ctx, { registry })).done, 1);
  const row = await ctx.db.selectFrom('mail_message').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(row.status, 'stored');
  assert.equal(row.from_address, 'guildhall@localhost', 'default sender from PUBLIC_URL');

  const { headers } = await bearerWith(ctx, { communications: 'read' });
  const list = await app.inject({ method: 'GET', url: '/api/v1/mail?status=stored&q=welcome', headers });
  assert.equal(list.statusCode, 200);
  const page = list.json();
  assert.equal(page.total, 1);
  assert.deepEqual(Object.keys(page).sort(), ['items', 'page', 'pageSize', 'total']);
  assert.deepEqual(page.items[0], {
    id,
    to: ['nora@example.org'],
    cc: [],
    from: 'guildhall@localhost',
    subject: 'Welcome to the club',
    status: 'stored',
    createdAt: ctx.clock.now().toISOString(),
    sentAt: null,
    attempts: 1,
    lastError: null,
    relatedType: null,
    relatedId: null,
  });
  assert.doesNotMatch(list.body, /contentBase64|JVBERi/, 'lists never carry attachment bytes');

  const one = await app.inject({ method: 'GET', url: `/api/v1/mail/${id}`, headers });
  assert.equal(one.statusCode, 200);
  const detail = one.json();
  assert.equal(detail.textBody, 'Welcome, Nora!');
  assert.equal(detail.htmlBody, null);
  assert.deepEqual(detail.attachments, [{ filename: 'rules.pdf', contentType: 'application/pdf', size: PDF.length }]);
  assert.doesNotMatch(one.body, /contentBase64|JVBERi/);

  const missing = await app.inject({ method: 'GET', url: '/api/v1/mail/NOPE', headers });
  assert.equal(missing.statusCode, 404);
  const badStatus = await app.inject({ method: 'GET', url: '/api/v1/mail?status=lost', headers });
  assert.equal(badStatus.statusCode, 400);

  const noAccess = await bearerWith(ctx, { billing: 'update' });
  assert.equal((await app.inject({ method: 'GET', url: '/api/v1/mail', headers: noAccess.headers })).statusCode, 403);
  assert.equal((await app.inject({ method: 'GET', url: '/api/v1/mail' })).statusCode, 401);
});

test('the default sender is MAIL_FROM, else the billing e-mail setting, else guildhall@<public host>', async () => {
  const { ctx } = storeOnly;
  assert.equal(await defaultMailFrom({ db: ctx.db, config: { mailFrom: 'a@b.example', publicUrl: 'https://x.example' } }), 'a@b.example');
  assert.equal(await defaultMailFrom({ db: ctx.db, config: { mailFrom: null, publicUrl: 'https://members.club.example' } }), 'guildhall@members.club.example');
  await ctx.db
    .insertInto('setting')
    .values({ key: 'organization.billing_email', value: JSON.stringify('faktura@club.example'), updated_at: ctx.clock.now().toISOString(), updated_by: null })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify('faktura@club.example') }))
    .execute();
  assert.equal(await defaultMailFrom({ db: ctx.db, config: { mailFrom: null, publicUrl: 'https://members.club.example' } }), 'faktura@club.example');
  await ctx.db.deleteFrom('setting').where('key', '=', 'organization.billing_email').execute();
});
