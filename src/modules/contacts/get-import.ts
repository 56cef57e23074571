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
}

/** GET /contacts/imports/:id: status, progress while running (from memory), and the report when done. */
export const getImportStatus = async (db: Kysely<DB>, id: string): Promise<ImportStatus> => {
  const row = await loadImportHead(db, id);
  const report = row.report ? (JSON.parse(row.report) as ImportReport) : null;
  const total = toNumber(row.total_rows);
  const status = row.status as ImportStatus['status'];
  // A run that stopped (failed, or cut short) keeps the batches it saved.
  const progress = progressOf(id) ?? { processed: status === 'done' ? total : Math.min((await savedProgress(db, id)).done, total), total };
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
  };
};
