import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const withFile = <T>(bytes: Buffer, ext: string, fn: (file: string) => T): T => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guildhall-pdf-'));
  const file = path.join(dir, `doc.${ext}`);
  fs.writeFileSync(file, bytes);
  try {
    return fn(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

const run = (cmd: string, args: string[]): string => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
};

/**
 * The text of a PDF as Debian's `pdftotext` (poppler) reads it, with every kind of space (the
 * non-breaking ones Intl puts in "1 234,50 kr") written as a plain space. `layout` keeps columns.
 */
export const pdfText = (bytes: Buffer, opts: { layout?: boolean } = {}): string =>
  withFile(bytes, 'pdf', (file) => run('pdftotext', [...(opts.layout ? ['-layout'] : []), '-enc', 'UTF-8', file, '-'])).replace(/[\u00a0\u202f\u2009]/g, ' ');

/** `pdfinfo` fields (Pages, Title, …). */
export const pdfInfo = (bytes: Buffer): Record<string, string> =>
  Object.fromEntries(
    withFile(bytes, 'pdf', (file) => run('pdfinfo', [file]))
      .split('\n')
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]),
  );

/** The fonts of a PDF as `pdffonts` lists them: name and whether it is embedded. */
export const pdfFonts = (bytes: Buffer): { name: string; embedded: boolean }[] =>
  withFile(bytes, 'pdf', (file) => run('pdffonts', [file]))
    .split('\n')
    .slice(2)
    .filter(Boolean)
    .map((l) => {
      const cols = l.trim().split(/\s+/);
      // name type [encoding…] emb sub uni object ID: emb is the fifth column from the end.
      return { name: cols[0]!, embedded: cols[cols.length - 5] === 'yes' };
    });

/** The file names in a zip, read by Debian's `unzip -Z1`. */
export const zipNames = (bytes: Buffer): string[] => withFile(bytes, 'zip', (file) => run('unzip', ['-Z1', file])).split('\n').filter(Boolean);

/** One file out of a zip. */
export const zipEntry = (bytes: Buffer, name: string): Buffer =>
  withFile(bytes, 'zip', (file) => {
    const r = spawnSync('unzip', ['-p', file, name]);
    if (r.status !== 0) throw new Error(`unzip -p ${name} failed`);
    return r.stdout;
  });
