import { inTransaction, lockResource } from '../../db/database.ts';
import { conflict } from '../../kernel/app-error.ts';
import { recordAudit } from '../audit/index.ts';
import { getInvoice } from '../invoices/index.ts';
import { checkAddresses, planDelivery, type DeliveryChannel } from './delivery-plan.ts';
import { loadOrganization } from './organization.ts';
import { queueInvoiceDeliveries } from './queue-deliveries.ts';
import type { ChangedBy, TemplateDeps } from './template-store.ts';

export interface SendInvoiceInput {
  /** Override the payer's preference for this sending. */
  channel?: DeliveryChannel;
  /** E-mail these addresses instead of the payer's (a copy to an accountant, a corrected address). */
  to?: string[];
}

export interface SendInvoiceResult {
  invoiceId: string;
  /** 1 for the first sending, 2 for the first re-send, … */
  sending: number;
  sentCount: number;
  channel: DeliveryChannel;
  recipients: string[];
  jobId: string;
  /** Set when an e-mail preference becomes print for lack of an address. */
  note: string | null;
}

/**
 * Sends (or re-sends) one issued invoice or credit note: counts the sending, and queues the delivery
 * job in the same transaction — the job renders the PDF and puts the e-mails in the outbox, or the
 * invoice in the print queue. Refused for drafts and void invoices; a forced e-mail to a payer with
 * no address is refused at once (400), not after the fact. Audited.
 */
export const sendInvoice = async (deps: TemplateDeps, by: ChangedBy, id: string, input: SendInvoiceInput = {}): Promise<SendInvoiceResult> => {
  const to = input.to?.length ? checkAddresses(input.to) : undefined;
  const org = await loadOrganization(deps.db);
  return inTransaction(deps.db, async (tx) => {
    await lockResource(tx, `invoice:${id}`);
    const invoice = await getInvoice(tx, id);
    if (invoice.status === 'draft') throw conflict('A draft cannot be sent. Issue it first; it gets its number and payment reference then.');
    if (invoice.status === 'void') throw conflict(`Invoice ${invoice.number} is void and is not sent again.`);
    const plan = await planDelivery(tx, invoice.payerId, { channel: to ? 'email' : input.channel, to, fallbackEmail: invoice.payerEmail, orgLanguage: org.language });
    const actorName = by.actor.name ?? by.actor.type;
    const [queued] = await queueInvoiceDeliveries(tx, deps.clock, actorName, [id], { channel: input.channel ?? (to ? 'email' : undefined), to });
    const recipients = plan.recipients.map((r) => r.email);
    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'invoice',
      entityId: id,
      action: 'send',
      after: { sending: queued!.sending, channel: plan.channel, recipients },
      requestId: by.requestId,
    });
    return { invoiceId: id, sending: queued!.sending, sentCount: queued!.sending, channel: plan.channel, recipients, jobId: queued!.jobId, note: plan.note };
  });
};
