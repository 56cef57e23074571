import { before, after } from 'node:test';
import { testNeeding } from '../support/tools.ts';

const test = testNeeding(['pdftotext', 'pdfinfo']);
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createTestContext, type TestContext } from '../support/context.ts';
import { runCli } from '../support/cli.ts';
import { pdfText, zipNames } from '../support/pdf.ts';
import { systemActor } from '../../src/modules/audit/index.ts';
import { createContact } from '../../src/modules/contacts/index.ts';
import { createInvoice, issueInvoice } from '../../src/modules/invoices/index.ts';

let ctx: TestContext;
const by = { actor: systemActor };
let number: number;
let memberNumber: number;

before(async () => {
  ctx = await createTestContext();
  const c = await createContact(ctx, by, { kind: 'person', firstNames: 'Åse', lastName: 'Ødegård', addressLines: ['Kirkeveien 12 B'], postcode: '0368', place: 'Oslo', invoiceDelivery: 'print' });
  memberNumber = c.memberNumber!;
  const draft = await createInvoice(ctx, by, { payerId: c.id, lines: [{ description: 'Membership – Ærlig Ørn', unitPrice: '450' }] });
  number = (await issueInvoice(ctx, by, draft.id, {})).number!;
});
after(async () => ctx.close());

test('guildhall documents: pdf, send (queued), print batch, statement, statements zip', async () => {
  const dir = path.dirname(ctx.config.dataDir);
  const pdf = runCli(ctx, ['documents', 'pdf', String(number), '--out', path.join(dir, 'inv.pdf')]);
  assert.equal(pdf.status, 0, pdf.stderr);
  assert.ok(pdfText(fs.readFileSync(path.join(dir, 'inv.pdf'))).includes('Ødegård, Åse'));

  const send = runCli(ctx, ['documents', 'send', String(number)]);
  assert.equal(send.status, 0, send.stderr);
  assert.match(send.stdout, /Sending 1 of invoice \d+ queued: print\./);
  assert.equal(runCli(ctx, ['jobs', 'run-due']).status, 0);

  const print = runCli(ctx, ['--json', 'documents', 'print']);
  assert.equal(print.status, 0, print.stderr);
  const batch = JSON.parse(print.stdout) as { documentCount: number; path: string };
  assert.equal(batch.documentCount, 1);
  assert.ok(pdfText(fs.readFileSync(batch.path)).includes(`Faktura ${number}`));
  const again = runCli(ctx, ['documents', 'print']);
  assert.equal(again.status, 2, 'nothing waiting is bad input');
  assert.match(again.stderr, /Nothing is waiting to be printed/);

  const st = runCli(ctx, ['documents', 'statement', String(memberNumber), '--out', path.join(dir, 'st.pdf')]);
  assert.equal(st.status, 0, st.stderr);
  assert.ok(pdfText(fs.readFileSync(path.join(dir, 'st.pdf'))).includes('Kontoutskrift'));

  const zip = runCli(ctx, ['documents', 'statements', '--zip', path.join(dir, 'all.zip')]);
  assert.equal(zip.status, 0, zip.stderr);
  assert.match(zip.stdout, /Wrote 1 statements/);
  assert.equal(zipNames(fs.readFileSync(path.join(dir, 'all.zip'))).length, 1);

  const report = runCli(ctx, ['documents', 'sent-report', '--count', '1']);
  assert.equal(report.status, 0, report.stderr);
  assert.match(report.stdout, /Ødegård, Åse .* sent 1×/);
  assert.equal(runCli(ctx, ['documents', 'pdf', '999999']).status, 1);
  assert.equal(runCli(ctx, ['documents', 'send', String(number), '--channel', 'fax']).status, 2);
});
