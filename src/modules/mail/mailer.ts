import nodemailer from 'nodemailer';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { DB } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import { getSetting } from '../settings/index.ts';

export interface MailToSend {
  from: string;
  to: string[];
  cc: string[];
  replyTo: string | null;
  subject: string;
  text: string;
  html: string | null;
  attachments: Array<{ filename: string; contentType: string; content: Buffer }>;
}

/**
 * Sends mail over SMTP (`SMTP_URL`), or — without it — only keeps it: messages are then
 * 'stored' in the outbox for staff to read in the admin UI.
 */
export type Mailer = { mode: 'smtp'; send(mail: MailToSend): Promise<{ messageId: string }> } | { mode: 'store' };

export const createMailer = (config: Pick<Config, 'smtpUrl'>): Mailer => {
  if (!config.smtpUrl) return { mode: 'store' };
  const transport = nodemailer.createTransport({
    url: config.smtpUrl,
    // Fail a dead server within a minute so a send never holds the worker for long; the job retries.
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  return {
    mode: 'smtp',
    send: async (mail) => {
      const info = await transport.sendMail({
        from: mail.from,
        to: mail.to,
        cc: mail.cc.length ? mail.cc : undefined,
        replyTo: mail.replyTo ?? undefined,
        subject: mail.subject,
        text: mail.text,
        html: mail.html ?? undefined,
        attachments: mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
      });
      return { messageId: info.messageId };
    },
  };
};

/**
 * The sender used when a message names none: MAIL_FROM, else the organization's billing e-mail
 * setting, else guildhall@<host of PUBLIC_URL>.
 */
export const defaultMailFrom = async (deps: { db: Kysely<DB>; config: Pick<Config, 'mailFrom' | 'publicUrl'> }): Promise<string> =>
  deps.config.mailFrom || mailFromOf(deps.config, await getSetting(deps.db, 'organization.billing_email'));

/** The same, with the billing e-mail setting already read. */
export const mailFromOf = (config: Pick<Config, 'mailFrom' | 'publicUrl'>, billingEmail: string | null | undefined): string =>
  config.mailFrom || billingEmail || `guildhall@${new URL(config.publicUrl).hostname}`;

/**
 * What `queueMail` needs, resolved from the application context. Inside a transaction pass it as
 * `tx` (on SQLite a query outside the open transaction would wait for it forever).
 */
export const mailDeps = async (
  ctx: { db: Kysely<DB>; clock: Clock; config: Pick<Config, 'mailFrom' | 'publicUrl'> },
  tx?: Kysely<DB>,
) => ({
  clock: ctx.clock,
  defaultFrom: await defaultMailFrom({ db: tx ?? ctx.db, config: ctx.config }),
});
