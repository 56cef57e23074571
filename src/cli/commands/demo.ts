import type { Command } from 'commander';
import { loadDemo } from '../../modules/demo/index.ts';
import { withApp, type CliIo } from '../cli.ts';

export const registerDemo = (program: Command, io: CliIo) => {
  program
    .command('demo')
    .description('Load a demo organization (settings, access groups, staff accounts, a member registry, subscriptions and a year of billing history up to today). Safe to run twice.')
    .action(() =>
      withApp(async (ctx) => {
        const result = await loadDemo(ctx);
        if (io.json()) return io.out(JSON.stringify(result));
        io.out(`Loaded the demo organization "${result.organization}".`);
        io.out(`Sign in at ${ctx.config.publicUrl}/login with one of these (password: ${result.password}):`);
        for (const a of result.accounts) io.out(`  ${a.email.padEnd(30)} ${a.role}${a.created ? '' : ' (already there)'}`);
        const r = result.registry;
        io.out(`Member registry: ${r.persons} persons, ${r.organizations} organizations, ${r.households} households${r.created ? '' : ' (already there)'}.`);
        const b = result.billing;
        io.out(`Billing: ${b.subscriptions} subscriptions${b.created ? '' : ' (already there)'}; ${b.runs} daily billing runs made ${b.invoices} invoices now.`);
      }),
    );
};
