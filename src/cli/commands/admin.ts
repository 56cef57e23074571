import type { Command } from 'commander';
import type { AppContext } from '../../app.ts';
import { FULL_ACCESS } from '../../api/access.ts';
import { validation } from '../../kernel/app-error.ts';
import { cliActor } from '../../modules/audit/index.ts';
import { createAdministrator, createApiKey, ensureSetupToken, findGroupByIdOrName, listGroups } from '../../modules/staff/index.ts';
import { withApp, type CliIo } from '../cli.ts';
import type { ServeHook } from '../hooks.ts';

/** `guildhall admin create` and `guildhall apikey create`: access from the shell, for the first admin and for scripts. */
export const registerAdminCommands = (program: Command, io: CliIo) => {
  const admin = program.command('admin').description('Administrators (staff users with full access).');
  admin
    .command('create')
    .description('Create an administrator with full access. The password must pass the password policy (12+ characters, not a common one).')
    .requiredOption('--email <email>', 'their e-mail address (they sign in with it)')
    .option('--password <password>', 'their password (visible to other users of this machine in the process list; prefer --password-stdin)')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .option('--name <name>', 'the name shown in the app (default: the part of the e-mail before @)')
    .action(async (opts: { email: string; password?: string; passwordStdin?: boolean; name?: string }) => {
      if (Boolean(opts.password) === Boolean(opts.passwordStdin)) {
        throw validation('Give the password with --password P or --password-stdin (one of them).');
      }
      const password = opts.password ?? (await firstLineOfStdin());
      if (!password) throw validation('Standard input was empty; pipe the password in, e.g. `printf %s "$PASS" | guildhall admin create --email E --password-stdin`.');
      return withApp(async (ctx) => {
        const user = await createAdministrator(ctx, cliActor(), { email: opts.email, password, name: opts.name });
        if (io.json()) return io.out(JSON.stringify({ id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin }));
        io.out(`Created administrator ${user.email} (id ${user.id}). Sign in at ${ctx.config.publicUrl}/login`);
      });
    });

  const apikey = program.command('apikey').description('API keys for integrations (sent as "Authorization: Bearer <key>").');
  apikey
    .command('create')
    .description('Create an API key bound to an access group. The key is printed once, as the last line.')
    .requiredOption('--name <name>', 'who or what uses the key, e.g. "accounting export"')
    .requiredOption('--group <group>', 'the access group, by name or id, e.g. Administrators')
    .action((opts: { name: string; group: string }) =>
      withApp(async (ctx) => {
        const group = await findGroupByIdOrName(ctx, opts.group);
        if (!group) throw validation(`No access group is named or has the id "${opts.group}". Groups: ${await groupNames(ctx)}.`);
        const key = await createApiKey(ctx, { actor: cliActor(), grantor: FULL_ACCESS }, { name: opts.name, groupId: group.id });
        if (io.json()) return io.out(JSON.stringify({ id: key.id, name: key.name, prefix: key.prefix, groupId: key.groupId, group: group.name, key: key.key }));
        io.out(`Created API key "${key.name}" (id ${key.id}) with the access of the group "${group.name}".`);
        io.out('The key is shown only now; store it somewhere safe:');
        io.out(key.key);
      }),
    );
};

const groupNames = async (ctx: AppContext) =>
  (await listGroups(ctx.db, { offset: 0, limit: 50, sort: { column: 'name', direction: 'asc' } })).items.map((g) => `"${g.name}"`).join(', ') || 'none yet';

/** On `serve` with nobody able to sign in yet: print a one-time link to create the first administrator. */
export const setupLinkHook: ServeHook = async (ctx, io) => {
  const setup = await ensureSetupToken(ctx);
  if (!setup) return;
  io.err(`No administrator yet. Create the first one at: ${setup.link}`);
  io.err('  (the link works once, for 24 hours; or run: guildhall admin create --email E --password P)');
};

/** The first line of standard input, without its line ending. */
const firstLineOfStdin = async (): Promise<string> => {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
};
