import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/ids.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';

export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  /** The file's bytes, base64. */
  contentBase64: string;
}

export interface OutgoingMail {
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html?: string;
  replyTo?: string;
  from?: string;
  attachments?: OutgoingAttachment[];
  /** The record the message is about (an invoice, a staff user), to show it there. */
  relatedType?: string;
  relatedId?: string;
}

export const MAIL_SEND_JOB = 'mail.send';

/**
 * Puts a message in the outbox and a job to send it, in the caller's transaction. Nothing is sent
 * unless the change commits. Without SMTP the worker marks the message "stored" for staff to read.
 */
export const queueMail = async (
  tx: Kysely<DB>,
  deps: { clock: Clock; defaultFrom: string },
  mail: OutgoingMail,
): Promise<string> => {
  const now = deps.clock.now();
  const id = newId(now.getTime());
  await tx
    .insertInto('mail_message')
    .values({
      id,
      to_addresses: JSON.stringify(mail.to),
      cc_addresses: mail.cc?.length ? JSON.stringify(mail.cc) : null,
      from_address: mail.from ?? deps.defaultFrom,
      reply_to: mail.replyTo ?? null,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html ?? null,
      attachments: mail.attachments?.length ? JSON.stringify(mail.attachments) : null,
      status: 'queued',
      related_type: mail.relatedType ?? null,
      related_id: mail.relatedId ?? null,
      attempts: 0,
      last_error: null,
      message_id: null,
      created_at: now.toISOString(),
      sent_at: null,
    })
    .execute();
  await enqueueJob(tx, deps.clock, { type: MAIL_SEND_JOB, id: `mail:${id}`, payload: { messageId: id } });
  return id;
};
