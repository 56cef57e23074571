import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createTestContext, type TestContext } from '../support/context.ts';
import { runCli } from '../support/cli.ts';
import { addPerson, addSubscription } from '../support/billing.ts';

const main = path.resolve(import.meta.dirname, '../../src/cli/main.ts');

/** `guildhall <args>` as a child process that runs while others do. */
const runAsync = (ctx: TestContext, args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const t = ctx.testDb.target;
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', main, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        GUILDHALL_DATA_DIR: ctx.config.dataDir,
        DATABASE_URL: t.kind === 'sqlite' ? `sqlite:${t.file}` : t.url,
        GUILDHALL_TODAY: '2026-11-21',
        LOG_LEVEL: 'warn',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });

test('billing run from the command line: dry run per payer, JSON, then the real run; bad dates are refused', async () => {
  const ctx = await createTestContext();
  try {
    const p = await addPerson(ctx, 'Nordmann');
    await addSubscription(ctx, { contactId: p.id, itemId: 'mt_ord', start: '2026-01-01' });
    const env = { GUILDHALL_TODAY: '2026-11-21' };
    const dry = runCli(ctx, ['billing', 'run', '--as-of', '2026-01-01', '--dry-run'], env);
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /Nordmann, Test \(\w+\) {2}450\.00 NOK/);
    assert.match(dry.stdout, /Ordinary member {2}1 × 450\.00 = 450\.00 {2}2026-01-01 – 2026-12-31/);
    assert.match(dry.stdout, /dry run, nothing written\): 1 invoices, 1 lines, total 450\.00 NOK net/);
    assert.equal((await ctx.db.selectFrom('invoice').select('id').execute()).length, 0);

    const real = runCli(ctx, ['--json', 'billing', 'run', '--as-of', '2026-06-01'], env);
    assert.equal(real.status, 0, real.stderr);
    const result = JSON.parse(real.stdout);
    assert.equal(result.invoices, 1);
    assert.equal(result.total.amount, '450.00');
    assert.ok(result.runId);

    const bad = runCli(ctx, ['billing', 'run', '--as-of', '2026-13-01'], env);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /must be written YYYY-MM-DD/);
    const future = runCli(ctx, ['billing', 'run', '--as-of', '2027-01-01'], env);
    assert.equal(future.status, 2);
    assert.match(future.stderr, /in the future; only a dry run can look ahead/);
    const help = runCli(ctx, ['billing', 'run', '--help']);
    assert.match(help.stdout, /--dry-run/);
  } finally {
    await ctx.close();
  }
});

test('two billing runs at once in two processes bill every charge exactly once (PostgreSQL)', { skip: process.env.TEST_DATABASE_URL ? false : 'needs PostgreSQL (several writers)' }, async () => {
  const ctx = await createTestContext();
  try {
    for (let i = 0; i < 60; i++) {
      const p = await addPerson(ctx, `Concurrent ${i}`);
      await addSubscription(ctx, { contactId: p.id, itemId: 'mt_ord', start: `2026-0${1 + (i % 9)}-01` });
      await addSubscription(ctx, { contactId: p.id, itemId: 'mt_fm1', start: '2026-03-15' });
    }
    const args = ['--json', 'billing', 'run', '--as-of', '2026-11-21', '--batch-size', '7'];
    const [a, b] = await Promise.all([runAsync(ctx, args), runAsync(ctx, args)]);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(b.status, 0, b.stderr);
    const ra = JSON.parse(a.stdout);
    const rb = JSON.parse(b.stdout);
    // Between them, every payer got exactly one invoice with both lines.
    assert.equal(ra.invoices + rb.invoices, 60);
    assert.equal(ra.lines + rb.lines, 120);
    const invoices = await ctx.db.selectFrom('invoice').select(['payer_id', 'number']).execute();
    assert.equal(invoices.length, 60);
    assert.equal(new Set(invoices.map((i) => i.payer_id)).size, 60);
    const numbers = invoices.map((i) => Number(i.number)).sort((x, y) => x - y);
    assert.deepEqual(numbers, Array.from({ length: 60 }, (_, i) => 10001 + i)); // no gaps, no repeats
  } finally {
    await ctx.close();
  }
});
