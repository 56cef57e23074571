import type { Insertable, Kysely } from 'kysely';
import { inTransaction, toNumber } from '../../db/database.ts';
import type { ConsentTable, DB } from '../../db/schema.ts';
import { conflict, notFound, validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/ids.ts';
import { recordAudit, type Actor } from '../audit/index.ts';
import { getSettings } from '../settings/index.ts';
import { CONSENT_KINDS, type ChangedBy, type ConsentKind, type ContactDeps } from './contact.ts';

/**
 * Consents (seed 003): accepted statutes, processing of personal data, information by e-mail and
 * by SMS. Rows are never changed or deleted: each grant or withdrawal is a new row holding the
 * wording shown and its version, so the history shows what a member agreed to and when. The
 * current consent of a kind is its newest row.
 */
export const CONSENT_SOURCES = ['staff', 'member', 'import', 'api'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

export interface ConsentInput {
  kind: ConsentKind;
  granted: boolean;
  /** Defaults to the current wording in settings (consent.<kind>.wording). */
  wording?: string;
  /** Defaults to the current version in settings (consent.<kind>.version). */
  version?: string;
}

export interface ConsentRecord {
  id: string;
  kind: ConsentKind;
  granted: boolean;
  wording: string;
  version: string;
  source: string;
  actorName: string | null;
  at: string;
}

export type ConsentWordings = Record<ConsentKind, { wording: string; version: string }>;

/** The wording and version each consent is given under now (settings consent.<kind>.wording/.version). */
export const currentConsentWordings = async (db: Kysely<DB>): Promise<ConsentWordings> => {
  const s = (await getSettings(db)) as unknown as Record<string, string>;
  return Object.fromEntries(CONSENT_KINDS.map((k) => [k, { wording: s[`consent.${k}.wording`]!, version: s[`consent.${k}.version`]! }])) as ConsentWordings;
};

/** The source a consent is recorded with, from who records it. */
export const consentSourceOf = (actor: Actor): ConsentSource => (actor.type === 'member' ? 'member' : actor.type === 'apikey' ? 'api' : 'staff');

export const isConsentKind = (k: string): k is ConsentKind => (CONSENT_KINDS as readonly string[]).includes(k);

/**
 * Appends one consent row in the caller's transaction and audits it. The rows of one contact get
 * strictly increasing times (a change within the same millisecond is stamped 1 ms later), so "the
 * newest row" and the order of the history are always well defined.
 */
export const recordConsentInTx = async (
  tx: Kysely<DB>,
  clock: Clock,
  by: ChangedBy,
  contactId: string,
  input: ConsentInput & { source: ConsentSource },
  wordings?: ConsentWordings,
): Promise<ConsentRecord> => {
  if (!isConsentKind(input.kind)) throw validation(`There is no consent "${String(input.kind)}"; use one of ${CONSENT_KINDS.join(', ')}.`, { field: 'kind' });
  const defaults = (wordings ?? (await currentConsentWordings(tx)))[input.kind];
  const wording = (input.wording ?? defaults.wording).trim();
  const version = (input.version ?? defaults.version).trim();
  if (!wording) throw validation('The consent wording cannot be empty: give the text the person agreed to, or set it under settings.', { field: 'wording' });
  if (wording.length > 10_000) throw validation('The consent wording can be at most 10000 characters.', { field: 'wording' });
  if (!version || version.length > 50) throw validation('Give the consent a version of 1 to 50 characters, such as 2026-1.', { field: 'version' });

  const last = await tx
    .selectFrom('consent')
    .select('at')
    .where('contact_id', '=', contactId)
    .orderBy('at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const nowMs = clock.now().getTime();
  const atMs = last && Date.parse(last.at) >= nowMs ? Date.parse(last.at) + 1 : nowMs;
  const record: ConsentRecord = {
    id: newId(atMs),
    kind: input.kind,
    granted: input.granted,
    wording,
    version,
    source: input.source,
    actorName: by.actor.name,
    at: new Date(atMs).toISOString(),
  };
  await tx
    .insertInto('consent')
    .values({
      id: record.id,
      contact_id: contactId,
      kind: record.kind,
      granted: record.granted ? 1 : 0,
      wording: record.wording,
      version: record.version,
      source: record.source,
      actor_name: record.actorName,
      at: record.at,
    })
    .execute();
  await recordAudit(tx, clock, by.actor, {
    entityType: 'contact',
    entityId: contactId,
    action: record.granted ? 'consent.grant' : 'consent.withdraw',
    after: { kind: record.kind, granted: record.granted, version: record.version, source: record.source },
    requestId: by.requestId,
  });
  return record;
};

/** A contact's current consent per kind (its newest row), with that row's time. */
export const currentConsentStates = async (db: Kysely<DB>, contactId: string): Promise<Partial<Record<ConsentKind, { granted: boolean; at: string }>>> => {
  const rows = await db.selectFrom('consent').select(['kind', 'granted', 'at']).where('contact_id', '=', contactId).orderBy('at', 'desc').orderBy('id', 'desc').execute();
  const out: Partial<Record<ConsentKind, { granted: boolean; at: string }>> = {};
  for (const r of rows) if (!(r.kind in out)) out[r.kind as ConsentKind] = { granted: Boolean(toNumber(r.granted)), at: r.at };
  return out;
};

export type ConsentRow = Insertable<ConsentTable>;

/**
 * Consent rows read from an import file for one contact (source "import", the current wording and
 * version), for the import to insert in batches. Not audited row by row: the contact's and the
 * import's audit rows cover the import, and consent rows are themselves an append-only history
 * naming who recorded them. Times keep increasing per contact, as recordConsentInTx keeps them.
 */
export const importedConsentRows = (
  clock: Clock,
  by: ChangedBy,
  contactId: string,
  changes: Array<{ kind: ConsentKind; granted: boolean }>,
  wordings: ConsentWordings,
  current: Partial<Record<ConsentKind, { at: string }>> = {},
): ConsentRow[] => {
  let atMs = Math.max(clock.now().getTime() - 1, ...Object.values(current).map((c) => Date.parse(c.at)));
  return changes.map((ch) => {
    atMs++;
    return {
      id: newId(atMs),
      contact_id: contactId,
      kind: ch.kind,
      granted: ch.granted ? 1 : 0,
      wording: wordings[ch.kind].wording,
      version: wordings[ch.kind].version,
      source: 'import',
      actor_name: by.actor.name,
      at: new Date(atMs).toISOString(),
    };
  });
};

/** Inserts consent rows, a thousand per statement. */
export const insertConsentRows = async (tx: Kysely<DB>, rows: ConsentRow[]): Promise<void> => {
  for (let i = 0; i < rows.length; i += 1000) await tx.insertInto('consent').values(rows.slice(i, i + 1000)).execute();
};

/** Records a grant or withdrawal for one contact (POST /contacts/:id/consents). */
export const recordConsent = async (deps: ContactDeps, by: ChangedBy, contactId: string, input: ConsentInput): Promise<ConsentRecord> =>
  inTransaction(deps.db, async (tx) => {
    const contact = await tx.selectFrom('contact').select(['id', 'status']).where('id', '=', contactId).executeTakeFirst();
    if (!contact) throw notFound('The contact');
    if (contact.status === 'erased') throw conflict('This contact has been erased; consents can no longer be recorded for it.');
    return recordConsentInTx(tx, deps.clock, by, contactId, { ...input, source: consentSourceOf(by.actor) });
  });

/** Every consent row of a contact, newest first (GET /contacts/:id/consents). */
export const consentHistory = async (db: Kysely<DB>, contactId: string): Promise<ConsentRecord[]> => {
  const rows = await db.selectFrom('consent').selectAll().where('contact_id', '=', contactId).orderBy('at', 'desc').orderBy('id', 'desc').execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as ConsentKind,
    granted: Boolean(toNumber(r.granted)),
    wording: r.wording,
    version: r.version,
    source: r.source,
    actorName: r.actor_name,
    at: r.at,
  }));
};
