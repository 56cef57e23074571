/**
 * How far a running import has come, kept in this process's memory for the UI's progress bar.
 * (Another server process sees the import's status in the database, without the row count.)
 */
export interface ImportProgress {
  processed: number;
  total: number;
}

const running = new Map<string, ImportProgress>();

export const startProgress = (importId: string, total: number): void => {
  running.set(importId, { processed: 0, total });
};

export const setProgress = (importId: string, processed: number): void => {
  const p = running.get(importId);
  if (p) p.processed = processed;
};

export const finishProgress = (importId: string): void => {
  running.delete(importId);
};

export const progressOf = (importId: string): ImportProgress | undefined => {
  const p = running.get(importId);
  return p ? { ...p } : undefined;
};
