import { sql, type Kysely } from 'kysely';
import { dbKind, inTransaction, toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { AppError, conflict, isAppError, validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { recordAudit } from '../audit/index.ts';
import { getSetting } from '../settings/index.ts';
import { activeImportFields, checkMapping, loadImportRow, readImportFile } from './analyze-import.ts';
import { CONSENT_KINDS, validateContactInput, type ChangedBy, type ContactDeps, type ContactFields, type ContactInput, type ContactPatch } from './contact.ts';
import { fieldsOfRow, findContactRow, loadCustomFields, loadFieldValues, loadTags } from './contact-store.ts';
import { createContactInTx } from './create-contact.ts';
import { checkCustomValues, type CustomField } from './custom-field.ts';
import { emailSlug } from './import-mapping.ts';
import { finishProgress, progressOf, setProgress, startProgress } from './import-progress.ts';
import { createInputOf, DOMAIN_PATTERN, MATCH_MODES, planRow, type ImportMapping, type ImportOptions, type RowPlan } from './import-rows.ts';
import { takeMemberNumber } from './member-number.ts';
import { currentConsentStates, currentConsentWordings, importedConsentRows, insertConsentRows, type ConsentRow, type ConsentWordings } from './record-consent.ts';
import { updateContactInTx } from './update-contact.ts';

/**
 * Steps 2 and 3 of an import: the dry run and the run. Both go through the same code in one
 * transaction; the dry run (and a run of a file with errors, unless importValidRows) rolls it
 * back, so what the dry run reports is exactly what the run does, and nothing is ever
 * half-imported. Contacts are created and changed through createContactInTx/updateContactInTx,
 * which check and audit each one; the import itself is audited once.
 *
 * Matching: a row whose member number (matchOn memberNumber/both) or e-mail (email/both) belongs to
 * a contact updates it. Empty cells never clear a value; tags from the file are added to the
 * contact's tags; consents are recorded when they differ from the current ones. A row that would
 * change nothing is skipped. Rows repeating an earlier row's member number or e-mail are errors
 * (exact repeats are skipped).
 */

export type ImportAction = 'create' | 'update' | 'skip' | 'error';

export interface ImportRowResult {
  line: number;
  action: ImportAction;
  reason?: string;
  contactId?: string;
  memberNumber?: number;
}

export interface ImportCounts {
  created: number;
  updated: number;
  skipped: number;
  errors: number;
}

export interface ImportReport {
  rows: ImportRowResult[];
  counts: ImportCounts;
  /** Whether the changes were kept (false for a dry run and for a file with errors without importValidRows). */
  imported: boolean;
  dryRun: boolean;
  /** Why nothing was imported, when it was not. */
  message?: string;
}

export interface ImportRequest {
  mapping: ImportMapping;
  options: Partial<ImportOptions>;
}

/** Thrown inside the transaction to roll it back while keeping the report. */
class RollBack extends Error {
  readonly report: ImportReport;
  constructor(report: ImportReport) {
    super('rolled back');
    this.report = report;
  }
}

const countsOf = (rows: ImportRowResult[]): ImportCounts => ({
  created: rows.filter((r) => r.action === 'create').length,
  updated: rows.filter((r) => r.action === 'update').length,
  skipped: rows.filter((r) => r.action === 'skip').length,
  errors: rows.filter((r) => r.action === 'error').length,
});

/** The options with defaults filled in and checked. */
export const resolveImportOptions = async (db: Kysely<DB>, options: Partial<ImportOptions>): Promise<ImportOptions> => {
  const matchOn = options.matchOn ?? 'both';
  if (!MATCH_MODES.includes(matchOn)) throw validation(`matchOn must be one of ${MATCH_MODES.join(', ')}.`, { field: 'matchOn' });
  let domain = options.pseudoEmailDomain ?? (await getSetting(db, 'contacts.pseudo_email_domain'));
  domain = domain.trim().toLowerCase().replace(/^@/, '');
  if (domain && !DOMAIN_PATTERN.test(domain)) {
    throw validation(`"${domain}" is not a domain name for made-up e-mail addresses; use one like members.example.org.`, { field: 'pseudoEmailDomain' });
  }
  return { importValidRows: options.importValidRows ?? false, matchOn, ...(domain ? { pseudoEmailDomain: domain } : {}) };
};

interface RowContext {
  tx: Kysely<DB>;
  clock: Clock;
  by: ChangedBy;
  options: ImportOptions;
  fields: CustomField[];
  wordings: ConsentWordings;
  today: string;
  index: MatchIndex;
  /** Consent rows waiting to be inserted in one statement with others (a round trip per row adds up). */
  consents: ConsentRow[];
}

const problemText = (problems: Array<{ message: string }>) => problems.map((p) => p.message).join(' ');

const pseudoEmail = (plan: Pick<RowPlan, 'fields'>, row: Partial<ContactFields> | null, memberNumber: number, domain: string) =>
  `${emailSlug([plan.fields.firstNames ?? row?.firstNames, plan.fields.lastName ?? row?.lastName, plan.fields.orgName ?? row?.orgName])}.${memberNumber}@${domain}`;

type ConsentStates = Awaited<ReturnType<typeof currentConsentStates>>;

const consentChanges = (wanted: RowPlan['consents'], current: ConsentStates) =>
  CONSENT_KINDS.filter((k) => wanted[k] !== undefined && wanted[k] !== current[k]?.granted).map((kind) => ({ kind, granted: wanted[kind]! }));

const createFromRow = async (c: RowContext, plan: RowPlan): Promise<ImportRowResult> => {
  const input: ContactInput = createInputOf(plan);
  const domain = c.options.pseudoEmailDomain;
  const usePseudo = !input.email && Boolean(domain);
  // Check everything before taking a member number, so a bad row leaves no gap in the series.
  const probe = usePseudo ? { ...input, email: `probe@${domain}`, invoiceDelivery: 'print' as const } : input;
  const checked = validateContactInput(probe, { today: c.today });
  const custom = checkCustomValues(c.fields, input.kind, input.customFields ?? undefined, { creating: true });
  const problems = [...checked.problems, ...custom.problems];
  if (problems.length) return { line: plan.line, action: 'error', reason: problemText(problems) };

  let memberNumber = plan.memberNumber ?? undefined;
  if (usePseudo) {
    memberNumber ??= await takeMemberNumber(c.tx);
    input.email = pseudoEmail(plan, null, memberNumber, domain!);
    input.invoiceDelivery = 'print'; // a made-up address receives nothing
  }
  const contact = await createContactInTx(c.tx, c.clock, c.by, input, { fields: c.fields, pseudoEmail: usePseudo, ...(memberNumber !== undefined ? { memberNumber } : {}) });
  c.index.changed(contact);
  c.consents.push(...importedConsentRows(c.clock, c.by, contact.id, consentChanges(plan.consents, {}), c.wordings));
  return { line: plan.line, action: 'create', contactId: contact.id, memberNumber: contact.memberNumber, ...(usePseudo ? { reason: `No e-mail; given ${input.email}.` } : {}) };
};

const updateFromRow = async (c: RowContext, plan: RowPlan, targetId: string): Promise<ImportRowResult> => {
  const target = (await findContactRow(c.tx, targetId))!;
  const memberNumber = toNumber(target.member_number);
  const base = { line: plan.line, contactId: target.id, memberNumber };
  if (target.status !== 'active') return { ...base, action: 'error', reason: `Member number ${memberNumber} belongs to an erased contact, which cannot be changed.` };
  if (plan.kind && plan.kind !== target.kind) return { ...base, action: 'error', reason: `The row is ${plan.kind === 'person' ? 'a person' : 'an organization'}, but member ${memberNumber} is ${target.kind === 'person' ? 'a person' : 'an organization'}.` };

  const current = fieldsOfRow(target);
  const patch: ContactPatch = { ...plan.fields };
  const domain = c.options.pseudoEmailDomain;
  const usePseudo = !patch.email && !current.email && Boolean(domain);
  if (usePseudo) {
    patch.email = pseudoEmail(plan, current, memberNumber, domain!);
    patch.invoiceDelivery = 'print';
  }
  const currentTags = (await loadTags(c.tx, [target.id])).get(target.id) ?? [];
  const addedTags = plan.tags.filter((t) => !currentTags.includes(t));
  if (addedTags.length) patch.tags = [...currentTags, ...addedTags];
  if (Object.keys(plan.customFields).length) patch.customFields = plan.customFields;

  // Check the whole change first, and find out whether it changes anything at all.
  const merged = { ...current, ...patch, kind: current.kind } as ContactInput;
  const checked = validateContactInput(merged, { today: c.today });
  const values = await loadFieldValues(c.tx, target.id);
  const custom = checkCustomValues(c.fields, current.kind, patch.customFields ?? undefined, { creating: false, current: values });
  const problems = [...checked.problems, ...custom.problems];
  if (!checked.ok || problems.length) return { ...base, action: 'error', reason: problemText(problems) };
  const fieldsChange = (Object.keys(checked.value) as Array<keyof ContactFields>).some((k) => JSON.stringify(checked.value[k]) !== JSON.stringify(current[k]));
  const customChange = [...custom.changes].some(([fieldId, v]) => (values[fieldId] ?? null) !== v);
  const consents = await currentConsentStates(c.tx, target.id);
  const newConsents = consentChanges(plan.consents, consents);
  if (!fieldsChange && !customChange && !addedTags.length && !newConsents.length) {
    return { ...base, action: 'skip', reason: `Member ${memberNumber} is already up to date.` };
  }
  if (fieldsChange || customChange || addedTags.length) {
    c.index.changed(await updateContactInTx(c.tx, c.clock, c.by, target.id, patch, { fields: c.fields, pseudoEmail: usePseudo }));
  }
  c.consents.push(...importedConsentRows(c.clock, c.by, target.id, newConsents, c.wordings, consents));
  return { ...base, action: 'update', ...(usePseudo ? { reason: `No e-mail; given ${patch.email}.` } : {}) };
};

/** What matching needs of an existing contact. */
interface Known {
  id: string;
  memberNumber: number;
  displayName: string;
  email: string | null;
}

/**
 * The contacts the file's member numbers and e-mails can match, read in a few queries up front
 * (one lookup per row would dominate a large import), then kept up to date as rows change them.
 */
class MatchIndex {
  readonly byNumber = new Map<number, Known>();
  readonly byEmail = new Map<string, Known[]>();

  static async load(tx: Kysely<DB>, plans: RowPlan[], useEmail: boolean): Promise<MatchIndex> {
    const index = new MatchIndex();
    const numbers = [...new Set(plans.map((p) => p.memberNumber).filter((n): n is number => n !== null))];
    const emails = useEmail ? [...new Set(plans.map((p) => p.fields.email).filter((e): e is string => Boolean(e)))] : [];
    const columns = ['id', 'member_number', 'display_name', 'email'] as const;
    for (let i = 0; i < numbers.length; i += 500) {
      for (const r of await tx.selectFrom('contact').select(columns).where('member_number', 'in', numbers.slice(i, i + 500)).execute()) index.add(r);
    }
    for (let i = 0; i < emails.length; i += 500) {
      const rows = await tx.selectFrom('contact').select(columns).where('email', 'in', emails.slice(i, i + 500)).orderBy('created_at').orderBy('id').execute();
      for (const r of rows) if (!index.byNumber.has(toNumber(r.member_number))) index.add(r);
    }
    return index;
  }

  add(r: { id: string; member_number: unknown; display_name: string; email: string | null }): void {
    const k: Known = { id: r.id, memberNumber: toNumber(r.member_number), displayName: r.display_name, email: r.email };
    this.byNumber.set(k.memberNumber, k);
    if (k.email) this.byEmail.set(k.email, [...(this.byEmail.get(k.email) ?? []), k]);
  }

  /** After a row changed a contact: its e-mail may be another now. */
  changed(c: { id: string; memberNumber: number; displayName: string; email: string | null }): void {
    const old = this.byNumber.get(c.memberNumber);
    if (old?.email) {
      const rest = (this.byEmail.get(old.email) ?? []).filter((k) => k.id !== c.id);
      if (rest.length) this.byEmail.set(old.email, rest);
      else this.byEmail.delete(old.email);
    }
    this.add({ id: c.id, member_number: c.memberNumber, display_name: c.displayName, email: c.email });
  }
}

/** Finds the contact a row updates, or says why the row cannot be imported. */
const matchRow = (c: RowContext, plan: RowPlan): { target: Known | null } | { error: string } => {
  const { matchOn } = c.options;
  const byNumber = plan.memberNumber !== null ? c.index.byNumber.get(plan.memberNumber) : undefined;
  const useEmail = matchOn !== 'memberNumber' && plan.fields.email;
  const byEmail = useEmail ? (c.index.byEmail.get(plan.fields.email!) ?? []) : [];
  const numbers = (rows: Known[]) => rows.map((r) => r.memberNumber).join(', ');

  if (byNumber && matchOn !== 'email') {
    if (byEmail.length && !byEmail.some((r) => r.id === byNumber.id)) {
      return { error: `Member number ${plan.memberNumber} belongs to ${byNumber.displayName}, but the e-mail ${plan.fields.email} belongs to member ${numbers(byEmail)}. Correct the row.` };
    }
    return { target: byNumber };
  }
  if (byEmail.length > 1) return { error: `The e-mail ${plan.fields.email} belongs to several contacts (members ${numbers(byEmail)}); add a member number column to say which one.` };
  if (byEmail.length === 1) {
    const target = byEmail[0]!;
    if (plan.memberNumber !== null && target.memberNumber !== plan.memberNumber) {
      return { error: `The e-mail ${plan.fields.email} belongs to member ${target.memberNumber}, but the row has member number ${plan.memberNumber}.` };
    }
    return { target };
  }
  if (byNumber) return { error: `Member number ${plan.memberNumber} already belongs to ${byNumber.displayName}; match on member number to update that contact.` };
  return { target: null };
};

/** Reads every row and creates or updates its contact in `tx`. Returns each row's fate in file order. */
const importRows = async (c: RowContext, plans: RowPlan[], onProgress: (processed: number) => void): Promise<ImportRowResult[]> => {
  const results: ImportRowResult[] = [];
  const seen = { number: new Map<number, RowPlan>(), email: new Map<string, RowPlan>(), contact: new Map<string, number>() };
  let processed = 0;
  for (const plan of plans) {
    results.push(await importOne(c, plan, seen));
    processed++;
    onProgress(processed);
    // Let the server answer other requests (progress polls) between batches.
    if (processed % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return results;
};

const importOne = async (
  c: RowContext,
  plan: RowPlan,
  seen: { number: Map<number, RowPlan>; email: Map<string, RowPlan>; contact: Map<string, number> },
): Promise<ImportRowResult> => {
  const error = (reason: string): ImportRowResult => ({ line: plan.line, action: 'error', reason });
  if (plan.problems.length) return error(plan.problems.join(' '));

  const email = c.options.matchOn !== 'memberNumber' ? plan.fields.email : undefined;
  const earlier = (plan.memberNumber !== null ? seen.number.get(plan.memberNumber) : undefined) ?? (email ? seen.email.get(email) : undefined);
  if (plan.memberNumber !== null && !seen.number.has(plan.memberNumber)) seen.number.set(plan.memberNumber, plan);
  if (email && !seen.email.has(email)) seen.email.set(email, plan);
  if (earlier) {
    if (earlier.fingerprint === plan.fingerprint) return { line: plan.line, action: 'skip', reason: `The same as line ${earlier.line}.` };
    const same = plan.memberNumber !== null && earlier.memberNumber === plan.memberNumber ? `member number ${plan.memberNumber}` : `e-mail ${email}`;
    return error(`Line ${earlier.line} has the same ${same}; keep one of the rows, or merge them.`);
  }

  const match = matchRow(c, plan);
  if ('error' in match) return error(match.error);
  const touchedBy = match.target ? seen.contact.get(match.target.id) : undefined;
  if (touchedBy !== undefined) return error(`Line ${touchedBy} already changed member ${match.target!.memberNumber}; merge the two rows.`);
  try {
    const result = match.target ? await updateFromRow(c, plan, match.target.id) : await createFromRow(c, plan);
    if (result.contactId && (result.action === 'create' || result.action === 'update')) seen.contact.set(result.contactId, plan.line);
    return result;
  } catch (e) {
    // The use cases check before they write, so a refusal leaves nothing of the row behind.
    if (isAppError(e) && (e.code === 'validation' || e.code === 'conflict')) return error(e.message);
    throw new AppError('conflict', `Line ${plan.line} could not be imported (${(e as Error).message}). Nothing was imported.`, { line: plan.line });
  }
};

export interface ImportDeps extends ContactDeps {
  log?: { error(obj: unknown, msg?: string): void };
}

/**
 * Runs the import of a stored file (dry or for real) to the end and returns its report. The file
 * is read again from the database, so the dry run and the run see exactly the same rows.
 */
export const executeImport = async (
  deps: ImportDeps,
  by: ChangedBy,
  importId: string,
  request: ImportRequest,
  opts: { dryRun: boolean },
): Promise<ImportReport> => {
  try {
    return await execute(deps, by, importId, request, opts);
  } catch (e) {
    if (!opts.dryRun) {
      finishProgress(importId);
      const report: ImportReport = { rows: [], counts: countsOf([]), imported: false, dryRun: false, message: (e as Error).message };
      await deps.db
        .updateTable('contact_import')
        .set({ status: 'failed', report: JSON.stringify(report), finished_at: deps.clock.now().toISOString() })
        .where('id', '=', importId)
        .execute();
    }
    throw e;
  }
};

const execute = async (deps: ImportDeps, by: ChangedBy, importId: string, request: ImportRequest, opts: { dryRun: boolean }): Promise<ImportReport> => {
  const row = await loadImportRow(deps.db, importId);
  const file = readImportFile(row.file);
  const options = await resolveImportOptions(deps.db, request.options);
  const fields = await loadCustomFields(deps.db);
  checkMapping(request.mapping, file.columns, fields.filter((f) => !f.archived));
  const plans = file.dataRows.map((r) => planRow(r, file.columns, request.mapping)).filter((p): p is RowPlan => p !== null);
  const wordings = await currentConsentWordings(deps.db);
  if (!opts.dryRun) startProgress(importId, plans.length);

  let report: ImportReport;
  try {
    report = await inTransaction(deps.db, async (tx) => {
      // Held until the run commits or rolls back: tells other processes the run is alive (PostgreSQL).
      if (!opts.dryRun && dbKind(tx) === 'postgres') await sql`select id from contact_import where id = ${importId} for update`.execute(tx);
      const index = await MatchIndex.load(tx, plans, options.matchOn !== 'memberNumber');
      const c: RowContext = { tx, clock: deps.clock, by, options, fields, wordings, today: deps.clock.today().toString(), index, consents: [] };
      const rows = await importRows(c, plans, (n) => {
        if (!opts.dryRun) setProgress(importId, n);
      });
      await insertConsentRows(tx, c.consents);
      const counts = countsOf(rows);
      // A dry run's new contacts are rolled back, so their ids mean nothing (member numbers are what the run will give).
      if (opts.dryRun) throw new RollBack({ rows: rows.map((r) => (r.action === 'create' ? { ...r, contactId: undefined } : r)), counts, imported: false, dryRun: true });
      if (counts.errors > 0 && !options.importValidRows) {
        throw new RollBack({
          rows,
          counts,
          imported: false,
          dryRun: false,
          message: `${counts.errors} row(s) have errors, so nothing was imported. Correct them, or choose to import the valid rows only.`,
        });
      }
      await recordAudit(tx, deps.clock, by.actor, {
        entityType: 'contact_import',
        entityId: importId,
        action: 'run',
        after: { filename: row.filename, rows: plans.length, ...counts, matchOn: options.matchOn, importValidRows: options.importValidRows, pseudoEmailDomain: options.pseudoEmailDomain ?? null },
        requestId: by.requestId,
      });
      return { rows, counts, imported: true, dryRun: false };
    });
  } catch (e) {
    if (!(e instanceof RollBack)) throw e;
    report = e.report;
  }

  const saved = { mapping: JSON.stringify(request.mapping), options: JSON.stringify(options) };
  if (opts.dryRun) {
    await deps.db.updateTable('contact_import').set(saved).where('id', '=', importId).execute();
    return report;
  }
  finishProgress(importId);
  await deps.db
    .updateTable('contact_import')
    .set({
      ...saved,
      status: report.imported ? 'done' : 'failed',
      total_rows: plans.length,
      created_rows: report.imported ? report.counts.created : 0,
      updated_rows: report.imported ? report.counts.updated : 0,
      skipped_rows: report.imported ? report.counts.skipped : 0,
      report: JSON.stringify(report),
      finished_at: deps.clock.now().toISOString(),
      // The uploaded file holds personal data; once imported it is not kept.
      ...(report.imported ? { file: Buffer.alloc(0) } : {}),
    })
    .where('id', '=', importId)
    .execute();
  return report;
};

/**
 * Whether a run marked "running" is really going on. A run holds its import row locked for its
 * whole transaction (PostgreSQL), or is known to this process (SQLite: one process per data
 * directory). A run cut short by a crash or restart left nothing behind and may start again.
 */
const runIsAlive = async (db: Kysely<DB>, importId: string): Promise<boolean> => {
  if (progressOf(importId)) return true;
  if (dbKind(db) !== 'postgres') return false;
  try {
    await inTransaction(db, (tx) => sql`select id from contact_import where id = ${importId} for update nowait`.execute(tx));
    return false;
  } catch (e) {
    if ((e as { code?: string }).code === '55P03') return true; // lock_not_available
    throw e;
  }
};

/** Claims an analyzed (or earlier failed, or abandoned) import for a run; a second run at the same time is refused. */
export const claimImport = async (db: Kysely<DB>, importId: string): Promise<void> => {
  const row = await loadImportRow(db, importId);
  if (row.status === 'done') throw conflict('This file has already been imported. Upload it again to import it once more.');
  const claimable = ['analyzed', 'failed'];
  if (row.status === 'running') {
    if (await runIsAlive(db, importId)) throw conflict('This import is already running; wait for it to finish.');
    claimable.push('running');
  }
  const result = await db.updateTable('contact_import').set({ status: 'running', report: null }).where('id', '=', importId).where('status', 'in', claimable).executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw conflict('This import is already running; wait for it to finish.');
};

/** Runs an import to the end (the CLI, tests): claims it, then executes it. */
export const runImport = async (deps: ImportDeps, by: ChangedBy, importId: string, request: ImportRequest): Promise<ImportReport> => {
  await checkRequest(deps, importId, request);
  await claimImport(deps.db, importId);
  return executeImport(deps, by, importId, request, { dryRun: false });
};

/** The dry run: every row's fate, nothing kept. */
export const dryRunImport = async (deps: ImportDeps, by: ChangedBy, importId: string, request: ImportRequest): Promise<ImportReport> => {
  const row = await loadImportRow(deps.db, importId);
  if (row.status === 'done') throw conflict('This file has already been imported. Upload it again to try it once more.');
  return executeImport(deps, by, importId, request, { dryRun: true });
};

/** Checks the request before a background run starts, so mistakes get a 400 instead of a failed import. */
const checkRequest = async (deps: ImportDeps, importId: string, request: ImportRequest): Promise<void> => {
  const row = await loadImportRow(deps.db, importId);
  if (row.status === 'done') throw conflict('This file has already been imported. Upload it again to import it once more.');
  const file = readImportFile(row.file);
  await resolveImportOptions(deps.db, request.options);
  checkMapping(request.mapping, file.columns, await activeImportFields(deps.db));
};

/**
 * Starts a run in the background (POST …/run answers 202 at once); the UI polls the progress.
 * `done` settles when the run ends, for callers that want to wait.
 */
export const startImport = async (deps: ImportDeps, by: ChangedBy, importId: string, request: ImportRequest): Promise<{ done: Promise<ImportReport | null> }> => {
  await checkRequest(deps, importId, request);
  await claimImport(deps.db, importId);
  const done = executeImport(deps, by, importId, request, { dryRun: false }).catch((e: unknown) => {
    deps.log?.error({ err: e, importId }, 'contact import failed');
    return null;
  });
  return { done };
};

