import type { Kysely } from 'kysely';
import { toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { loadImportHead } from './analyze-import.ts';
import { progressOf } from './import-progress.ts';
import { savedProgress, type ImportCounts, type ImportReport } from './run-import.ts';

export interface ImportStatus {
  id: string;
  status: 'analyzed' | 'running' | 'done' | 'failed';
  filename: string;
  progress: { processed: number; total: number };
  /** What the run found (for a failed run: what it would have done). */
  counts: ImportCounts;
  report: ImportReport | null;
  /** Why a failed run imported nothing, or stopped after some batches. */
  message: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** A run that stopped part-way kept rows: running it again with the same mapping continues after them (POST …/continue). */
  canContinue: boolean;
}

/** GET /contacts/imports/:id: status, progress while running (from memory), and the report when done. */
export const getImportStatus = async (db: Kysely<DB>, id: string): Promise<ImportStatus> => {
  const row = await loadImportHead(db, id);
  const report = row.report ? (JSON.parse(row.report) as ImportReport) : null;
  const total = toNumber(row.total_rows);
  const status = row.status as ImportStatus['status'];
  // A run that stopped (failed, or cut short) keeps the batches it saved.
  const saved = status === 'done' ? null : await savedProgress(db, id);
  const progress = progressOf(id) ?? { processed: saved ? Math.min(saved.done, total) : total, total };
  return {
    id: row.id,
    status,
    filename: row.filename,
    progress,
    counts: report?.counts ?? { created: 0, updated: 0, skipped: 0, errors: 0 },
    report,
    message: report?.message ?? null,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    canContinue: status === 'failed' && saved?.request != null,
  };
};

/** One import in the list of recent imports. */
export interface ImportSummary {
  id: string;
  status: ImportStatus['status'];
  filename: string;
  /** Data rows in the file. */
  rows: number;
  /** While it runs (in this process): rows processed so far. */
  processed: number | null;
  /** What was kept: created, updated and skipped rows (0 until a run finishes or stops). */
  created: number;
  updated: number;
  skipped: number;
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** The imports, newest first, without their files or reports (GET /contacts/imports). */
export const listImports = async (db: Kysely<DB>, page: { offset: number; limit: number }): Promise<{ items: ImportSummary[]; total: number }> => {
  const rows = await db
    .selectFrom('contact_import')
    .select(['id', 'status', 'filename', 'total_rows', 'created_rows', 'updated_rows', 'skipped_rows', 'created_by', 'created_at', 'finished_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const { n } = await db.selectFrom('contact_import').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return {
    items: rows.map((r) => ({
      id: r.id,
      status: r.status as ImportStatus['status'],
      filename: r.filename,
      rows: toNumber(r.total_rows),
      processed: r.status === 'running' ? (progressOf(r.id)?.processed ?? null) : null,
      created: toNumber(r.created_rows),
      updated: toNumber(r.updated_rows),
      skipped: toNumber(r.skipped_rows),
      createdBy: r.created_by,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
    })),
    total: toNumber(n),
  };
};
