import { sql, type Kysely } from 'kysely';
import { insertRows } from '../../db/bulk.ts';
import { dbKind, inTransaction, toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { AppError, conflict, validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/ids.ts';
import { recordAudit, recordAudits, type AuditInput } from '../audit/index.ts';
import { getSetting } from '../settings/index.ts';
import { activeImportFields, checkMapping, loadImportHead, loadImportRow, readImportFile, storedRequest, type ReadImportFile } from './analyze-import.ts';
import { addressOf, CONSENT_KINDS, displayNameOf, sameAddress, validateContactInput, type Address, type ChangedBy, type ContactDeps, type ContactFields, type ContactInput, type ContactPatch } from './contact.ts';
import {
  byText,
  changedContactColumns,
  columnsOf,
  contactSnapshot,
  customValuesOut,
  diffSnapshots,
  fieldsOfRow,
  findContactRowsByKeys,
  insertContactRows,
  insertTagRows,
  loadConsentStatesOf,
  loadCustomFields,
  loadFieldValuesOf,
  loadTagsOf,
  newContactValues,
  replaceFieldValueRows,
  sameJson,
  updateContactRows,
  type ContactRow,
} from './contact-store.ts';
import { checkCustomValues, type CustomField } from './custom-field.ts';
import { copyAddressToSecondaries } from './household-address.ts';
import { emailSlug } from './import-mapping.ts';
import { finishProgress, progressOf, setProgress, startProgress } from './import-progress.ts';
import { createInputOf, DOMAIN_PATTERN, MATCH_MODES, planRow, type ImportMapping, type ImportOptions, type RowPlan } from './import-rows.ts';
import { MemberNumberBlock } from './member-number.ts';
import { currentConsentWordings, importedConsentRows, type ConsentRow, type ConsentWordings } from './record-consent.ts';

/**
 * Steps 2 and 3 of an import: the dry run and the run.
 *
 * Every row is decided by the same code (`planBatch`): checked, matched, and turned into the rows
 * to write, a batch of rows at a time with what the batch needs read in a few queries. The dry run
 * does only that (nothing is written, member numbers are those a run would take now). The run
 * first does the same for the whole file when errors must stop it (a file with errors imports
 * nothing unless importValidRows), then writes batch by batch: each batch is one transaction that
 * reads its rows' contacts again (locked), decides the rows again, and writes the contacts,
 * tags, custom values, consents, member numbers (one block per batch) and one audit row per
 * contact created or changed, with multi-row statements. A failed batch leaves nothing of itself
 * behind; the batches before it stay, and the import (status failed) continues after them when
 * it is run again. The import itself is audited once, when it finishes.
 *
 * Matching: a row whose member number (matchOn memberNumber/both) or e-mail (email/both) belongs to
 * a contact updates it. Empty cells never clear a value; tags from the file are added to the
 * contact's tags; consents are recorded when they differ from the current ones. A row that would
 * change nothing is skipped. Rows repeating an earlier row's member number or e-mail are errors
 * (exact repeats are skipped), and so is a row matching a contact an earlier row changed.
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
  /** Whether changes were kept: false for a dry run, for a file with errors without importValidRows, and for a run that failed before any batch was saved. */
  imported: boolean;
  dryRun: boolean;
  /** Why nothing (or not everything) was imported, when that is so. */
  message?: string;
}

export interface ImportRequest {
  mapping: ImportMapping;
  options: Partial<ImportOptions>;
}

/** Rows per batch: each batch is one transaction. */
export const IMPORT_BATCH_ROWS = 2000;

export interface ImportDeps extends ContactDeps {
  log?: { error(obj: unknown, msg?: string): void };
  /** Rows per batch (default IMPORT_BATCH_ROWS); tests make it small. */
  importBatchRows?: number;
}

const countsOf = (rows: ImportRowResult[]): ImportCounts => {
  const counts = { created: 0, updated: 0, skipped: 0, errors: 0 };
  for (const r of rows) {
    if (r.action === 'create') counts.created++;
    else if (r.action === 'update') counts.updated++;
    else if (r.action === 'skip') counts.skipped++;
    else counts.errors++;
  }
  return counts;
};

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

// ---- deciding rows

/** What matching needs of an existing contact. */
interface Known {
  id: string;
  memberNumber: number;
  displayName: string;
  email: string | null;
}

const knownOf = (r: ContactRow): Known => ({ id: r.id, memberNumber: toNumber(r.member_number), displayName: r.display_name, email: r.email });

/**
 * The contacts rows can match: those the current batch's member numbers and e-mails name, read from
 * the database per batch, and over them the contacts this run has created or changed, as they are
 * now (a dry run writes nothing, so the database still shows them as they were).
 */
class MatchIndex {
  private readonly touched = new Map<string, Known>();
  private readonly touchedByNumber = new Map<number, Known>();
  private readonly touchedByEmail = new Map<string, Known[]>();
  private byNumber = new Map<number, Known>();
  private byEmail = new Map<string, Known[]>();

  /** The batch's contacts as the database has them (read by member number, then by e-mail oldest first). */
  load(found: { byNumber: ContactRow[]; byEmail: ContactRow[] }): void {
    this.byNumber = new Map();
    this.byEmail = new Map();
    const add = (k: Known) => {
      this.byNumber.set(k.memberNumber, k);
      if (k.email) this.byEmail.set(k.email, [...(this.byEmail.get(k.email) ?? []), k]);
    };
    for (const r of found.byNumber) if (!this.touched.has(r.id)) add(knownOf(r));
    for (const r of found.byEmail) if (!this.touched.has(r.id) && !this.byNumber.has(toNumber(r.member_number))) add(knownOf(r));
  }

  number(memberNumber: number): Known | undefined {
    return this.touchedByNumber.get(memberNumber) ?? this.byNumber.get(memberNumber);
  }

  email(email: string): Known[] {
    const stored = this.byEmail.get(email);
    const touched = this.touchedByEmail.get(email);
    if (!stored) return touched ?? [];
    return [...stored.filter((k) => !this.touched.has(k.id)), ...(touched ?? [])];
  }

  /** After a row created or changed a contact: its e-mail may be another now. */
  changed(k: Known): void {
    const old = this.touched.get(k.id);
    if (old?.email) {
      const rest = (this.touchedByEmail.get(old.email) ?? []).filter((o) => o.id !== k.id);
      if (rest.length) this.touchedByEmail.set(old.email, rest);
      else this.touchedByEmail.delete(old.email);
    }
    this.touched.set(k.id, k);
    this.touchedByNumber.set(k.memberNumber, k);
    if (k.email) {
      const list = this.touchedByEmail.get(k.email);
      if (list) list.push(k);
      else this.touchedByEmail.set(k.email, [k]);
    }
  }
}

/** Earlier rows of the file, to find repeats: by member number, by e-mail, and the line that changed each contact. */
interface Seen {
  number: Map<number, RowPlan>;
  email: Map<string, RowPlan>;
  contact: Map<string, number>;
}

/** Notes a row's member number and e-mail; returns an earlier row with either. */
const see = (seen: Seen, plan: RowPlan, matchOn: ImportOptions['matchOn']): RowPlan | undefined => {
  const email = matchOn !== 'memberNumber' ? plan.fields.email : undefined;
  const earlier = (plan.memberNumber !== null ? seen.number.get(plan.memberNumber) : undefined) ?? (email ? seen.email.get(email) : undefined);
  if (plan.memberNumber !== null && !seen.number.has(plan.memberNumber)) seen.number.set(plan.memberNumber, plan);
  if (email && !seen.email.has(email)) seen.email.set(email, plan);
  return earlier;
};

type ConsentStates = Partial<Record<(typeof CONSENT_KINDS)[number], { granted: boolean; at: string }>>;

/** What a batch's rows need of the contacts they may change, read in a few queries. */
interface BatchData {
  rows: Map<string, ContactRow>;
  tags: Map<string, string[]>;
  values: Map<string, Record<string, string>>;
  consents: Map<string, ConsentStates>;
}

/** The rows a batch writes, collected while its rows are decided. */
class BatchWrites {
  readonly contacts: unknown[][] = [];
  readonly updates: Array<{ id: string; set: Record<string, unknown> }> = [];
  readonly tagsAdded: Array<[string, string]> = [];
  readonly tagsRemoved: Array<[string, string]> = [];
  readonly valuesRemoved: Array<[string, string]> = [];
  readonly values: Array<[string, string, string]> = [];
  readonly consents: ConsentRow[] = [];
  readonly audits: AuditInput[] = [];
  readonly households: Array<{ householdId: string; address: Address }> = [];
}

/** The same for every batch of a pass over the file. */
interface PassContext {
  clock: Clock;
  by: ChangedBy;
  options: ImportOptions;
  fields: CustomField[];
  fieldsById: Map<string, CustomField>;
  wordings: ConsentWordings;
  today: string;
  index: MatchIndex;
  seen: Seen;
}

interface RowContext extends PassContext {
  numbers: MemberNumberBlock;
  data: BatchData;
  /** What the batch writes; null when only deciding (a dry run, the check before a run). */
  writes: BatchWrites | null;
  /** Set when a row changed a household primary's address: the batch ends after it (see planBatch). */
  cut: boolean;
}

const problemText = (problems: Array<{ message: string }>) => problems.map((p) => p.message).join(' ');

const pseudoEmail = (plan: Pick<RowPlan, 'fields'>, row: Partial<ContactFields> | null, memberNumber: number, domain: string) =>
  `${emailSlug([plan.fields.firstNames ?? row?.firstNames, plan.fields.lastName ?? row?.lastName, plan.fields.orgName ?? row?.orgName])}.${memberNumber}@${domain}`;

const consentChanges = (wanted: RowPlan['consents'], current: ConsentStates) =>
  CONSENT_KINDS.filter((k) => wanted[k] !== undefined && wanted[k] !== current[k]?.granted).map((kind) => ({ kind, granted: wanted[kind]! }));

/** Custom values by field id as the audit trail's snapshot shows them (by key, archived fields left out). */
const customOut = (c: PassContext, values: Record<string, string>) =>
  customValuesOut(
    Object.entries(values).flatMap(([fieldId, value]) => {
      const f = c.fieldsById.get(fieldId);
      return f && !f.archived ? [{ key: f.key, type: f.type, position: f.position, value }] : [];
    }),
  );

/** A new contact, as createContactInTx would make it. */
const createFromRow = (c: RowContext, plan: RowPlan): ImportRowResult => {
  const error = (reason: string): ImportRowResult => ({ line: plan.line, action: 'error', reason });
  const input: ContactInput = createInputOf(plan);
  const domain = c.options.pseudoEmailDomain;
  const usePseudo = !input.email && Boolean(domain);
  // Check everything before taking a member number, so a bad row leaves no gap in the series.
  const probe = usePseudo ? { ...input, email: `probe@${domain}`, invoiceDelivery: 'print' as const } : input;
  let checked = validateContactInput(probe, { today: c.today });
  const custom = checkCustomValues(c.fields, input.kind, input.customFields ?? undefined, { creating: true });
  const problems = [...checked.problems, ...custom.problems];
  if (problems.length) return error(problemText(problems));

  const given = plan.memberNumber;
  if (given !== null && (!Number.isSafeInteger(given) || given < 1)) return error(`A member number is a whole number from 1 up; got ${given}.`);
  const memberNumber = given ?? c.numbers.peek();
  if (usePseudo) {
    input.email = pseudoEmail(plan, null, memberNumber, domain!);
    input.invoiceDelivery = 'print'; // a made-up address receives nothing
    checked = validateContactInput(input, { today: c.today });
  }
  if (!checked.ok) return error(problemText(checked.problems));
  if (given !== null) c.numbers.reserve(given);
  else c.numbers.take();

  const now = c.clock.now();
  const id = newId(now.getTime());
  c.index.changed({ id, memberNumber, displayName: displayNameOf(checked.value), email: checked.value.email });
  const w = c.writes;
  if (w) {
    const columns = columnsOf(checked.value, memberNumber);
    const isPseudo = usePseudo && Boolean(checked.value.email);
    w.contacts.push(newContactValues(id, memberNumber, columns, isPseudo, now.toISOString()));
    const tags = checked.tags ?? [];
    for (const tag of tags) w.tagsAdded.push([id, tag]);
    const values: Record<string, string> = {};
    for (const [fieldId, value] of custom.changes) {
      if (value === null) continue;
      values[fieldId] = value;
      w.values.push([id, fieldId, value]);
    }
    const after = contactSnapshot({ ...checked.value, memberNumber, status: 'active', payer: null, tags: [...tags].sort(byText), customFields: customOut(c, values) });
    w.audits.push({ entityType: 'contact', entityId: id, action: 'create', after, requestId: c.by.requestId });
    w.consents.push(...importedConsentRows(c.clock, c.by, id, consentChanges(plan.consents, {}), c.wordings));
  }
  return { line: plan.line, action: 'create', contactId: id, memberNumber, ...(usePseudo ? { reason: `No e-mail; given ${input.email}.` } : {}) };
};

/** A change to an existing contact, as updateContactInTx would make it (only when something changes). */
const updateFromRow = (c: RowContext, plan: RowPlan, target: ContactRow): ImportRowResult => {
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
  const currentTags = c.data.tags.get(target.id) ?? [];
  const addedTags = plan.tags.filter((t) => !currentTags.includes(t));
  if (addedTags.length) patch.tags = [...currentTags, ...addedTags];
  if (Object.keys(plan.customFields).length) patch.customFields = plan.customFields;

  // Check the whole change first, and find out whether it changes anything at all.
  const merged = { ...current, ...patch, kind: current.kind } as ContactInput;
  const checked = validateContactInput(merged, { today: c.today });
  const values = c.data.values.get(target.id) ?? {};
  const custom = checkCustomValues(c.fields, current.kind, patch.customFields ?? undefined, { creating: false, current: values });
  const problems = [...checked.problems, ...custom.problems];
  if (!checked.ok || problems.length) return { ...base, action: 'error', reason: problemText(problems) };
  const fieldsChange = (Object.keys(checked.value) as Array<keyof ContactFields>).some((k) => !sameJson(checked.value[k], current[k]));
  const customChange = [...custom.changes].some(([fieldId, v]) => (values[fieldId] ?? null) !== v);
  const consents = c.data.consents.get(target.id) ?? {};
  const newConsents = consentChanges(plan.consents, consents);
  if (!fieldsChange && !customChange && !addedTags.length && !newConsents.length) {
    return { ...base, action: 'skip', reason: `Member ${memberNumber} is already up to date.` };
  }

  const w = c.writes;
  if ((fieldsChange || customChange || addedTags.length) && !w) {
    c.index.changed({ id: target.id, memberNumber, displayName: displayNameOf(checked.value), email: checked.value.email });
  } else if (fieldsChange || customChange || addedTags.length) {
    const now = c.clock.now().toISOString();
    const columns = columnsOf(checked.value, memberNumber);
    const emailChanged = checked.value.email !== current.email;
    const set = changedContactColumns(target, columns, {
      ...(emailChanged ? { pseudoEmail: usePseudo && checked.value.email ? 1 : 0 } : {}),
      version: toNumber(target.version) + 1,
      now,
    });
    w!.updates.push({ id: target.id, set });

    let tagsAfter = currentTags;
    if (checked.tags !== undefined) {
      for (const tag of checked.tags) if (!currentTags.includes(tag)) w!.tagsAdded.push([target.id, tag]);
      for (const tag of currentTags) if (!checked.tags.includes(tag)) w!.tagsRemoved.push([target.id, tag]);
      tagsAfter = [...checked.tags].sort(byText);
    }
    const valuesAfter = { ...values };
    for (const [fieldId, value] of custom.changes) {
      if (fieldId in values) w!.valuesRemoved.push([target.id, fieldId]);
      if (value === null) delete valuesAfter[fieldId];
      else {
        valuesAfter[fieldId] = value;
        w!.values.push([target.id, fieldId, value]);
      }
    }
    const payer = target.payer_id ? { id: target.payer_id, displayName: '' } : null; // the snapshot keeps only the id
    const status = target.status as 'active';
    const diff = diffSnapshots(
      contactSnapshot({ ...current, memberNumber, status, payer, tags: currentTags, customFields: customOut(c, values) }),
      contactSnapshot({ ...checked.value, memberNumber, status, payer, tags: tagsAfter, customFields: customOut(c, valuesAfter) }),
    );
    if (diff) w!.audits.push({ entityType: 'contact', entityId: target.id, action: 'update', ...diff, requestId: c.by.requestId });
    // A household lives at one address: the secondaries move with the primary.
    if (target.household_id && target.household_role === 'primary' && !sameAddress(current, checked.value)) {
      w!.households.push({ householdId: target.household_id, address: addressOf(checked.value) });
      c.cut = true;
    }
    c.index.changed({ id: target.id, memberNumber, displayName: columns.display_name, email: checked.value.email });
  }
  w?.consents.push(...importedConsentRows(c.clock, c.by, target.id, newConsents, c.wordings, consents));
  return { ...base, action: 'update', ...(usePseudo ? { reason: `No e-mail; given ${patch.email}.` } : {}) };
};

/** Finds the contact a row updates, or says why the row cannot be imported. */
const matchRow = (c: RowContext, plan: RowPlan): { target: Known | null } | { error: string } => {
  const { matchOn } = c.options;
  const byNumber = plan.memberNumber !== null ? c.index.number(plan.memberNumber) : undefined;
  const useEmail = matchOn !== 'memberNumber' && plan.fields.email;
  const byEmail = useEmail ? c.index.email(plan.fields.email!) : [];
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

/** One row's fate; what it writes goes to c.writes. */
const planOne = (c: RowContext, plan: RowPlan): ImportRowResult => {
  const error = (reason: string): ImportRowResult => ({ line: plan.line, action: 'error', reason });
  if (plan.problems.length) return error(plan.problems.join(' '));

  const earlier = see(c.seen, plan, c.options.matchOn);
  if (earlier) {
    if (earlier.fingerprint === plan.fingerprint) return { line: plan.line, action: 'skip', reason: `The same as line ${earlier.line}.` };
    const email = c.options.matchOn !== 'memberNumber' ? plan.fields.email : undefined;
    const same = plan.memberNumber !== null && earlier.memberNumber === plan.memberNumber ? `member number ${plan.memberNumber}` : `e-mail ${email}`;
    return error(`Line ${earlier.line} has the same ${same}; keep one of the rows, or merge them.`);
  }

  const match = matchRow(c, plan);
  if ('error' in match) return error(match.error);
  const touchedBy = match.target ? c.seen.contact.get(match.target.id) : undefined;
  if (touchedBy !== undefined) return error(`Line ${touchedBy} already changed member ${match.target!.memberNumber}; merge the two rows.`);
  let result: ImportRowResult;
  if (match.target) {
    const target = c.data.rows.get(match.target.id);
    // Every contact the index names for this batch was read with it (the ones this run changed are caught above).
    if (!target) throw new Error(`import: contact ${match.target.id} was not read for line ${plan.line}`);
    result = updateFromRow(c, plan, target);
  } else result = createFromRow(c, plan);
  if (result.contactId && (result.action === 'create' || result.action === 'update')) c.seen.contact.set(result.contactId, plan.line);
  return result;
};

/** Reads what a batch of rows needs: the contacts their member numbers and e-mails name, with their tags, custom values and consents. */
const loadBatch = async (db: Kysely<DB>, c: PassContext, plans: RowPlan[], lock: boolean): Promise<BatchData> => {
  const numbers = new Set<number>();
  const emails = new Set<string>();
  for (const p of plans) {
    if (p.problems.length) continue;
    if (p.memberNumber !== null) numbers.add(p.memberNumber);
    if (c.options.matchOn !== 'memberNumber' && p.fields.email) emails.add(p.fields.email);
  }
  const found = await findContactRowsByKeys(db, { numbers: [...numbers], emails: [...emails] }, { forUpdate: lock });
  c.index.load(found);
  const rows = new Map<string, ContactRow>();
  for (const r of [...found.byNumber, ...found.byEmail]) rows.set(r.id, r);
  if (rows.size === 0) return { rows, tags: new Map(), values: new Map(), consents: new Map() };
  const ids = [...rows.keys()];
  return { rows, tags: await loadTagsOf(db, ids), values: await loadFieldValuesOf(db, ids), consents: await loadConsentStatesOf(db, ids) };
};

/**
 * Decides a batch's rows in file order. A row that moves a household primary to another address
 * ends the batch: its secondaries follow (copyAddressToSecondaries) before later rows are read,
 * as when rows were imported one at a time.
 */
const planBatch = (c: RowContext, plans: RowPlan[]): ImportRowResult[] => {
  const results: ImportRowResult[] = [];
  for (const plan of plans) {
    results.push(planOne(c, plan));
    if (c.cut) break;
  }
  return results;
};

const CONSENT_COLUMNS = ['id', 'contact_id', 'kind', 'granted', 'wording', 'version', 'source', 'actor_name', 'at'] as const;

/** Writes what a batch decided, in the batch's transaction. */
const writeBatch = async (tx: Kysely<DB>, c: RowContext & { writes: BatchWrites }): Promise<void> => {
  const w = c.writes;
  await insertContactRows(tx, w.contacts);
  await updateContactRows(tx, w.updates);
  for (const [contactId, tag] of w.tagsRemoved) await tx.deleteFrom('contact_tag').where('contact_id', '=', contactId).where('tag', '=', tag).execute();
  await insertTagRows(tx, w.tagsAdded);
  await replaceFieldValueRows(tx, w.valuesRemoved, w.values);
  await insertRows(tx, 'consent', CONSENT_COLUMNS, w.consents.map((r) => CONSENT_COLUMNS.map((k) => r[k] ?? null)), 2048);
  await c.numbers.save(tx);
  await recordAudits(tx, c.clock, c.by.actor, w.audits);
  for (const h of w.households) await copyAddressToSecondaries(tx, c.clock, c.by, h.householdId, h.address);
};

// ---- running an import

interface Prepared {
  row: Awaited<ReturnType<typeof loadImportHead>>;
  plans: RowPlan[];
  options: ImportOptions;
  fields: CustomField[];
  wordings: ConsentWordings;
}

const prepare = async (deps: ImportDeps, importId: string, request: ImportRequest, read?: ReadImportFile): Promise<Prepared> => {
  const row = await loadImportHead(deps.db, importId);
  const file = read ?? readImportFile((await loadImportRow(deps.db, importId)).file);
  const options = await resolveImportOptions(deps.db, request.options);
  const fields = await loadCustomFields(deps.db);
  checkMapping(request.mapping, file.columns, fields.filter((f) => !f.archived));
  const plans: RowPlan[] = [];
  for (const r of file.dataRows) {
    const p = planRow(r, file.columns, request.mapping);
    if (p) plans.push(p);
  }
  return { row, plans, options, fields, wordings: await currentConsentWordings(deps.db) };
};

/** How many of the file's rows the saved batches hold (the next row to import), and the request they were decided with. */
export const savedProgress = async (db: Kysely<DB>, importId: string): Promise<{ done: number; request: string | null }> => {
  const last = await db.selectFrom('contact_import_batch').select(['next_row', 'request']).where('import_id', '=', importId).orderBy('next_row', 'desc').limit(1).executeTakeFirst();
  return { done: last ? toNumber(last.next_row) : 0, request: last?.request ?? null };
};

/** The report rows of the batches already saved, in file order. */
const savedRows = async (db: Kysely<DB>, importId: string): Promise<ImportRowResult[]> => {
  const batches = await db.selectFrom('contact_import_batch').select(['first_row', 'rows']).where('import_id', '=', importId).execute();
  return batches.sort((a, b) => toNumber(a.first_row) - toNumber(b.first_row)).flatMap((b) => JSON.parse(b.rows) as ImportRowResult[]);
};

/** A fresh pass over the file from row `start`, knowing the rows before it (saved by earlier batches). */
const newPass = (deps: ImportDeps, by: ChangedBy, p: Prepared, start: number, earlier: ImportRowResult[]): PassContext => {
  const seen: Seen = { number: new Map(), email: new Map(), contact: new Map() };
  for (const plan of p.plans.slice(0, start)) if (!plan.problems.length) see(seen, plan, p.options.matchOn);
  for (const r of earlier) if (r.contactId && (r.action === 'create' || r.action === 'update')) seen.contact.set(r.contactId, r.line);
  return {
    clock: deps.clock,
    by,
    options: p.options,
    fields: p.fields,
    fieldsById: new Map(p.fields.map((f) => [f.id, f])),
    wordings: p.wordings,
    today: deps.clock.today().toString(),
    index: new MatchIndex(),
    seen,
  };
};

const batchRowsOf = (deps: ImportDeps) => Math.max(1, deps.importBatchRows ?? IMPORT_BATCH_ROWS);

/** Every row's fate from `start` on, decided without writing anything (the dry run, and the check before a run). */
const simulate = async (deps: ImportDeps, by: ChangedBy, p: Prepared, start: number, earlier: ImportRowResult[]): Promise<ImportRowResult[]> => {
  const pass = newPass(deps, by, p, start, earlier);
  const numbers = await MemberNumberBlock.open(deps.db, { lock: false });
  const size = batchRowsOf(deps);
  const results: ImportRowResult[] = [];
  for (let i = start; i < p.plans.length; ) {
    const chunk = p.plans.slice(i, i + size);
    const data = await loadBatch(deps.db, pass, chunk, false);
    const done = planBatch({ ...pass, numbers, data, writes: null, cut: false }, chunk);
    results.push(...done);
    i += done.length;
    // Let the server answer other requests between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return results;
};

/** Canonical text of what decides each row (mapping, matching, made-up e-mails), to tell whether a continued run is the same import. */
const decidingRequest = (mapping: ImportMapping, options: ImportOptions) =>
  JSON.stringify([Object.entries(mapping).filter(([, t]) => t).sort(([a], [b]) => byText(a, b)), options.matchOn, options.pseudoEmailDomain ?? null]);

const linesOf = (plans: RowPlan[]) => (plans.length === 1 ? `Line ${plans[0]!.line}` : `Lines ${plans[0]!.line}–${plans[plans.length - 1]!.line}`);

const importedBefore = (done: number, line: number) =>
  done > 0 ? `The ${done} row(s) before line ${line} were imported and stay imported; running this import again with the same mapping continues from line ${line}.` : 'Nothing was imported.';

/** Stops a run: the batches saved so far stay (the import can continue), the rest is reported. */
const failRun = async (deps: ImportDeps, importId: string, message: string, extra: { rows: ImportRowResult[]; imported: boolean } | null = null): Promise<ImportReport> => {
  const saved = await savedRows(deps.db, importId);
  const rows = [...saved, ...(extra?.rows ?? [])];
  // `imported` tells whether changes were kept: after a failed batch, those of the batches before it were.
  const report: ImportReport = { rows, counts: countsOf(rows), imported: extra ? extra.imported : saved.length > 0, dryRun: false, message };
  const kept = countsOf(saved);
  await deps.db
    .updateTable('contact_import')
    .set({
      status: 'failed',
      created_rows: kept.created,
      updated_rows: kept.updated,
      skipped_rows: kept.skipped,
      report: JSON.stringify(report),
      finished_at: deps.clock.now().toISOString(),
    })
    .where('id', '=', importId)
    .execute();
  return report;
};

/**
 * Runs the import of a stored file (dry or for real) to the end and returns its report. The file
 * is read again from the database, so the dry run and the run see exactly the same rows.
 */
export const executeImport = async (
  deps: ImportDeps,
  by: ChangedBy,
  importId: string,
  request: ImportRequest,
  /** `file`: the stored file already read (by the request's check). */
  opts: { dryRun: boolean; file?: ReadImportFile },
): Promise<ImportReport> => {
  if (opts.dryRun) return dryRun(deps, by, importId, request, opts.file);
  try {
    return await holdingRun(deps.db, importId, () => run(deps, by, importId, request, opts.file));
  } catch (e) {
    if (e instanceof RunningElsewhere) throw conflict(e.message);
    finishProgress(importId);
    const done = await deps.db.selectFrom('contact_import').select('status').where('id', '=', importId).executeTakeFirst();
    if (done?.status === 'running') await failRun(deps, importId, (e as Error).message);
    throw e;
  }
};

const dryRun = async (deps: ImportDeps, by: ChangedBy, importId: string, request: ImportRequest, file?: ReadImportFile): Promise<ImportReport> => {
  const p = await prepare(deps, importId, request, file);
  const start = Math.min((await savedProgress(deps.db, importId)).done, p.plans.length);
  const earlier = start > 0 ? await savedRows(deps.db, importId) : [];
  const rows = await simulate(deps, by, p, start, earlier);
  await deps.db.updateTable('contact_import').set({ mapping: JSON.stringify(request.mapping), options: JSON.stringify(p.options) }).where('id', '=', importId).execute();
  // A dry run's new contacts do not exist, so they have no ids (member numbers are what the run would give).
  const report = [...earlier, ...rows.map((r) => (r.action === 'create' ? { ...r, contactId: undefined } : r))];
  return { rows: report, counts: countsOf(report), imported: false, dryRun: true };
};

const run = async (deps: ImportDeps, by: ChangedBy, importId: string, request: ImportRequest, file?: ReadImportFile): Promise<ImportReport> => {
  const p = await prepare(deps, importId, request, file);
  const { plans, options } = p;
  const deciding = decidingRequest(request.mapping, options);
  const saved = await savedProgress(deps.db, importId);
  if (saved.request !== null && saved.request !== deciding) throw continuedDifferently(saved.done);
  let done = Math.min(saved.done, plans.length);
  startProgress(importId, plans.length);
  setProgress(importId, done);
  const earlier = done > 0 ? await savedRows(deps.db, importId) : [];

  // A file with errors imports nothing (unless importValidRows): find them all before writing.
  if (!options.importValidRows) {
    const checked = await simulate(deps, by, p, done, earlier);
    const errors = checked.filter((r) => r.action === 'error').length;
    if (errors > 0) {
      finishProgress(importId);
      return failRun(
        deps,
        importId,
        `${errors} row(s) have errors, so nothing${done > 0 ? ' more' : ''} was imported. Correct them, or choose to import the valid rows only.`,
        { rows: checked, imported: false },
      );
    }
  }

  const pass = newPass(deps, by, p, done, earlier);
  const size = batchRowsOf(deps);
  while (done < plans.length) {
    const chunk = plans.slice(done, done + size);
    let results: ImportRowResult[];
    try {
      results = await inTransaction(deps.db, async (tx) => {
        const data = await loadBatch(tx, pass, chunk, true);
        const c: RowContext & { writes: BatchWrites } = { ...pass, numbers: await MemberNumberBlock.open(tx, { lock: true }), data, writes: new BatchWrites(), cut: false };
        const decided = planBatch(c, chunk);
        const bad = options.importValidRows ? undefined : decided.find((r) => r.action === 'error');
        if (bad) throw new AppError('conflict', `Line ${bad.line}: ${bad.reason} (the registry changed while the file was imported). ${importedBefore(done, chunk[0]!.line)}`, { line: bad.line });
        await writeBatch(tx, c);
        await tx
          .insertInto('contact_import_batch')
          .values({ import_id: importId, first_row: done, next_row: done + decided.length, request: deciding, rows: JSON.stringify(decided) })
          .execute();
        return decided;
      });
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw new AppError('conflict', `${linesOf(chunk)} could not be imported (${(e as Error).message}). ${importedBefore(done, chunk[0]!.line)}`, { line: chunk[0]!.line, kept: done });
    }
    done += results.length;
    setProgress(importId, done);
    // Let the server answer other requests (progress polls) between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }

  // Finished: one audit row for the import, the whole report on it, and the file (personal data) not kept.
  const report = await inTransaction(deps.db, async (tx) => {
    const rows = await savedRows(tx, importId);
    const counts = countsOf(rows);
    await recordAudit(tx, deps.clock, by.actor, {
      entityType: 'contact_import',
      entityId: importId,
      action: 'run',
      after: { filename: p.row.filename, rows: plans.length, ...counts, matchOn: options.matchOn, importValidRows: options.importValidRows, pseudoEmailDomain: options.pseudoEmailDomain ?? null },
      requestId: by.requestId,
    });
    const report: ImportReport = { rows, counts, imported: true, dryRun: false };
    await tx
      .updateTable('contact_import')
      .set({
        mapping: JSON.stringify(request.mapping),
        options: JSON.stringify(options),
        status: 'done',
        total_rows: plans.length,
        created_rows: counts.created,
        updated_rows: counts.updated,
        skipped_rows: counts.skipped,
        report: JSON.stringify(report),
        finished_at: deps.clock.now().toISOString(),
        file: Buffer.alloc(0),
      })
      .where('id', '=', importId)
      .execute();
    await tx.deleteFrom('contact_import_batch').where('import_id', '=', importId).execute();
    return report;
  });
  finishProgress(importId);
  return report;
};

/**
 * Marks a run as alive for its whole length, across its batches' transactions: on PostgreSQL a
 * session advisory lock on a connection kept for the run (it goes with the connection if the
 * process dies); on SQLite (one process per data directory) the progress kept in memory.
 */
const runLockKey = (importId: string) => `contact_import:${importId}`;

/** Another process holds the run (it is not this run's failure to record). */
class RunningElsewhere extends Error {}

const holdingRun = async <T>(db: Kysely<DB>, importId: string, fn: () => Promise<T>): Promise<T> => {
  if (dbKind(db) !== 'postgres') return fn();
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{ ok: boolean }>`select pg_try_advisory_lock(hashtext(${runLockKey(importId)})) as ok`.execute(conn);
    if (!rows[0]?.ok) throw new RunningElsewhere('This import is already running; wait for it to finish.');
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${runLockKey(importId)}))`.execute(conn);
    }
  });
};

/**
 * Whether a run marked "running" is really going on (see holdingRun). A run cut short by a crash
 * or restart kept the batches it had saved and may start again; it continues after them.
 */
const runIsAlive = async (db: Kysely<DB>, importId: string): Promise<boolean> => {
  if (progressOf(importId)) return true;
  if (dbKind(db) !== 'postgres') return false;
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{ ok: boolean }>`select pg_try_advisory_lock(hashtext(${runLockKey(importId)})) as ok`.execute(conn);
    if (!rows[0]?.ok) return true;
    await sql`select pg_advisory_unlock(hashtext(${runLockKey(importId)}))`.execute(conn);
    return false;
  });
};

/** Claims an analyzed (or earlier failed, or abandoned) import for a run; a second run at the same time is refused. */
export const claimImport = async (db: Kysely<DB>, importId: string): Promise<void> => {
  const row = await loadImportHead(db, importId);
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
  const file = await checkRequest(deps, importId, request);
  await claimImport(deps.db, importId);
  return executeImport(deps, by, importId, request, { dryRun: false, file });
};

/**
 * What an import that stopped part-way ran with (its mapping and options), to run it again: it
 * continues after the batches it kept. Refused for an import that is done or kept nothing yet.
 */
export const resumeRequest = async (db: Kysely<DB>, importId: string): Promise<ImportRequest> => {
  const row = await loadImportHead(db, importId);
  if (row.status === 'done') throw conflict('This file has already been imported; there is nothing to continue.');
  const saved = await savedProgress(db, importId);
  if (saved.request === null || !row.mapping) throw conflict('This import kept no rows yet, so there is nothing to continue: import the file again.');
  return storedRequest(row);
};

/** Runs an import that stopped part-way again with what it ran with, in the background: it continues after the rows it kept. */
export const continueImport = async (deps: ImportDeps, by: ChangedBy, importId: string): Promise<{ done: Promise<ImportReport | null> }> =>
  startImport(deps, by, importId, await resumeRequest(deps.db, importId));

/** The dry run: every row's fate, nothing kept. */
export const dryRunImport = async (deps: ImportDeps, by: ChangedBy, importId: string, request: ImportRequest): Promise<ImportReport> => {
  const row = await loadImportHead(deps.db, importId);
  if (row.status === 'done') throw conflict('This file has already been imported. Upload it again to try it once more.');
  return executeImport(deps, by, importId, request, { dryRun: true });
};

const continuedDifferently = (done: number) =>
  conflict(`${done} rows of this file were already imported with another mapping or other options; run it again with the same ones to import the rest.`);

/** Checks the request before a background run starts, so mistakes get a 4xx instead of a failed import. Returns the file, read. */
const checkRequest = async (deps: ImportDeps, importId: string, request: ImportRequest): Promise<ReadImportFile> => {
  const row = await loadImportRow(deps.db, importId);
  if (row.status === 'done') throw conflict('This file has already been imported. Upload it again to import it once more.');
  const file = readImportFile(row.file);
  const options = await resolveImportOptions(deps.db, request.options);
  checkMapping(request.mapping, file.columns, await activeImportFields(deps.db));
  const saved = await savedProgress(deps.db, importId);
  if (saved.request !== null && saved.request !== decidingRequest(request.mapping, options)) throw continuedDifferently(saved.done);
  return file;
};

/**
 * Starts a run in the background (POST …/run answers 202 at once); the UI polls the progress.
 * `done` settles when the run ends, for callers that want to wait.
 */
export const startImport = async (deps: ImportDeps, by: ChangedBy, importId: string, request: ImportRequest): Promise<{ done: Promise<ImportReport | null> }> => {
  const file = await checkRequest(deps, importId, request);
  await claimImport(deps.db, importId);
  const done = executeImport(deps, by, importId, request, { dryRun: false, file }).catch((e: unknown) => {
    deps.log?.error({ err: e, importId }, 'contact import failed');
    return null;
  });
  return { done };
};
