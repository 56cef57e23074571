import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../kernel/app-error.ts';
import { money } from '../../kernel/money.ts';
import { checkDocumentTemplate, defaultDocumentTemplate, DOCUMENT_KINDS, DOCUMENT_VARIABLES } from './document-template.ts';
import { formatter, languageOf } from './format.ts';
import { checkMailTemplate, DEFAULT_MAIL_TEMPLATES, MAIL_TEMPLATE_KEYS, MAIL_VARIABLES, renderMailText } from './mail-template.ts';
import { buildEntries, type StatementItem } from './statement.ts';
import { fillTemplate, templateProblems, variablesIn } from './template-text.ts';

const refused = (fn: () => unknown, message: RegExp, field?: string) => {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AppError, String(e));
    assert.equal(e.code, 'validation');
    assert.match(e.message, message);
    if (field) assert.equal((e.details as { field: string }).field, field);
    return true;
  });
};

test('variables are {{name}} with dotted names; filling replaces each and leaves other text alone', () => {
  assert.deepEqual(variablesIn('Hi {{ recipient.name }}, invoice {{invoice.number}} ({{invoice.number}})'), ['recipient.name', 'invoice.number']);
  assert.equal(fillTemplate('Hei {{recipient.name}}! {{ invoice.number }} {x} {{missing}}.', { 'recipient.name': 'Åse', 'invoice.number': '10001' }), 'Hei Åse! 10001 {x} .');
  // A line whose variables are all empty is left out; lines without variables stay.
  assert.equal(fillTemplate('Hello\nAccount: {{bank}}\n\nKID: {{kid}} ({{bank}})\nBye', { bank: '', kid: '0001' }), 'Hello\n\nKID: 0001 ()\nBye');
  // A value can never inject a placeholder: filling is one pass.
  assert.equal(fillTemplate('{{a}}', { a: '{{b}}', b: 'no' }), '{{b}}');
});

test('an unknown variable, a malformed name or a lone brace is a problem that names what to write', () => {
  const allowed = ['invoice.number', 'recipient.name'];
  assert.deepEqual(templateProblems('Invoice {{invoice.number}} for {{recipient.name}}', allowed, 'body', 'The text'), []);
  const unknown = templateProblems('Pay {{invoice.amount}} now', allowed, 'body', 'The text');
  assert.equal(unknown.length, 1);
  assert.match(unknown[0]!.message, /there is no variable \{\{invoice\.amount\}\}\. Use one of \{\{invoice\.number\}\}, \{\{recipient\.name\}\}/);
  assert.match(templateProblems('{{ 1abc }}', allowed, 'body', 'The text')[0]!.message, /is not a variable name/);
  assert.match(templateProblems('Hello {{recipient.name}', allowed, 'body', 'The text')[0]!.message, /has no partner/);
  assert.match(templateProblems('Hello }} there', allowed, 'body', 'The text')[0]!.message, /has no partner/);
});

test('every built-in e-mail template, in both languages, uses only its own variables', () => {
  for (const key of MAIL_TEMPLATE_KEYS) {
    for (const language of ['en', 'nb'] as const) {
      const t = DEFAULT_MAIL_TEMPLATES[key][language];
      assert.doesNotThrow(() => checkMailTemplate(key, t), `${key}/${language}`);
      for (const v of variablesIn(t.subject + t.body)) assert.ok(MAIL_VARIABLES[key].some((d) => d.name === v), `${key}/${language} uses ${v}`);
    }
    for (const v of MAIL_VARIABLES[key]) assert.ok(v.description && v.example, `${key}: ${v.name} is documented`);
  }
});

test('a mail template with an unknown variable is refused on save, with the field and the allowed list', () => {
  refused(() => checkMailTemplate('invoice', { subject: 'Invoice {{invoice.number}}', body: 'Hello {{member.number}}' }), /The message text: there is no variable \{\{member\.number\}\}.*\{\{invoice\.dueDate\}\}/, 'body');
  refused(() => checkMailTemplate('welcome', { subject: 'Welcome {{invoice.number}}', body: 'Hi' }), /The subject: there is no variable \{\{invoice\.number\}\}/, 'subject');
  refused(() => checkMailTemplate('receipt', { subject: '', body: 'x' }), /subject cannot be empty/, 'subject');
  refused(() => checkMailTemplate('receipt', { subject: 'a\nb', body: 'x' }), /one line/, 'subject');
  const ok = checkMailTemplate('statement', { subject: '  Statement {{statement.date}} ', body: 'Balance {{statement.balance}}\r\n\r\n' });
  assert.deepEqual(ok, { subject: 'Statement {{statement.date}}', body: 'Balance {{statement.balance}}\n' });
  // A value with a line break cannot split the subject into headers.
  assert.equal(renderMailText({ subject: 'Hi {{recipient.name}}', body: 'b' }, { 'recipient.name': 'A\r\nBcc: x@evil.example' }).subject, 'Hi A Bcc: x@evil.example');
});

test('document templates: defaults pass their own check; colours, widths and variables are checked per kind', () => {
  for (const kind of DOCUMENT_KINDS) {
    for (const language of ['en', 'nb'] as const) assert.doesNotThrow(() => checkDocumentTemplate(kind, defaultDocumentTemplate(kind, language)), `${kind}/${language}`);
    assert.ok(DOCUMENT_VARIABLES[kind].some((v) => v.name === 'organization.bankAccount'));
  }
  const base = defaultDocumentTemplate('invoice', 'en');
  refused(() => checkDocumentTemplate('invoice', { ...base, footer: 'Balance {{statement.balance}}' }), /The footer: there is no variable \{\{statement\.balance\}\}/, 'content.footer');
  refused(() => checkDocumentTemplate('invoice', { ...base, accentColor: 'blue' }), /#RRGGBB/, 'content.accentColor');
  refused(() => checkDocumentTemplate('invoice', { ...base, logoWidth: 500 }), /40 to 250/, 'content.logoWidth');
  refused(() => checkDocumentTemplate('invoice', { ...base, title: 'A\nB' }), /one line/, 'content.title');
  // Several problems are reported together.
  assert.throws(
    () => checkDocumentTemplate('statement', { ...base, introText: '{{invoice.number}}', accentColor: '#12' }),
    (e: AppError) => (e.details as { problems: unknown[] }).problems.length === 2,
  );
  assert.equal(checkDocumentTemplate('invoice', { ...base, accentColor: '#AABBCC', title: ' Faktura ' }).accentColor, '#aabbcc');
});

test('formatting follows the organization locale: "1 234,50 kr" and 15.01.2026 in nb-NO, periods show their last day', () => {
  const nb = formatter('nb-NO');
  assert.equal(nb.language, 'nb');
  assert.equal(nb.money(money(123450n, 'NOK')).replace(/\s/g, ' '), '1 234,50 kr');
  assert.equal(nb.amount(money(-123450n, 'NOK')).replace(/\s/g, ' '), '−1 234,50');
  assert.equal(nb.date('2026-01-15'), '15.01.2026');
  assert.equal(nb.period('2026-01-01', '2027-01-01'), '01.01.2026 – 31.12.2026');
  assert.equal(nb.period('2026-03-05', '2026-03-06'), '05.03.2026');
  assert.equal(nb.rate('12.5').replace(/\s/g, ' '), '12,5 %');
  assert.equal(nb.quantity('2.5'), '2,5');
  const en = formatter('en-GB');
  assert.equal(en.language, 'en');
  assert.equal(en.money(money(123450n, 'EUR')), '€1,234.50');
  assert.equal(en.date('2026-01-15'), '15/01/2026');
  assert.equal(en.rate('25'), '25%');
  // Exact: no float rounding on large amounts.
  assert.equal(en.amount(money(900719925474099312n, 'NOK')), '9,007,199,254,740,993.12');
  assert.equal(languageOf('nn-NO'), 'nb');
  assert.equal(languageOf('de-DE'), 'en');
});

test('statement entries: oldest first, charges before what settles them on the same day, running balance', () => {
  const item = (date: string, kind: StatementItem['kind'], number: number | null, charge: bigint, credit: bigint): StatementItem => ({
    date,
    kind,
    sourceId: `${kind}-${number}`,
    number,
    detail: null,
    method: null,
    dueDate: null,
    chargeMinor: charge,
    creditMinor: credit,
  });
  const entries = buildEntries(
    [
      item('2026-02-01', 'payment', 2, 0n, 30000n),
      item('2026-01-15', 'invoice', 10002, 20000n, 0n),
      item('2026-01-15', 'payment', 1, 0n, 45000n),
      item('2026-01-01', 'invoice', 10001, 45000n, 0n),
      item('2026-01-20', 'credit_note', 10003, 0n, 5000n),
      item('2026-02-10', 'reversal', 2, 30000n, 0n),
    ],
    'NOK',
  );
  assert.deepEqual(
    entries.map((e) => [e.date, e.kind, e.balance.minor]),
    [
      ['2026-01-01', 'invoice', 45000n],
      ['2026-01-15', 'invoice', 65000n],
      ['2026-01-15', 'payment', 20000n],
      ['2026-01-20', 'credit_note', 15000n],
      ['2026-02-01', 'payment', -15000n],
      ['2026-02-10', 'reversal', 15000n],
    ],
  );
});
