import { validation } from './app-error.ts';

/**
 * CSV as people really exchange it: files saved by Excel (Windows-1252 with ';' in Norwegian
 * locales, or UTF-8 with a BOM), by LibreOffice and Google Sheets (UTF-8, ','), and by other
 * membership systems. Pure: bytes in, records out (and back). The registry import and, later,
 * bank files use it.
 */

export type CsvEncoding = 'utf-8' | 'windows-1252' | 'utf-16le';
export type CsvSeparator = ',' | ';' | '\t';
export const CSV_SEPARATORS: readonly CsvSeparator[] = [',', ';', '\t'];

export interface DecodedText {
  text: string;
  encoding: CsvEncoding;
  /** The file started with a byte order mark (dropped from `text`). */
  bom: boolean;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// The WHATWG 'windows-1252' decoder is also what 'iso-8859-1' means on the web: a superset for text.
const windows1252 = new TextDecoder('windows-1252');
const utf16le = new TextDecoder('utf-16le', { ignoreBOM: true });

/**
 * Valid UTF-8 is UTF-8 (a Windows-1252 file with "æøå" is almost never valid UTF-8 by accident);
 * anything else is read as Windows-1252, which also covers ISO-8859-1. A UTF-16 byte order mark
 * (Excel's "Unicode text") is honoured too.
 */
export const decodeText = (bytes: Uint8Array): DecodedText => {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    try {
      return { text: strictUtf8.decode(bytes.subarray(3)), encoding: 'utf-8', bom: true };
    } catch {
      return { text: windows1252.decode(bytes.subarray(3)), encoding: 'windows-1252', bom: true };
    }
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: utf16le.decode(bytes.subarray(2)), encoding: 'utf-16le', bom: true };
  try {
    return { text: strictUtf8.decode(bytes), encoding: 'utf-8', bom: false };
  } catch {
    return { text: windows1252.decode(bytes), encoding: 'windows-1252', bom: false };
  }
};

/**
 * The separator is the candidate that occurs most often outside quotes in the header line
 * (ties go to ','). A file with one column has none and reads as ','.
 */
export const detectSeparator = (text: string): CsvSeparator => {
  const counts = new Map<CsvSeparator, number>(CSV_SEPARATORS.map((s) => [s, 0]));
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && counts.has(c as CsvSeparator)) counts.set(c as CsvSeparator, counts.get(c as CsvSeparator)! + 1);
  }
  let best: CsvSeparator = ',';
  for (const s of CSV_SEPARATORS) if (counts.get(s)! > counts.get(best)!) best = s;
  return best;
};

export interface CsvRecord {
  /** The 1-based line of the file the record starts on (a quoted field may span several lines). */
  line: number;
  fields: string[];
}

/**
 * RFC 4180 with the usual leniency: CRLF, LF or CR line ends; quoted fields may hold separators,
 * doubled quotes and line breaks; a quote inside an unquoted field is kept as a character; text
 * after a closing quote is appended. Empty lines are skipped (line numbers still count them).
 * An unterminated quote is an error naming the line where the field began.
 */
export const parseCsv = (text: string, separator: CsvSeparator): CsvRecord[] => {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let atRecordStart = true;
  let i = 0;
  const n = text.length;

  const endRecord = () => {
    fields.push(field);
    // A line with nothing on it is not a record.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    atRecordStart = true;
  };

  while (i < n) {
    const c = text[i]!;
    if (atRecordStart) {
      recordLine = line;
      atRecordStart = false;
    }
    if (c === '"' && field === '') {
      // A quoted field: read to the closing quote.
      const startLine = line;
      i++;
      let closed = false;
      let chunkStart = i;
      let value = '';
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 34 /* " */) {
          if (text.charCodeAt(i + 1) === 34) {
            value += text.slice(chunkStart, i + 1);
            i += 2;
            chunkStart = i;
            continue;
          }
          value += text.slice(chunkStart, i);
          i++;
          closed = true;
          break;
        }
        if (d === 10 /* \n */) line++;
        else if (d === 13 /* \r */ && text.charCodeAt(i + 1) !== 10) line++;
        i++;
      }
      if (!closed) {
        throw validation(
          `Line ${startLine}: a quoted field is never closed (a " is missing). Check that line; quotes inside a field must be doubled ("").`,
          { line: startLine },
        );
      }
      field = value;
      // Anything up to the next separator or line end belongs to the same field (lenient).
      while (i < n) {
        const d = text[i]!;
        if (d === separator || d === '\n' || d === '\r') break;
        field += d;
        i++;
      }
      continue;
    }
    if (c === separator) {
      fields.push(field);
      field = '';
      i++;
      continue;
    }
    if (c === '\n' || c === '\r') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      continue;
    }
    // Plain run of characters up to the next special one.
    let j = i + 1;
    while (j < n) {
      const d = text[j]!;
      if (d === separator || d === '\n' || d === '\r') break;
      j++;
    }
    field += text.slice(i, j);
    i = j;
  }
  if (!atRecordStart) endRecord();
  return records;
};

export interface ParsedCsv extends DecodedText {
  separator: CsvSeparator;
  header: string[];
  /** The data records (without the header). */
  rows: CsvRecord[];
}

/** Bytes → decoded text → separator → header and rows. Throws a validation error a person can act on. */
export const readCsvFile = (bytes: Uint8Array, opts: { separator?: CsvSeparator } = {}): ParsedCsv => {
  const decoded = decodeText(bytes);
  if (decoded.text.includes('\u0000')) {
    throw validation('The file is not a text file (it contains NUL bytes). Save the spreadsheet as CSV and upload that.');
  }
  const separator = opts.separator ?? detectSeparator(decoded.text);
  const records = parseCsv(decoded.text, separator);
  if (records.length === 0) throw validation('The file is empty. The first line must name the columns.');
  const [head, ...rows] = records;
  const header = head!.fields.map((h) => h.trim());
  return { ...decoded, separator, header, rows };
};

// ---- writing

/** A spreadsheet runs a cell that starts with one of these as a formula (CSV/formula injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Prefixes a single quote to text a spreadsheet would run as a formula (OWASP's advice).
 * This also marks negative numbers and "+47…" phone numbers; the import strips the quote again.
 */
export const neutraliseFormula = (value: string): string => (FORMULA_START.test(value) ? `'${value}` : value);

/** Undoes `neutraliseFormula` for a value read back from a file this program wrote. */
export const restoreNeutralised = (value: string): string => (/^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value);

const quoteCell = (value: string, separator: string): string =>
  value.includes('"') || value.includes(separator) || value.includes('\n') || value.includes('\r') || /^\s|\s$/.test(value)
    ? `"${value.replaceAll('"', '""')}"`
    : value;

export type CsvCell = string | number | boolean | null | undefined;

const cellText = (v: CsvCell): string => (v === null || v === undefined ? '' : String(v));

/** One CSV line (CRLF-terminated), every cell neutralised and quoted where needed. */
export const csvLine = (cells: readonly CsvCell[], separator: CsvSeparator = ','): string =>
  cells.map((c) => quoteCell(neutraliseFormula(cellText(c)), separator)).join(separator) + '\r\n';

/** The UTF-8 byte order mark: without it Excel reads UTF-8 as the local code page and garbles "æøå". */
export const UTF8_BOM = '\uFEFF';

/** A whole CSV document as text (with the BOM); encode it as UTF-8. */
export const writeCsv = (rows: ReadonlyArray<readonly CsvCell[]>, opts: { separator?: CsvSeparator; bom?: boolean } = {}): string =>
  (opts.bom === false ? '' : UTF8_BOM) + rows.map((r) => csvLine(r, opts.separator ?? ',')).join('');
