import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import { listAudit, type AuditEntry } from '../audit/index.ts';
import { getSetting } from '../settings/index.ts';
import type { Contact } from './contact.ts';
import { loadCustomFields, loadFieldValues } from './contact-store.ts';
import { getContact } from './get-contact.ts';
import { consentHistory, type ConsentRecord } from './record-consent.ts';

/**
 * Everything the registry holds about one contact (GDPR art. 15 and 20): the record, custom field
 * values with their labels (archived fields too), the whole consent history, tags, household,
 * payer links, organization links, its history from the audit trail, and the e-mails sent to it.
 */
export interface PersonalData {
  exportedAt: string;
  controller: string;
  contact: Contact;
  customFields: Array<{ key: string; label: string; value: string; archived: boolean }>;
  consents: ConsentRecord[];
  history: AuditEntry[];
  mail: Array<{ id: string; to: string[]; subject: string; status: string; createdAt: string; sentAt: string | null; text: string }>;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Mail about the contact, or addressed to its e-mail. */
export const mailOfContact = async (db: Kysely<DB>, contactId: string, email: string | null) => {
  let q = db.selectFrom('mail_message').selectAll();
  q = q.where((eb) =>
    eb.or([
      eb.and([eb('related_type', '=', 'contact'), eb('related_id', '=', contactId)]),
      ...(email ? [sql<boolean>`to_addresses like ${`%${escapeLike(JSON.stringify(email))}%`} escape '\\'`] : []),
    ]),
  );
  return q.orderBy('created_at').orderBy('id').execute();
};

export const exportPersonalData = async (deps: { db: Kysely<DB>; clock: Clock }, contactId: string): Promise<PersonalData> => {
  const { db } = deps;
  const contact = await getContact(db, contactId);
  const fields = await loadCustomFields(db);
  const values = await loadFieldValues(db, contactId);
  const history = await listAudit(db, { entityType: 'contact', entityId: contactId }, { sort: { column: 'seq', direction: 'asc' }, limit: 100_000, offset: 0 });
  const mail = await mailOfContact(db, contactId, contact.pseudoEmail ? null : contact.email);
  return {
    exportedAt: deps.clock.now().toISOString(),
    controller: await getSetting(db, 'organization.name'),
    contact,
    customFields: fields
      .filter((f) => values[f.id] !== undefined)
      .map((f) => ({ key: f.key, label: f.label, value: values[f.id]!, archived: f.archived })),
    consents: await consentHistory(db, contactId),
    history: history.items,
    mail: mail.map((m) => ({
      id: m.id,
      to: JSON.parse(m.to_addresses) as string[],
      subject: m.subject,
      status: m.status,
      createdAt: m.created_at,
      sentAt: m.sent_at,
      text: m.text_body,
    })),
  };
};

const line = (label: string, value: unknown) => (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0) ? null : `  ${label}: ${Array.isArray(value) ? value.join(', ') : String(value)}`);

/** The same, as a summary a person can read (GET …/personal-data.txt). */
export const personalDataText = (d: PersonalData): string => {
  const c = d.contact;
  const out: Array<string | null> = [
    `Personal data held by ${d.controller}`,
    `About: ${c.displayName} (member number ${c.memberNumber})`,
    `Exported: ${d.exportedAt}`,
    '',
    'Record',
    line('Kind', c.kind),
    line('Status', c.status),
    line('Salutation', c.salutation),
    line('First names', c.firstNames),
    line('Initial', c.initial),
    line('Last name', c.lastName),
    line('Organization', c.orgName),
    line('Organization number', c.orgNumber),
    line('VAT number', c.vatNumber),
    line('Birth date', c.birthDate),
    line('Gender', c.gender),
    line('Address', c.addressLines.length ? c.addressLines.join(' / ') : null),
    line('Postcode and place', [c.postcode, c.place].filter(Boolean).join(' ')),
    line('Region', c.region),
    line('Country', c.country),
    line('Home phone', c.phoneHome),
    line('Work phone', c.phoneWork),
    line('Mobile phone', c.phoneMobile),
    line('E-mail', c.email ? `${c.email}${c.pseudoEmail ? ' (made up by an import; not used for mail)' : ''}` : null),
    line('Invoices sent by', c.invoiceDelivery === 'email' ? 'e-mail' : 'post'),
    line('Language', c.language),
    line('Note by staff', c.note),
    line('Tags', c.tags),
    line('Payer of their invoices', c.payer?.displayName),
    line('Pays the invoices of', c.payerFor.map((p) => p.displayName)),
    line('Household', c.household ? `${c.household.name} (${c.household.role}); members: ${c.household.members.map((m) => m.displayName).join(', ')}` : null),
    line('Contact for organizations', c.organizations.map((o) => `${o.displayName} (${o.role}, ${o.status})`)),
    line('Created', c.createdAt),
    line('Last changed', c.updatedAt),
    '',
    'Custom fields',
    ...(d.customFields.length ? d.customFields.map((f) => line(f.label, f.value)) : ['  (none)']),
    '',
    'Consents (newest first)',
    ...(d.consents.length
      ? d.consents.map((k) => `  ${k.at}  ${k.kind}: ${k.granted ? 'given' : 'withdrawn'} (version ${k.version}, recorded by ${k.source}${k.actorName ? ` ${k.actorName}` : ''}) — "${k.wording}"`)
      : ['  (none recorded)']),
    '',
    'History of changes',
    ...(d.history.length ? d.history.map((h) => `  ${h.at}  ${h.action} by ${h.actorName ?? h.actorType}`) : ['  (none)']),
    '',
    'E-mails sent',
    ...(d.mail.length ? d.mail.map((m) => `  ${m.createdAt}  "${m.subject}" to ${m.to.join(', ')} (${m.status})`) : ['  (none)']),
    '',
  ];
  return out.filter((l): l is string => l !== null).join('\n');
};
