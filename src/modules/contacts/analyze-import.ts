import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { notFound, validation } from '../../kernel/app-error.ts';
import { readCsvFile, type CsvRecord, type ParsedCsv } from '../../kernel/csv.ts';
import { newId } from '../../kernel/ids.ts';
import type { ChangedBy, ContactDeps } from './contact.ts';
import { loadCustomFields } from './contact-store.ts';
import { importFields, isImportTarget, suggestMapping, type ImportCustomField, type ImportField } from './import-mapping.ts';
import type { ImportMapping, ImportOptions } from './import-rows.ts';

/** The largest file an import takes (the API's upload limit too). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

export interface ImportAnalysis {
  id: string;
  filename: string;
  encoding: string;
  separator: string;
  columns: string[];
  rowCount: number;
  sample: string[][];
  suggestedMapping: ImportMapping;
  fields: ImportField[];
}

/** Column names as the mapping uses them: trimmed, blanks named "Column N", repeats numbered. */
export const uniqueColumns = (header: readonly string[]): string[] => {
  const seen = new Map<string, number>();
  return header.map((h, i) => {
    const base = h.trim() || `Column ${i + 1}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} (${n})`;
  });
};

const blank = (r: CsvRecord) => r.fields.every((f) => f.trim() === '');

export interface ReadImportFile extends ParsedCsv {
  columns: string[];
  /** Data rows that have at least one non-blank cell. */
  dataRows: CsvRecord[];
}

/** Parses the stored bytes of an import the same way every time (analysis, dry run, run). */
export const readImportFile = (bytes: Uint8Array): ReadImportFile => {
  const parsed = readCsvFile(bytes);
  const columns = uniqueColumns(parsed.header);
  return { ...parsed, columns, dataRows: parsed.rows.filter((r) => !blank(r)) };
};

const activeFields = async (db: Kysely<DB>): Promise<ImportCustomField[]> =>
  (await loadCustomFields(db)).filter((f) => !f.archived).map((f) => ({ key: f.key, label: f.label, type: f.type }));

/**
 * Step 1 of an import: stores the uploaded file and tells what is in it — encoding, separator,
 * columns, a sample, and a suggested mapping of each column to a registry field.
 */
export const analyzeImport = async (deps: ContactDeps, by: ChangedBy, input: { filename: string; bytes: Uint8Array }): Promise<ImportAnalysis> => {
  if (input.bytes.byteLength > MAX_IMPORT_BYTES) throw validation(`The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB; split it into smaller files.`);
  const filename = (input.filename || 'import.csv').replace(/[\r\n\u0000-\u001f]/g, '').slice(0, 200) || 'import.csv';
  const file = readImportFile(input.bytes);
  if (file.columns.length > 200) throw validation(`The file has ${file.columns.length} columns; at most 200 can be imported.`);
  const custom = await activeFields(deps.db);
  const suggestedMapping = suggestMapping(file.columns, custom);
  const id = newId(deps.clock.now().getTime());
  await deps.db
    .insertInto('contact_import')
    .values({
      id,
      status: 'analyzed',
      filename,
      file: Buffer.from(input.bytes),
      encoding: file.encoding,
      separator: file.separator,
      mapping: JSON.stringify(suggestedMapping),
      options: '{}',
      total_rows: file.dataRows.length,
      created_rows: 0,
      updated_rows: 0,
      skipped_rows: 0,
      report: null,
      created_by: by.actor.name,
      created_at: deps.clock.now().toISOString(),
      finished_at: null,
    })
    .execute();
  return analysisOf(id, filename, file, suggestedMapping, custom);
};

/** What the mapping step shows of a file: its shape, a sample, a mapping to start from and the fields to map to. */
const analysisOf = (id: string, filename: string, file: ReadImportFile, mapping: ImportMapping, custom: ImportCustomField[]): ImportAnalysis => ({
  id,
  filename,
  encoding: file.encoding,
  separator: file.separator,
  columns: file.columns,
  rowCount: file.dataRows.length,
  sample: file.dataRows.slice(0, 5).map((r) => file.columns.map((_, i) => r.fields[i] ?? '')),
  suggestedMapping: mapping,
  fields: importFields(custom),
});

/**
 * The analysis of an import already uploaded (a page reloaded on the mapping step): the stored file
 * read again, with the mapping it was last checked or run with (or the suggested one) and its options.
 */
export const getImportAnalysis = async (db: Kysely<DB>, id: string): Promise<ImportAnalysis & { options: Partial<ImportOptions> }> => {
  const row = await loadImportRow(db, id);
  const file = readImportFile(row.file);
  const custom = await activeFields(db);
  const stored = storedRequest(row);
  // Columns mapped to a field that has since been archived are left out rather than refused later.
  const mapping = Object.fromEntries(file.columns.map((c) => [c, stored.mapping[c] && isImportTarget(stored.mapping[c], custom) ? stored.mapping[c] : null]));
  return { ...analysisOf(row.id, row.filename, file, mapping, custom), options: stored.options };
};

/** The mapping and options an import was last checked or run with (the suggested mapping until then). */
export const storedRequest = (row: { mapping: string; options: string | null }): { mapping: ImportMapping; options: Partial<ImportOptions> } => ({
  mapping: JSON.parse(row.mapping) as ImportMapping,
  options: row.options ? (JSON.parse(row.options) as Partial<ImportOptions>) : {},
});

export const loadImportRow = async (db: Kysely<DB>, id: string) => {
  const row = await db.selectFrom('contact_import').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('The import');
  return row;
};

const HEAD_COLUMNS = ['id', 'status', 'filename', 'encoding', 'separator', 'mapping', 'options', 'total_rows', 'created_rows', 'updated_rows', 'skipped_rows', 'report', 'created_by', 'created_at', 'finished_at'] as const;

/** The import without its file (status polls and checks need not read up to 50 MB). */
export const loadImportHead = async (db: Kysely<DB>, id: string) => {
  const row = await db.selectFrom('contact_import').select(HEAD_COLUMNS).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('The import');
  return row;
};

/** Checks a mapping against the file's columns and the registry's fields; a 400 says what to fix. */
export const checkMapping = (mapping: ImportMapping, columns: readonly string[], custom: readonly ImportCustomField[]): void => {
  const targets = new Map<string, string>();
  for (const [column, target] of Object.entries(mapping)) {
    if (!columns.includes(column)) {
      throw validation(`The file has no column "${column}". Its columns are: ${columns.join(', ')}.`, { field: 'mapping' });
    }
    if (target === null || target === '') continue;
    if (!isImportTarget(target, custom)) {
      throw validation(`Column "${column}" is mapped to "${target}", which is not a field. Choose a field from the list, or leave the column out.`, { field: 'mapping' });
    }
    const other = targets.get(target);
    if (other) throw validation(`Columns "${other}" and "${column}" are both mapped to ${target}; map each field from one column only.`, { field: 'mapping' });
    targets.set(target, column);
  }
  if (targets.size === 0) throw validation('No column is mapped to a field, so there is nothing to import. Map at least the name or e-mail columns.', { field: 'mapping' });
};

export { activeFields as activeImportFields };
