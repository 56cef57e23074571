import type { Command } from 'commander';
import { AppError } from '../../kernel/app-error.ts';
import { anchorPath, databaseIdentity, readAnchor, saveAnchor, verifyAudit } from '../../modules/audit/index.ts';
import { withApp, type CliIo } from '../cli.ts';

const parseAnchor = (text: string): { seq: number; hash: string } => {
  const m = /^(\d+):([0-9a-f]{64})$/i.exec(text.trim());
  if (!m) throw new AppError('validation', `--anchor must be SEQ:HASH as printed by an earlier "audit verify", e.g. 120:9f86d08…; got "${text}".`);
  return { seq: Number(m[1]), hash: (m[2] ?? '').toLowerCase() };
};

export const registerAudit = (program: Command, io: CliIo) => {
  const audit = program.command('audit').description('The hash-chained audit trail.');
  audit
    .command('verify')
    .description(
      'Check that no audit row was altered or removed. Exits 0 when intact, 1 naming the first bad row.\n' +
        'The verified head is saved in the data directory, so rows later removed from the end are caught too.',
    )
    .option('--anchor <seq:hash>', 'also require this earlier head (from a previous run) to still be in the chain')
    .option('--forget-anchor', 'forget the saved head first (after restoring a backup on purpose)')
    .action(async (opts: { anchor?: string; forgetAnchor?: boolean }) => {
      const explicit = opts.anchor ? parseAnchor(opts.anchor) : undefined;
      await withApp(async (ctx) => {
        const identity = databaseIdentity(ctx.config.database);
        if (opts.forgetAnchor) saveAnchor(ctx.config.dataDir, identity, null);
        const saved = readAnchor(ctx.config.dataDir, identity);
        // An explicit anchor is checked as given; the saved one is the default.
        const result = await verifyAudit(ctx.db, { anchor: explicit ?? saved ?? undefined });
        if (result.ok && result.head) saveAnchor(ctx.config.dataDir, identity, { ...result.head, verifiedAt: ctx.clock.now().toISOString() });
        if (io.json()) io.out(JSON.stringify(result));
        else if (result.ok) {
          io.out(
            result.head
              ? `The audit trail is intact: ${result.count} row${result.count === 1 ? '' : 's'}; head row ${result.head.seq} (${result.head.at}), hash ${result.head.hash}.`
              : 'The audit trail is empty.',
          );
        } else {
          io.out(`The audit trail is NOT intact (${result.count} row${result.count === 1 ? '' : 's'} verified before the problem).`);
          io.out(result.firstBad!.message);
          if (saved && !explicit && result.firstBad!.problem === 'missing' && result.firstBad!.seq > (result.head?.seq ?? 0)) {
            io.out(`If an older backup was restored on purpose, run "guildhall audit verify --forget-anchor" (the saved head is in ${anchorPath(ctx.config.dataDir)}).`);
          }
        }
        if (!result.ok) process.exitCode = 1;
      });
    });
};
