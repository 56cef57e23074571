import type { Command } from 'commander';
import type { CliIo } from '../cli.ts';
import { registerServe } from './serve.ts';
import { registerMigrate } from './migrate.ts';

/** Every command, in help order. Add a line when a module gains a command. */
export const commandModules: Array<(program: Command, io: CliIo) => void> = [registerServe, registerMigrate];
