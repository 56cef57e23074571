import type { AppContext } from '../../app.ts';
import { inTransaction, type Database } from '../../db/database.ts';
import { insertRows } from '../../db/bulk.ts';
import { AppError } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/ids.ts';
import { PermanentJobError } from '../../jobs/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { mailDeps, queueMail } from '../mail/index.ts';
import type { Config } from '../../config.ts';
import { checkAddresses, planDelivery } from './delivery-plan.ts';
import { formatter, type DocumentLanguage } from './format.ts';
import { renderMailText } from './mail-template.ts';
import { loadOrganization } from './organization.ts';
import { statementValues } from './statement-layout.ts';
import { renderStatementPdf, statementContacts, statementDate, type StatementSelection } from './statements.ts';
import { mailTemplateText, type ChangedBy } from './template-store.ts';

export const STATEMENT_SEND_JOB = 'statement.send';

interface StatementPayload {
  contactId: string;
  asOf: string;
  to?: string[];
  by: string;
}

export interface SendDeps {
  db: Database;
  clock: Clock;
  config: Pick<Config, 'mailFrom' | 'publicUrl'>;
}

/**
 * E-mails one contact's statement (PDF attached) in the caller's transaction: to the contact and,
 * for an organization, its administrative and confirmed technical contacts — or to `to`. Each
 * recipient gets the statement e-mail template in their language. Returns the outbox message ids.
 */
const queueStatementMail = async (tx: Database, deps: SendDeps, payload: StatementPayload): Promise<{ messageIds: string[]; recipients: string[] }> => {
  const org = await loadOrganization(tx);
  const plan = await planDelivery(tx, payload.contactId, { channel: 'email', to: payload.to, orgLanguage: org.language });
  const pdf = await renderStatementPdf({ db: tx, clock: deps.clock }, payload.contactId, { asOf: payload.asOf, org });
  const texts = new Map<DocumentLanguage, { subject: string; body: string }>();
  const md = await mailDeps({ db: tx, clock: deps.clock, config: deps.config }, tx);
  const messageIds: string[] = [];
  for (const r of plan.recipients) {
    let t = texts.get(r.language);
    if (!t) {
      t = await mailTemplateText(tx, 'statement', r.language);
      texts.set(r.language, t);
    }
    const m = renderMailText(t, { ...statementValues(org, formatter(org.locale, r.language), pdf.statement), 'recipient.name': r.name });
    messageIds.push(
      await queueMail(tx, md, {
        to: [r.email],
        subject: m.subject,
        text: m.body,
        replyTo: org.billingEmail || undefined,
        attachments: [{ filename: pdf.filename, contentType: 'application/pdf', contentBase64: pdf.bytes.toString('base64') }],
        relatedType: 'contact',
        relatedId: payload.contactId,
      }),
    );
  }
  return { messageIds, recipients: plan.recipients.map((r) => r.email) };
};

/** E-mails one contact's statement now (the outbox sends it). 400 when there is no address to send to. Audited. */
export const sendStatement = async (
  deps: SendDeps,
  by: ChangedBy,
  contactId: string,
  input: { asOf?: string; to?: string[] } = {},
): Promise<{ contactId: string; asOf: string; recipients: string[]; messageIds: string[] }> => {
  const to = input.to?.length ? checkAddresses(input.to) : undefined;
  const org = await loadOrganization(deps.db);
  const asOf = statementDate(deps, org, input.asOf);
  return inTransaction(deps.db, async (tx) => {
    const sent = await queueStatementMail(tx, deps, { contactId, asOf, to, by: by.actor.name ?? by.actor.type });
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'contact', entityId: contactId, action: 'send_statement', after: { asOf, recipients: sent.recipients }, requestId: by.requestId });
    return { contactId, asOf, ...sent };
  });
};

/** The `statement.send` job: one contact's statement of a mass send. */
export const sendStatementJob = async (ctx: AppContext, payload: unknown): Promise<void> => {
  const p = payload as Partial<StatementPayload> | null;
  if (!p || typeof p.contactId !== 'string' || typeof p.asOf !== 'string') throw new PermanentJobError('The statement job names no contact and date.');
  try {
    await inTransaction(ctx.db, (tx) => queueStatementMail(tx, ctx, { contactId: p.contactId!, asOf: p.asOf!, to: p.to, by: p.by ?? 'system' }));
  } catch (e) {
    if (e instanceof AppError && (e.code === 'validation' || e.code === 'not_found')) throw new PermanentJobError(e.message);
    throw e;
  }
};

export interface SendStatementsResult {
  batchId: string | null;
  asOf: string;
  dryRun: boolean;
  /** Contacts whose statement is (or would be) e-mailed. */
  count: number;
  /** Contacts left out for lack of an e-mail address (get them as a zip instead). */
  withoutEmail: number;
  /** The first 100 of those, to make the zip with. */
  withoutEmailIds: string[];
}

const JOB_COLUMNS = ['id', 'type', 'payload', 'status', 'run_at', 'attempts', 'max_attempts', 'last_error', 'locked_by', 'locked_at', 'created_at', 'updated_at', 'finished_at'] as const;

/**
 * Statements for many contacts by e-mail (seed 002 "Statement, all, E-mail"): one `statement.send`
 * job per contact with an address (its own, or for an organization a confirmed contact person's),
 * queued in one transaction. Contacts without one are counted and listed, for the zip.
 */
export const sendStatements = async (
  deps: SendDeps,
  by: ChangedBy,
  input: StatementSelection & { asOf?: string; dryRun?: boolean },
): Promise<SendStatementsResult> => {
  const org = await loadOrganization(deps.db);
  const asOf = statementDate(deps, org, input.asOf);
  const ids = await statementContacts(deps.db, input);
  const reachable = new Set<string>();
  for (let i = 0; i < ids.length; i += 5000) {
    const chunk = ids.slice(i, i + 5000);
    const rows = await deps.db
      .selectFrom('contact as c')
      .select('c.id')
      .where('c.id', 'in', chunk)
      .where((eb) =>
        eb.or([
          eb.and([eb('c.email', 'is not', null), eb('c.pseudo_email', '=', 0)]),
          eb.exists(
            eb
              .selectFrom('organization_contact as l')
              .innerJoin('contact as p', 'p.id', 'l.person_id')
              .select('l.id')
              .whereRef('l.organization_id', '=', 'c.id')
              .where('l.status', '=', 'confirmed')
              .where('p.status', '=', 'active')
              .where('p.pseudo_email', '=', 0)
              .where('p.email', 'is not', null),
          ),
        ]),
      )
      .execute();
    for (const r of rows) reachable.add(r.id);
  }
  const send = ids.filter((id) => reachable.has(id));
  const without = ids.filter((id) => !reachable.has(id));
  const result = { asOf, count: send.length, withoutEmail: without.length, withoutEmailIds: without.slice(0, 100) };
  if (input.dryRun || !send.length) return { batchId: null, dryRun: !!input.dryRun, ...result };
  const batchId = newId(deps.clock.now().getTime());
  const now = deps.clock.now().toISOString();
  const actor = by.actor.name ?? by.actor.type;
  await inTransaction(deps.db, async (tx) => {
    await insertRows(
      tx,
      'job',
      JOB_COLUMNS,
      send.map((contactId) => [`statement-email:${batchId}:${contactId}`, STATEMENT_SEND_JOB, JSON.stringify({ contactId, asOf, by: actor }), 'pending', now, 0, 8, null, null, null, now, now, null]),
    );
    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'statement_batch',
      entityId: batchId,
      action: 'send',
      after: { asOf, count: send.length, withoutEmail: without.length, onlyWithBalance: !!input.onlyWithBalance },
      requestId: by.requestId,
    });
  });
  return { batchId, dryRun: false, ...result };
};
