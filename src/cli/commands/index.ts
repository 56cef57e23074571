import type { Command } from 'commander';
import type { CliIo } from '../cli.ts';
import { registerServe } from './serve.ts';
import { registerMigrate } from './migrate.ts';
import { registerSettings } from './settings.ts';
import { registerAudit } from './audit.ts';
import { registerBackup } from './backup.ts';
import { registerJobs } from './jobs.ts';
import { registerAdminCommands } from './admin.ts';
import { registerDemo } from './demo.ts';
import { registerContacts } from './contacts.ts';
import { registerBilling } from './billing.ts';
import { registerDocuments } from './documents.ts';
import { registerLedger } from './ledger.ts';

/** Every command, in help order. Add a line when a module gains a command. */
export const commandModules: Array<(program: Command, io: CliIo) => void> = [registerServe, registerMigrate, registerJobs, registerSettings, registerAudit, registerBackup, registerAdminCommands, registerContacts, registerBilling, registerDocuments, registerLedger, registerDemo];
