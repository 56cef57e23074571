/**
 * Invoice, credit note and statement PDFs on a real database (SQLite; PostgreSQL with
 * TEST_DATABASE_URL), read back with Debian's pdftotext: numbers, totals, references, dates and
 * non-ASCII names as a member would see them.
 */
import { before, after } from 'node:test';
import { testNeeding } from '../../../test/support/tools.ts';

const test = testNeeding(['pdftotext', 'pdfinfo', 'pdffonts', 'unzip']);
import assert from 'node:assert/strict';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { pdfFonts, pdfInfo, pdfText, zipEntry, zipNames } from '../../../test/support/pdf.ts';
import { Writable } from 'node:stream';
import { AppError } from '../../kernel/app-error.ts';
import { systemActor } from '../audit/index.ts';
import { createContact } from '../contacts/index.ts';
import { createCreditNote, createInvoice, issueInvoice, voidInvoice, type ManualLineInput } from '../invoices/index.ts';
import { updateSetting } from '../settings/index.ts';
import {
  defaultDocumentTemplate,
  getDocumentTemplate,
  getStatement,
  previewDocumentTemplate,
  previewMailTemplate,
  renderInvoicePdf,
  renderStatementPdf,
  resetDocumentTemplate,
  updateDocumentTemplate,
  writeStatementsZip,
} from './index.ts';

let ctx: TestContext;
const by = { actor: systemActor, requestId: 'req-doc' };
let ase: string;
let zoe: string;
const PNG_1x1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

const setting = (key: string, value: unknown) => updateSetting(ctx, systemActor, key, value);

before(async () => {
  ctx = await createTestContext({ start: '2026-01-15T10:00:00Z' });
  await setting('organization.name', 'Oslo Makerspace');
  await setting('organization.address', 'Storgata 1\n0155 Oslo');
  await setting('organization.org_number', '912 345 678');
  await setting('organization.vat_number', 'NO 912 345 678 MVA');
  await setting('organization.bank_account', '1234.56.78903');
  await setting('organization.billing_email', 'faktura@makerspace.example');
  ase = (await createContact(ctx, by, { kind: 'person', firstNames: 'Åse', lastName: 'Ødegård', email: 'ase@example.org', addressLines: ['Kirkeveien 12 B'], postcode: '0368', place: 'Oslo' })).id;
  zoe = (await createContact(ctx, by, { kind: 'person', firstNames: 'Zoë', lastName: 'Łukasiewicz', email: 'zoe@example.org', addressLines: ['ul. Źródlana 3'], postcode: '00-001', place: 'Warszawa', country: 'PL' })).id;
});
after(async () => ctx.close());

const LINES: ManualLineInput[] = [
  { description: 'Ordinary membership 2026 – Ærlig Ørn’s household', unitPrice: '450.00', vatRate: '0', periodStart: '2026-01-01', periodEnd: '2027-01-01' },
  { description: 'Locker rental', quantity: '3', unitPrice: '125.50', vatRate: '25', periodStart: '2026-01-01', periodEnd: '2026-04-01' },
  { description: 'Laser cutter time with Zoë Łukasiewicz (€ course)', quantity: '2.5', unitPrice: '1234.50', vatRate: '12.5' },
];

const issue = async (payerId: string, lines: ManualLineInput[] = LINES, issueDate?: string) => {
  const draft = await createInvoice(ctx, by, { payerId, lines });
  return issueInvoice(ctx, by, draft.id, issueDate ? { issueDate } : {});
};

/** Text with line breaks (wrapped cells) and runs of spaces as one space. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

test('an invoice PDF in nb-NO carries the organization, the payer, number, dates, KID, lines with periods, VAT by rate and totals', async () => {
  const inv = await issue(ase);
  const pdf = await renderInvoicePdf(ctx, inv.id);
  assert.equal(pdf.bytes.subarray(0, 5).toString(), '%PDF-');
  assert.equal(pdf.filename, `faktura-${inv.number}.pdf`);
  assert.equal(pdf.pages, 1);
  assert.equal(pdfInfo(pdf.bytes).Pages, '1');
  assert.equal(pdfInfo(pdf.bytes).Title, `Faktura ${inv.number}`);
  // DejaVu is embedded (subset): the document renders the same everywhere.
  const fonts = pdfFonts(pdf.bytes);
  assert.ok(fonts.length >= 1 && fonts.every((f) => f.embedded && /DejaVuSans/.test(f.name)), JSON.stringify(fonts));

  const text = flat(pdfText(pdf.bytes));
  for (const expected of [
    'Oslo Makerspace',
    'Storgata 1',
    'Org.nr. 912 345 678',
    'MVA-nr. NO 912 345 678 MVA',
    'Faktura',
    'Ødegård, Åse',
    'Kirkeveien 12 B',
    '0368 Oslo',
    String(inv.number),
    inv.paymentReference!,
    '15.01.2026', // invoice date
    '29.01.2026', // due date: 14 days
    'Ordinary membership 2026 – Ærlig Ørn’s household',
    '01.01.2026 – 31.12.2026', // [start, end) shown with its last day
    '01.01.2026 – 31.03.2026',
    'Laser cutter time with Zoë Łukasiewicz (€ course)',
    '1 234,50', // unit price
    '3 086,25', // 2.5 × 1 234,50
    'Sum eks. MVA',
    '3 912,75 kr',
    'MVA 25 % av 376,50',
    '94,13 kr',
    'MVA 12,5 % av 3 086,25',
    '385,78 kr',
    'Totalt',
    '4 392,66 kr',
    'Kontonummer',
    '1234.56.78903',
    'KID',
    'Side 1 av 1',
    'faktura@makerspace.example',
  ]) {
    assert.ok(text.includes(expected), `the invoice shows "${expected}":\n${text}`);
  }
  assert.equal(inv.total.minor, 439266n, 'the PDF shows the invoice’s own total');
});

test('in English with a logo and an edited template; a credit note shows what it credits and why', async () => {
  await setting('organization.locale', 'en-GB');
  await setting('organization.logo', `data:image/png;base64,${PNG_1x1}`);
  try {
    const inv = await issue(zoe, [{ description: 'Workshop day', unitPrice: '800', vatRate: '25' }]);
    const before = await getDocumentTemplate(ctx.db, 'invoice');
    assert.equal(before.customized, false);
    assert.equal(before.effectiveLanguage, 'en');
    const saved = await updateDocumentTemplate(ctx, by, 'invoice', {
      content: { ...before.content, title: 'Membership invoice', introText: 'Dear {{payer.name}}, thank you for being a member of {{organization.name}}.', footer: 'Pay {{invoice.amountDue}} by {{invoice.dueDate}} · {{organization.bankAccount}}', accentColor: '#7A1F5C' },
      version: 0,
    });
    assert.equal(saved.version, 1);
    assert.equal(saved.customized, true);
    const text = flat(pdfText((await renderInvoicePdf(ctx, inv.id)).bytes));
    for (const expected of ['Membership invoice', 'Dear Łukasiewicz, Zoë, thank you for being a member of Oslo Makerspace.', 'Invoice number', 'Due date', 'ul. Źródlana 3', '00-001 Warszawa', 'PL', 'VAT 25% of 800.00', 'NOK 1,000.00', 'Pay NOK 1,000.00 by 29/01/2026 · 1234.56.78903', 'Page 1 of 1']) {
      assert.ok(text.includes(expected), `"${expected}" in:\n${text}`);
    }
    // Stale versions lose; unknown variables are refused and nothing changes.
    await assert.rejects(updateDocumentTemplate(ctx, by, 'invoice', { content: saved.content, version: 0 }), (e: AppError) => e.code === 'conflict');
    await assert.rejects(updateDocumentTemplate(ctx, by, 'invoice', { content: { ...saved.content, footer: '{{statement.balance}}' } }), (e: AppError) => e.code === 'validation' && /statement\.balance/.test(e.message));
    const audit = await ctx.db.selectFrom('audit_log').select(['action']).where('entity_type', '=', 'document_template').where('entity_id', '=', 'invoice').execute();
    assert.deepEqual(audit.map((a) => a.action), ['update']);

    const cn = await createCreditNote(ctx, by, inv.id, { reason: 'Workshop cancelled – storm' });
    const cnPdf = await renderInvoicePdf(ctx, cn.id);
    assert.equal(cnPdf.filename, `credit-note-${cn.number}.pdf`);
    const cnText = flat(pdfText(cnPdf.bytes));
    for (const expected of ['Credit note', `Credits invoice ${inv.number}`, 'Reason: Workshop cancelled – storm', '-NOK 1,000.00', 'Total credited', `invoice ${inv.number}`]) {
      assert.ok(cnText.includes(expected), `"${expected}" in:\n${cnText}`);
    }
    assert.ok(!cnText.includes('Amount due'), 'a credit note asks for no payment');
  } finally {
    await resetDocumentTemplate(ctx, by, 'invoice');
    await setting('organization.locale', 'nb-NO');
    await setting('organization.logo', '');
  }
  assert.equal((await getDocumentTemplate(ctx.db, 'invoice')).customized, false);
});

test('an invoice with many lines runs over pages with the table heading again and "Side n av m" on each', async () => {
  const lines = Array.from({ length: 70 }, (_, i) => ({ description: `Usage day ${i + 1} – Ærø`, unitPrice: '10.00', vatRate: '25' }));
  const inv = await issue(ase, lines);
  const pdf = await renderInvoicePdf(ctx, inv.id);
  assert.ok(pdf.pages >= 2, `pages: ${pdf.pages}`);
  const text = flat(pdfText(pdf.bytes));
  for (let i = 1; i <= 70; i++) assert.ok(text.includes(`Usage day ${i} – Ærø`), `line ${i}`);
  for (let p = 1; p <= pdf.pages; p++) assert.ok(text.includes(`Side ${p} av ${pdf.pages}`), `page ${p}`);
  assert.ok(text.includes(`Faktura ${inv.number}`), 'continued pages say what they continue');
  assert.ok(text.includes('875,00 kr'), '70 × 10,00 + 25 % VAT');
});

test('a draft and a void invoice are marked across the page', async () => {
  const draft = await createInvoice(ctx, by, { payerId: ase, lines: [{ description: 'Draft thing', unitPrice: '10' }] });
  const d = flat(pdfText((await renderInvoicePdf(ctx, draft.id)).bytes));
  assert.ok(d.includes('UTKAST') && d.includes('Draft thing'));
  const inv = await issue(ase, [{ description: 'Voided thing', unitPrice: '10' }]);
  await voidInvoice(ctx, by, inv.id, { reason: 'wrong payer' });
  assert.ok(flat(pdfText((await renderInvoicePdf(ctx, inv.id)).bytes)).includes('ANNULLERT'));
});

test('a statement lists invoices, credit notes, payments, reversals, refunds and write-offs oldest first with the running balance', async () => {
  const p = (await createContact(ctx, by, { kind: 'person', firstNames: 'Ærlig', lastName: 'Ørn', email: 'orn@example.org', addressLines: ['Bakken 2'], postcode: '5003', place: 'Bergen' })).id;
  const i1 = await issue(p, [{ description: 'Membership', unitPrice: '450', vatRate: '0' }], '2026-01-02');
  const i2 = await issue(p, [{ description: 'Locker', unitPrice: '200', vatRate: '25' }], '2026-01-05');
  const cn = await createCreditNote(ctx, by, i2.id, { reason: 'Locker not used' });
  const now = ctx.clock.now().toISOString();
  const pay = (id: string, kind: string, number: number | null, on: string, amount: number, extra: Record<string, unknown> = {}) =>
    ctx.db
      .insertInto('payment')
      .values({ id, kind, number, contact_id: p, received_on: on, amount_minor: amount, currency: 'NOK', method: 'bank_transfer', reference: `REF-${id}`, note: null, status: 'recorded', reversed_on: null, reversal_reason: null, external_id: null, created_by: 'test', version: 1, created_at: now, updated_at: now, ...extra })
      .execute();
  await pay('p1', 'receipt', 501, '2026-01-08', 30000);
  await pay('p2', 'receipt', 502, '2026-01-09', 10000, { status: 'reversed', reversed_on: '2026-01-11', reversal_reason: 'NSF – not enough funds', method: 'cheque' });
  await pay('p3', 'refund', null, '2026-01-12', 5000);
  await ctx.db.insertInto('payment_allocation').values({ id: 'w1', invoice_id: i1.id, payment_id: null, kind: 'writeoff', amount_minor: 2000, entry_id: null, created_by: 'test', created_at: '2026-01-13T09:00:00.000Z' }).execute();

  const s = await getStatement(ctx, p, { asOf: '2026-01-31' });
  assert.deepEqual(
    s.entries.map((e) => [e.date, e.kind, e.number, Number(e.charge.minor), Number(e.credit.minor), Number(e.balance.minor)]),
    [
      ['2026-01-02', 'invoice', i1.number, 45000, 0, 45000],
      ['2026-01-05', 'invoice', i2.number, 25000, 0, 70000],
      ['2026-01-08', 'payment', 501, 0, 30000, 40000],
      ['2026-01-09', 'payment', 502, 0, 10000, 30000],
      ['2026-01-11', 'reversal', 502, 10000, 0, 40000],
      ['2026-01-12', 'refund', null, 5000, 0, 45000],
      ['2026-01-13', 'writeoff', null, 0, 2000, 43000],
      ['2026-01-15', 'credit_note', cn.number, 0, 25000, 18000],
    ],
  );
  assert.equal(s.balance.minor, 18000n);
  assert.equal(s.amountDue.minor, 18000n);
  assert.equal(s.totalCharged.minor, 45000n + 25000n + 10000n + 5000n);
  assert.deepEqual(s.openInvoices.map((o) => o.number), [i1.number], 'the credited invoice is closed; the first is still open');

  // Only what happened up to the statement date.
  const early = await getStatement(ctx, p, { asOf: '2026-01-08' });
  assert.equal(early.entries.length, 3);
  assert.equal(early.balance.minor, 40000n);

  const pdf = await renderStatementPdf(ctx, p, { asOf: '2026-01-31' });
  assert.equal(pdf.filename, `kontoutskrift-${s.contact.memberNumber}-2026-01-31.pdf`);
  const text = flat(pdfText(pdf.bytes));
  for (const expected of [
    'Kontoutskrift',
    'Ørn, Ærlig',
    '5003 Bergen',
    '31.01.2026',
    `Faktura ${i1.number}`,
    `KID ${i1.paymentReference}`,
    `Kreditnota ${cn.number}`,
    `Krediterer faktura ${i2.number}`,
    'Innbetaling (Kvittering 501)',
    'bankoverføring · REF-p1',
    'Innbetaling tilbakeført (Kvittering 502)',
    'NSF – not enough funds',
    'Tilbakebetaling',
    'Avskrevet',
    '450,00',
    '700,00', // running balance after the second invoice
    '180,00 kr',
    'Å betale',
    'Åpne fakturaer',
    '1234.56.78903',
  ]) {
    assert.ok(text.includes(expected), `the statement shows "${expected}":\n${text}`);
  }
});

test('a contact in credit sees what is in their favour, and nothing to pay', async () => {
  const p = (await createContact(ctx, by, { kind: 'person', firstNames: 'Kari', lastName: 'Ås', addressLines: ['Vei 1'] })).id;
  const now = ctx.clock.now().toISOString();
  await ctx.db
    .insertInto('payment')
    .values({ id: 'pc', kind: 'receipt', number: 600, contact_id: p, received_on: '2026-01-10', amount_minor: 12345, currency: 'NOK', method: 'cash', reference: null, note: null, status: 'recorded', reversed_on: null, reversal_reason: null, external_id: null, created_by: 'test', version: 1, created_at: now, updated_at: now })
    .execute();
  const pdf = await renderStatementPdf(ctx, p, {});
  assert.equal(pdf.statement.balance.minor, -12345n);
  assert.equal(pdf.statement.amountDue.minor, 0n);
  const text = flat(pdfText(pdf.bytes));
  assert.ok(text.includes('Til gode') && text.includes('123,45 kr') && text.includes('kontant'), text);
});

test('statements for all active contacts come as one zip of PDFs; onlyWithBalance leaves out who owes nothing', async () => {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  const n = await writeStatementsZip(ctx, { asOf: '2026-01-31' }, sink);
  const zip = Buffer.concat(chunks);
  const names = zipNames(zip);
  assert.equal(names.length, n);
  assert.ok(n >= 4, `${n} statements`);
  assert.ok(names.every((f) => /^kontoutskrift-\d+-2026-01-31\.pdf$/.test(f)), names.join(', '));
  const first = zipEntry(zip, names[0]!);
  assert.ok(pdfText(first).includes('Kontoutskrift'));

  const owing: Buffer[] = [];
  const n2 = await writeStatementsZip(ctx, { asOf: '2026-01-31', onlyWithBalance: true }, new Writable({ write: (c: Buffer, _e, cb) => (owing.push(c), cb()) }));
  assert.ok(n2 < n, 'contacts in credit or settled are left out');
});

test('previews render an unsaved template on real data, or on examples, and refuse what a save would refuse', async () => {
  const content = { ...defaultDocumentTemplate('statement', 'nb'), title: 'Kontoutskrift for {{payer.name}}' };
  const real = await previewDocumentTemplate(ctx, 'statement', { content, contactId: ase });
  assert.equal(real.source, 'contact');
  assert.ok(flat(pdfText(real.bytes)).includes('Kontoutskrift for Ødegård, Åse'));
  assert.equal((await getDocumentTemplate(ctx.db, 'statement')).customized, false, 'a preview saves nothing');
  const inv = await previewDocumentTemplate(ctx, 'invoice', { content: { ...defaultDocumentTemplate('invoice', 'nb'), footer: 'Forfall {{invoice.dueDate}}' } });
  assert.equal(inv.source, 'invoice');
  assert.match(pdfText(inv.bytes), /Forfall \d\d\.\d\d\.2026/);
  await assert.rejects(previewDocumentTemplate(ctx, 'invoice', { content: { ...content, title: '{{statement.date}}' } }), (e: AppError) => e.code === 'validation');

  const mail = await previewMailTemplate(ctx, 'invoice', 'nb', { subject: 'Faktura {{invoice.number}} til {{payer.name}}', body: 'Beløp: {{invoice.amountDue}}' });
  assert.equal(mail.source, 'invoice');
  assert.match(mail.subject, /^Faktura \d+ til /);
  const welcome = await previewMailTemplate(ctx, 'welcome', 'en', { subject: 'Welcome {{member.name}}', body: 'No. {{member.number}} at {{portal.url}}', contactId: zoe });
  assert.equal(welcome.subject, 'Welcome Zoë Łukasiewicz');
  assert.match(welcome.body, /^No\. \d+ at http:\/\/localhost:8080\n$/);
  const receipt = await previewMailTemplate(ctx, 'receipt', 'nb', { subject: 'Kvittering {{payment.number}}', body: '{{payment.amount}} {{payment.method}}' });
  assert.equal(receipt.source, 'payment');
  await assert.rejects(previewMailTemplate(ctx, 'receipt', 'nb', { subject: 'x', body: '{{invoice.number}}' }), (e: AppError) => e.code === 'validation' && /invoice\.number/.test(e.message));
});
