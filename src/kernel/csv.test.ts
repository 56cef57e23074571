import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from './app-error.ts';
import { csvLine, decodeText, detectSeparator, neutraliseFormula, parseCsv, readCsvFile, restoreNeutralised, writeCsv } from './csv.ts';

const fields = (text: string, sep: ',' | ';' = ',') => parseCsv(text, sep).map((r) => r.fields);

test('quoted fields hold separators, doubled quotes and line breaks; records report the line they start on', () => {
  const text = 'name,note,city\r\n"Nordmann, Ola","He said ""hi""\r\nand left",Oslo\r\nHansen,,"Bergen"\r\n';
  const records = parseCsv(text, ',');
  assert.deepEqual(records.map((r) => r.fields), [
    ['name', 'note', 'city'],
    ['Nordmann, Ola', 'He said "hi"\r\nand left', 'Oslo'],
    ['Hansen', '', 'Bergen'],
  ]);
  assert.deepEqual(records.map((r) => r.line), [1, 2, 4], 'the record after a two-line field starts on line 4');
});

test('LF and CRLF line ends, empty lines skipped but counted, no newline at the end', () => {
  const records = parseCsv('a;b\n\n1;2\r\n\r\n3;"x;y"', ';');
  assert.deepEqual(records.map((r) => [r.line, r.fields]), [
    [1, ['a', 'b']],
    [3, ['1', '2']],
    [5, ['3', 'x;y']],
  ]);
});

test('empty quoted fields, trailing separators and stray quotes inside unquoted fields', () => {
  assert.deepEqual(fields('"",a,\n'), [['', 'a', '']]);
  assert.deepEqual(fields('5" pipe,b\n'), [['5" pipe', 'b']]);
  assert.deepEqual(fields('"""quoted"""\n'), [['"quoted"']]);
});

test('an unterminated quote is an error that names the line where the field began', () => {
  assert.throws(
    () => parseCsv('a,b\n1,2\n3,"never closed\n4,5\n', ','),
    (e: unknown) => e instanceof AppError && e.code === 'validation' && /Line 3: a quoted field is never closed/.test(e.message),
  );
});

test('the separator is the one the header uses: ";" from Norwegian Excel, "," elsewhere', () => {
  assert.equal(detectSeparator('Etternavn;Fornavn;E-post\nA;B;C'), ';');
  assert.equal(detectSeparator('Last name,First name\nA,B'), ',');
  assert.equal(detectSeparator('"Name; with semicolon",Email,Phone\n'), ',', 'separators inside quotes do not count');
  assert.equal(detectSeparator('Email\nx@example.org'), ',');
  assert.equal(detectSeparator('a\tb\tc\n'), '\t');
});

test('Windows-1252 bytes decode to the right letters; UTF-8 with and without BOM too', () => {
  // "Ødegård;Åse" as Excel on Windows saves it.
  const cp1252 = Buffer.from([0xd8, 0x64, 0x65, 0x67, 0xe5, 0x72, 0x64, 0x3b, 0xc5, 0x73, 0x65]);
  assert.deepEqual(decodeText(cp1252), { text: 'Ødegård;Åse', encoding: 'windows-1252', bom: false });
  assert.deepEqual(decodeText(Buffer.from('Ødegård;Åse', 'utf8')), { text: 'Ødegård;Åse', encoding: 'utf-8', bom: false });
  const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Ødegård;Åse', 'utf8')]);
  assert.deepEqual(decodeText(withBom), { text: 'Ødegård;Åse', encoding: 'utf-8', bom: true });
  // Windows-1252 specials beyond Latin-1: the euro sign and curly quotes.
  assert.equal(decodeText(Buffer.from([0x80, 0x20, 0x93, 0x78, 0x94])).text, '€ “x”');
});

test('readCsvFile: the BOM is not part of the first column name; empty files and binary files are refused', () => {
  const file = readCsvFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Etternavn;Fornavn\r\nØdegård;Åse\r\n', 'utf8')]));
  assert.deepEqual(file.header, ['Etternavn', 'Fornavn']);
  assert.equal(file.separator, ';');
  assert.deepEqual(file.rows, [{ line: 2, fields: ['Ødegård', 'Åse'] }]);
  assert.throws(() => readCsvFile(Buffer.alloc(0)), /The file is empty/);
  assert.throws(() => readCsvFile(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00])), /not a text file/);
});

test('writing: formulas are neutralised, cells quoted where needed, CRLF lines, UTF-8 BOM first', () => {
  assert.equal(neutraliseFormula('=HYPERLINK("http://evil")'), `'=HYPERLINK("http://evil")`);
  for (const s of ['+47 912 34 567', '-1', '@SUM(A1)', '\tx', '\rx']) assert.equal(neutraliseFormula(s)[0], "'", s);
  assert.equal(neutraliseFormula('Ola'), 'Ola');
  assert.equal(restoreNeutralised(neutraliseFormula('+4791234567')), '+4791234567');
  assert.equal(restoreNeutralised("'quoted on purpose"), "'quoted on purpose");

  assert.equal(csvLine(['a,b', 'say "x"', 'two\nlines', null, 7, true]), '"a,b","say ""x""","two\nlines",,7,true\r\n');
  const doc = writeCsv([['Etternavn', 'Notat'], ['Ødegård', '=1+1']]);
  assert.ok(doc.startsWith('\uFEFF'));
  assert.equal(doc.slice(1), "Etternavn,Notat\r\nØdegård,'=1+1\r\n");
  // What we write reads back the same (apart from the neutralising quote).
  const back = readCsvFile(Buffer.from(writeCsv([['a', 'b'], ['x, y', 'multi\r\nline']]), 'utf8'));
  assert.deepEqual(back.rows[0]!.fields, ['x, y', 'multi\r\nline']);
});

test('10,000 rows parse quickly', () => {
  const lines = ['Etternavn;Fornavn;E-post;Notat'];
  for (let i = 0; i < 10_000; i++) lines.push(`Nordmann${i};Ola;ola${i}@example.org;"line one\nline two; with separator"`);
  const started = performance.now();
  const parsed = readCsvFile(Buffer.from(lines.join('\r\n'), 'utf8'));
  assert.equal(parsed.rows.length, 10_000);
  assert.equal(parsed.rows.at(-1)!.line, 2 + 9_999 * 2);
  assert.ok(performance.now() - started < 1000);
});
