import type { AppContext } from '../../app.ts';
import { PermanentJobError, errorText } from '../../jobs/errors.ts';
import type { JobRegistry, RunningJob } from '../../jobs/registry.ts';
import { createMailer, defaultMailFrom, type Mailer } from './mailer.ts';
import { MAIL_SEND_JOB, type OutgoingAttachment } from './queue-mail.ts';

// One transport per application context: built on first use from its configuration.
const mailers = new WeakMap<AppContext, Mailer>();
const mailerOf = (ctx: AppContext): Mailer => {
  let m = mailers.get(ctx);
  if (!m) {
    m = createMailer(ctx.config);
    mailers.set(ctx, m);
  }
  return m;
};

const parseList = (json: string | null): string[] => (json ? (JSON.parse(json) as string[]) : []);

/**
 * The `mail.send` job: sends one outbox message (or, without SMTP, marks it stored). A failure
 * is recorded on the message and rethrown so the job retries; after the last try the message is
 * 'failed'. Sent or stored messages are left alone, so a repeated job never sends twice.
 */
export const sendMailJob = async (ctx: AppContext, payload: unknown, job: RunningJob): Promise<void> => {
  const messageId = (payload as { messageId?: unknown } | null)?.messageId;
  if (typeof messageId !== 'string') throw new PermanentJobError('The mail job names no message.');
  const msg = await ctx.db.selectFrom('mail_message').selectAll().where('id', '=', messageId).executeTakeFirst();
  if (!msg) throw new PermanentJobError(`Mail message ${messageId} does not exist.`);
  if (msg.status === 'sent' || msg.status === 'stored') return;

  const mailer = mailerOf(ctx);
  const attempts = Number(msg.attempts) + 1;
  if (mailer.mode === 'store') {
    await ctx.db.updateTable('mail_message').set({ status: 'stored', attempts, last_error: null }).where('id', '=', msg.id).execute();
    return;
  }
  try {
    const attachments = msg.attachments ? (JSON.parse(msg.attachments) as OutgoingAttachment[]) : [];
    const sent = await mailer.send({
      from: msg.from_address || (await defaultMailFrom(ctx)),
      to: parseList(msg.to_addresses),
      cc: parseList(msg.cc_addresses),
      replyTo: msg.reply_to,
      subject: msg.subject,
      text: msg.text_body,
      html: msg.html_body,
      attachments: attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.contentBase64, 'base64') })),
    });
    await ctx.db
      .updateTable('mail_message')
      .set({ status: 'sent', attempts, last_error: null, sent_at: ctx.clock.now().toISOString(), message_id: sent.messageId })
      .where('id', '=', msg.id)
      .execute();
  } catch (e) {
    await ctx.db
      .updateTable('mail_message')
      .set({ status: job.isLastAttempt ? 'failed' : 'queued', attempts, last_error: errorText(e) })
      .where('id', '=', msg.id)
      .execute();
    throw e;
  }
};

export const registerMailJobs = (registry: JobRegistry) => registry.handle(MAIL_SEND_JOB, sendMailJob);
