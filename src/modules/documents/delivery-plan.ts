import type { Kysely } from 'kysely';
import { toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { validation } from '../../kernel/app-error.ts';
import { correspondenceRecipients } from '../contacts/index.ts';
import { languageOf, type DocumentLanguage } from './format.ts';

export const DELIVERY_CHANNELS = ['email', 'print'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

export interface Recipient {
  email: string;
  /** For the greeting ({{recipient.name}}). */
  name: string;
  language: DocumentLanguage;
  /** The contact the address belongs to, when known. */
  contactId: string | null;
}

export interface DeliveryPlan {
  channel: DeliveryChannel;
  /** E-mail only: everyone who gets a copy, the payer first. */
  recipients: Recipient[];
  /** Why an e-mail preference became print (no address anywhere). */
  note: string | null;
}

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** Checks and cleans addresses given by hand ("send a copy to …"). */
export const checkAddresses = (to: readonly string[], field = 'to'): string[] => {
  const out: string[] = [];
  to.forEach((raw, i) => {
    const a = raw.trim();
    if (!EMAIL.test(a) || a.length > 254) throw validation(`"${raw}" is not an e-mail address; write it like name@example.org.`, { field: `${field}.${i}` });
    if (!out.some((o) => o.toLowerCase() === a.toLowerCase())) out.push(a);
  });
  if (out.length > 20) throw validation('Send to at most 20 addresses at a time.', { field });
  return out;
};

/**
 * Who gets a document for a payer, and how (seed 004 §3.1.3, seed 001): by the payer's current
 * preference, e-mail or print. E-mail goes to the payer's real address (an import's made-up address
 * never counts) and, for an organization, to its administrative and confirmed technical contacts;
 * with no address at all it becomes print. `channel` or `to` override the preference (a re-send).
 */
export const planDelivery = async (
  db: Kysely<DB>,
  payerId: string,
  opts: { channel?: DeliveryChannel; to?: readonly string[]; fallbackEmail?: string | null; orgLanguage: DocumentLanguage },
): Promise<DeliveryPlan> => {
  const payer = await db
    .selectFrom('contact')
    .select(['id', 'kind', 'display_name', 'first_names', 'last_name', 'email', 'pseudo_email', 'invoice_delivery', 'language', 'erased_at'])
    .where('id', '=', payerId)
    .executeTakeFirst();
  const payerLanguage = payer?.language ? languageOf(payer.language) : opts.orgLanguage;
  const payerName = payer ? ([payer.first_names, payer.last_name].filter(Boolean).join(' ') || payer.display_name) : '';
  if (opts.to?.length) {
    const addresses = checkAddresses(opts.to);
    return { channel: 'email', recipients: addresses.map((email) => ({ email, name: payerName, language: payerLanguage, contactId: null })), note: null };
  }
  const preference: DeliveryChannel = opts.channel ?? (payer?.invoice_delivery === 'print' ? 'print' : 'email');
  if (preference === 'print') return { channel: 'print', recipients: [], note: null };

  const recipients: Recipient[] = [];
  const add = (r: Recipient) => {
    if (!recipients.some((x) => x.email.toLowerCase() === r.email.toLowerCase())) recipients.push(r);
  };
  if (payer && !payer.erased_at && payer.email && toNumber(payer.pseudo_email) !== 1) {
    add({ email: payer.email, name: payerName, language: payerLanguage, contactId: payer.id });
  } else if (opts.fallbackEmail) {
    add({ email: opts.fallbackEmail, name: payerName, language: payerLanguage, contactId: payer?.id ?? null });
  }
  if (payer?.kind === 'organization') {
    const people = await correspondenceRecipients(db, payer.id);
    if (people.length) {
      const languages = new Map(
        (await db.selectFrom('contact').select(['id', 'language']).where('id', 'in', people.map((p) => p.personId)).execute()).map((r) => [r.id, r.language]),
      );
      for (const p of people) add({ email: p.email, name: p.name, language: languages.get(p.personId) ? languageOf(languages.get(p.personId)) : payerLanguage, contactId: p.personId });
    }
  }
  if (!recipients.length) {
    if (opts.channel === 'email') {
      throw validation(`${payer?.display_name ?? 'The payer'} has no e-mail address${payer?.kind === 'organization' ? ', and no confirmed contact person with one' : ''}. Add one, give the addresses to send to, or send it for print.`, { field: 'to' });
    }
    return { channel: 'print', recipients: [], note: 'No e-mail address: sent for print instead.' };
  }
  return { channel: 'email', recipients, note: null };
};
