import fs from 'node:fs';
import path from 'node:path';
import type { AuditHead } from './verify-audit.ts';

/**
 * The last verified head of each database's audit chain, kept in a file in the data directory —
 * outside the database, so removing rows from the end of the chain (which the chain alone cannot
 * show) is caught by the next `guildhall audit verify`. Keyed by database, so switching
 * DATABASE_URL does not confuse one chain with another.
 */
export const ANCHOR_FILE = 'audit-anchors.json';

export interface SavedAnchor extends AuditHead {
  verifiedAt: string;
}

/** Which database a chain lives in: the SQLite file, or the PostgreSQL URL without its password. */
export const databaseIdentity = (database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string }): string => {
  if (database.kind === 'sqlite') return `sqlite:${path.resolve(database.file)}`;
  const u = new URL(database.url);
  u.password = '';
  return u.toString();
};

const read = (file: string): Record<string, SavedAnchor> => {
  try {
    const data: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return data && typeof data === 'object' ? (data as Record<string, SavedAnchor>) : {};
  } catch {
    return {};
  }
};

export const anchorPath = (dataDir: string) => path.join(dataDir, ANCHOR_FILE);

export const readAnchor = (dataDir: string, identity: string): SavedAnchor | null => {
  const a = read(anchorPath(dataDir))[identity];
  return a && Number.isSafeInteger(a.seq) && typeof a.hash === 'string' ? a : null;
};

/** Saves (or with `null`, forgets) the head for one database; written atomically via rename. */
export const saveAnchor = (dataDir: string, identity: string, anchor: SavedAnchor | null): void => {
  const file = anchorPath(dataDir);
  const all = read(file);
  if (anchor) all[identity] = anchor;
  else delete all[identity];
  fs.mkdirSync(dataDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(all, null, 2) + '\n');
  fs.renameSync(tmp, file);
};
