import { inTransaction, toNumber } from '../../db/database.ts';
import { conflict, notFound, validation } from '../../kernel/app-error.ts';
import { recordAudit } from '../audit/index.ts';
import type { ChangedBy, ContactDeps } from './contact.ts';
import { mailOfContact } from './personal-data.ts';

/**
 * Erasure (GDPR art. 17) of a person. What happens, and why:
 *
 * - Kept: the id and the member number, so invoices, payments and ledger entries keep pointing at
 *   "member 1045"; the books must keep their amounts and references for years (bookkeeping law).
 *   The row stays with status "erased"; it drops out of search (its search text is only the member
 *   number) and of the default lists (which show active contacts).
 * - Anonymised: the name becomes "Erased"; salutation, first names, initial, birth date, gender,
 *   address, phones, e-mail, language and the staff note are cleared; custom field values and tags
 *   are deleted.
 * - Links: the person leaves their household (a secondary member is promoted when the primary is
 *   erased; an empty household is deleted), stops being anyone's payer (those contacts pay their own
 *   invoices again), loses their own payer link, and stops being a contact of any organization.
 * - Consents: the rows are kept (they prove what was agreed, and when, which is the legal basis of
 *   past processing); they hold the wording and version, not personal data. The actor name on rows
 *   the member recorded themselves is cleared.
 * - E-mails sent to them: addresses, subject and body are blanked (messages still waiting in the
 *   outbox are left to be sent or to fail).
 * - Import reports: the rows about this contact lose their reason text (it may name the e-mail).
 * - The audit trail is append-only and hash-chained: earlier change records are kept as the
 *   accountability record. The erase itself is audited without any of the erased values.
 *
 * Organizations are not personal data: edit or delete them instead.
 */
export const eraseContact = async (
  deps: ContactDeps,
  by: ChangedBy,
  id: string,
  input: { confirm: boolean; reason: string },
): Promise<{ id: string; memberNumber: number; status: 'erased' }> => {
  if (input.confirm !== true) throw validation('Erasing cannot be undone: send confirm: true to go ahead.', { field: 'confirm' });
  const reason = input.reason.trim();
  if (!reason) throw validation('Give a reason for the erasure, such as "Asked by the member on 2026-01-10".', { field: 'reason' });
  if (reason.length > 500) throw validation('The reason can be at most 500 characters.', { field: 'reason' });

  return inTransaction(deps.db, async (tx) => {
    const row = await tx.selectFrom('contact').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('The contact');
    if (row.status === 'erased') throw conflict('This contact has already been erased.');
    if (row.kind !== 'person') throw conflict('Only persons can be erased; an organization is not personal data. Edit or delete it instead.');
    const memberNumber = toNumber(row.member_number);
    const now = deps.clock.now().toISOString();

    // Household: promote a secondary if the primary goes; drop an empty household.
    if (row.household_id) {
      const others = await tx
        .selectFrom('contact')
        .select(['id', 'household_role'])
        .where('household_id', '=', row.household_id)
        .where('id', '!=', id)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      if (others.length === 0) {
        await tx.updateTable('contact').set({ household_id: null, household_role: null }).where('id', '=', id).execute();
        await tx.deleteFrom('household').where('id', '=', row.household_id).execute();
      } else if (row.household_role === 'primary' && !others.some((o) => o.household_role === 'primary')) {
        await tx.updateTable('contact').set((eb) => ({ household_role: 'primary', version: eb('version', '+', 1), updated_at: now })).where('id', '=', others[0]!.id).execute();
      }
    }
    const payerOf = await tx.selectFrom('contact').select('id').where('payer_id', '=', id).execute();
    if (payerOf.length) {
      await tx.updateTable('contact').set((eb) => ({ payer_id: null, version: eb('version', '+', 1), updated_at: now })).where('payer_id', '=', id).execute();
    }
    await tx.deleteFrom('organization_contact').where('person_id', '=', id).execute();
    await tx.deleteFrom('contact_field_value').where('contact_id', '=', id).execute();
    await tx.deleteFrom('contact_tag').where('contact_id', '=', id).execute();
    await tx.updateTable('consent').set({ actor_name: null }).where('contact_id', '=', id).where('source', '=', 'member').execute();

    for (const m of await mailOfContact(tx, id, row.email)) {
      if (m.status === 'queued') continue;
      await tx.updateTable('mail_message').set({ to_addresses: '[]', cc_addresses: null, reply_to: null, subject: '(erased)', text_body: '', html_body: null, attachments: null }).where('id', '=', m.id).execute();
    }
    const imports = await tx.selectFrom('contact_import').select(['id', 'report']).where('report', 'like', `%"contactId":"${id}"%`).execute();
    for (const imp of imports) {
      const report = JSON.parse(imp.report!) as { rows: Array<{ contactId?: string; reason?: string }> };
      for (const r of report.rows) if (r.contactId === id) delete r.reason;
      await tx.updateTable('contact_import').set({ report: JSON.stringify(report) }).where('id', '=', imp.id).execute();
    }
    // The same in the saved batches of an import that has not finished.
    const batches = await tx.selectFrom('contact_import_batch').select(['import_id', 'first_row', 'rows']).where('rows', 'like', `%"contactId":"${id}"%`).execute();
    for (const b of batches) {
      const rows = JSON.parse(b.rows) as Array<{ contactId?: string; reason?: string }>;
      for (const r of rows) if (r.contactId === id) delete r.reason;
      await tx.updateTable('contact_import_batch').set({ rows: JSON.stringify(rows) }).where('import_id', '=', b.import_id).where('first_row', '=', b.first_row).execute();
    }

    await tx
      .updateTable('contact')
      .set((eb) => ({
        status: 'erased',
        salutation: null,
        first_names: null,
        initial: null,
        last_name: 'Erased',
        birth_date: null,
        gender: null,
        display_name: 'Erased',
        sort_name: 'erased',
        address_lines: null,
        postcode: null,
        place: null,
        region: null,
        country: null,
        phone_home: null,
        phone_work: null,
        phone_mobile: null,
        email: null,
        pseudo_email: 0,
        invoice_delivery: 'print',
        language: null,
        note: null,
        payer_id: null,
        household_id: null,
        household_role: null,
        search_text: String(memberNumber),
        version: eb('version', '+', 1),
        updated_at: now,
        erased_at: now,
      }))
      .where('id', '=', id)
      .execute();

    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'contact',
      entityId: id,
      action: 'erase',
      after: { status: 'erased', memberNumber, reason, householdLeft: Boolean(row.household_id), payerLinksRemoved: payerOf.length },
      requestId: by.requestId,
    });
    return { id, memberNumber, status: 'erased' as const };
  });
};
