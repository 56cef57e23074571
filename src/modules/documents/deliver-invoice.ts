import type { AppContext } from '../../app.ts';
import { inTransaction, lockResource } from '../../db/database.ts';
import { AppError } from '../../kernel/app-error.ts';
import { newId } from '../../kernel/ids.ts';
import { PermanentJobError, errorText } from '../../jobs/errors.ts';
import type { RunningJob } from '../../jobs/registry.ts';
import { getInvoice, type Invoice } from '../invoices/index.ts';
import { mailDeps, queueMail } from '../mail/index.ts';
import { planDelivery, type DeliveryChannel } from './delivery-plan.ts';
import { formatter, type DocumentLanguage } from './format.ts';
import { invoiceValues } from './invoice-layout.ts';
import { renderMailText } from './mail-template.ts';
import { loadOrganization } from './organization.ts';
import { loadInvoiceInput, renderInvoicePdf } from './render-invoice.ts';
import { mailTemplateText } from './template-store.ts';
import type { DeliveryPayload } from './queue-deliveries.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

const parsePayload = (payload: unknown): DeliveryPayload => {
  const p = payload as Partial<DeliveryPayload> | null;
  if (!p || typeof p.invoiceId !== 'string' || typeof p.sending !== 'number') throw new PermanentJobError('The delivery job names no invoice and sending.');
  return { invoiceId: p.invoiceId, sending: p.sending, channel: p.channel, to: p.to, by: typeof p.by === 'string' ? p.by : 'system' };
};

const logRow = (invoiceId: string, sending: number, channel: DeliveryChannel, status: string, by: string, now: string, extra: { recipient?: string | null; mailMessageId?: string | null; error?: string | null } = {}) => ({
  id: newId(Date.parse(now)),
  invoice_id: invoiceId,
  sending,
  channel,
  recipient: extra.recipient ?? null,
  status,
  mail_message_id: extra.mailMessageId ?? null,
  print_batch_id: null,
  error: extra.error ?? null,
  created_by: by,
  created_at: now,
  updated_at: now,
});

const alreadyLogged = async (db: Kysely<DB>, invoiceId: string, sending: number) =>
  !!(await db.selectFrom('invoice_delivery').select('id').where('invoice_id', '=', invoiceId).where('sending', '=', sending).limit(1).executeTakeFirst());

/**
 * The `invoice.deliver` job: one sending of one invoice or credit note. By e-mail it renders the PDF
 * once and puts one message per recipient in the outbox (the mail.send job retries each on its own),
 * each logged in invoice_delivery; for print it logs a `waiting_print` row that the next print batch
 * takes. A sending already logged is left alone, so a repeated job never sends twice.
 */
export const deliverInvoiceJob = async (ctx: AppContext, payload: unknown, job: RunningJob): Promise<void> => {
  const p = parsePayload(payload);
  if (await alreadyLogged(ctx.db, p.invoiceId, p.sending)) return;
  try {
    await deliver(ctx, p);
  } catch (e) {
    if (e instanceof PermanentJobError || job.isLastAttempt) {
      // Visible on the invoice: this sending did not go out.
      const now = ctx.clock.now().toISOString();
      await ctx.db.insertInto('invoice_delivery').values(logRow(p.invoiceId, p.sending, p.channel ?? 'email', 'failed', p.by, now, { error: errorText(e) })).execute().catch(() => undefined);
    }
    throw e;
  }
};

const deliver = async (ctx: AppContext, p: DeliveryPayload): Promise<void> => {
  let invoice: Invoice;
  try {
    invoice = await getInvoice(ctx.db, p.invoiceId);
  } catch (e) {
    if (e instanceof AppError && e.code === 'not_found') throw new PermanentJobError(`Invoice ${p.invoiceId} does not exist.`);
    throw e;
  }
  if (invoice.status === 'draft' || invoice.status === 'void') {
    throw new PermanentJobError(`Invoice ${invoice.number ?? invoice.id} is ${invoice.status === 'void' ? 'void' : 'a draft'} and was not sent.`);
  }
  const org = await loadOrganization(ctx.db);
  let plan;
  try {
    plan = await planDelivery(ctx.db, invoice.payerId, { channel: p.channel, to: p.to, fallbackEmail: invoice.payerEmail, orgLanguage: org.language });
  } catch (e) {
    if (e instanceof AppError && e.code === 'validation') throw new PermanentJobError(e.message);
    throw e;
  }

  const now = ctx.clock.now().toISOString();
  if (plan.channel === 'print') {
    await inTransaction(ctx.db, async (tx) => {
      await lockResource(tx, `invoice-delivery:${p.invoiceId}`);
      if (await alreadyLogged(tx, p.invoiceId, p.sending)) return;
      await tx.insertInto('invoice_delivery').values(logRow(p.invoiceId, p.sending, 'print', 'waiting_print', p.by, now, { error: plan.note })).execute();
    });
    return;
  }

  const pdf = await renderInvoicePdf(ctx, invoice, { org });
  const input = await loadInvoiceInput(ctx.db, invoice);
  const key = invoice.kind === 'credit_note' ? 'credit_note' : 'invoice';
  const texts = new Map<DocumentLanguage, { subject: string; body: string }>();
  const messages: { to: string; subject: string; body: string }[] = [];
  for (const r of plan.recipients) {
    let t = texts.get(r.language);
    if (!t) {
      t = await mailTemplateText(ctx.db, key, r.language);
      texts.set(r.language, t);
    }
    const values = { ...invoiceValues(org, formatter(org.locale, r.language), input), 'recipient.name': r.name };
    const m = renderMailText(t, values);
    messages.push({ to: r.email, subject: m.subject, body: m.body });
  }
  const attachment = { filename: pdf.filename, contentType: 'application/pdf', contentBase64: pdf.bytes.toString('base64') };
  await inTransaction(ctx.db, async (tx) => {
    await lockResource(tx, `invoice-delivery:${p.invoiceId}`);
    if (await alreadyLogged(tx, p.invoiceId, p.sending)) return;
    const deps = await mailDeps(ctx, tx);
    for (const m of messages) {
      const mailId = await queueMail(tx, deps, {
        to: [m.to],
        subject: m.subject,
        text: m.body,
        replyTo: org.billingEmail || undefined,
        attachments: [attachment],
        relatedType: 'invoice',
        relatedId: p.invoiceId,
      });
      await tx.insertInto('invoice_delivery').values(logRow(p.invoiceId, p.sending, 'email', 'queued', p.by, now, { recipient: m.to, mailMessageId: mailId })).execute();
    }
  });
};
