import { Command, CommanderError } from 'commander';
import { defaultIo, reportError } from './cli.ts';
import { commandModules } from './commands/index.ts';

/** `guildhall <command>`: one binary for admins and cron. */
export const buildProgram = () => {
  const program = new Command('guildhall')
    .description('Guildhall: membership, billing and accounts receivable.\nConfiguration comes from the environment; see the README.')
    .option('--json', 'print machine-readable JSON')
    .showHelpAfterError()
    .exitOverride();
  const io = defaultIo(program);
  for (const register of commandModules) register(program, io);
  return { program, io };
};

/** Runs the command line; errors become one line and an exit code (2 for bad input). */
export const run = (argv: string[]): Promise<void> => {
  const { program, io } = buildProgram();
  return program.parseAsync(argv).then(
    () => undefined,
    (e: unknown) => {
      if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
      process.exit(reportError(e, io));
    },
  );
};

if (import.meta.main) await run(process.argv);
