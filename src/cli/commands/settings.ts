import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { AppContext } from '../../app.ts';
import { AppError } from '../../kernel/app-error.ts';
import { cliActor } from '../../modules/audit/index.ts';
import { findDefinition, getSettingItem, listSettings, updateSetting, type SettingItem } from '../../modules/settings/index.ts';
import { withApp, type CliIo } from '../cli.ts';

const show = (item: SettingItem): string => {
  const v = item.value;
  if (v === null || v === '') return '(not set)';
  if (item.type === 'image' && typeof v === 'string') return `(${v.slice(5, v.indexOf(';'))} image, ${Math.ceil((v.length * 3) / 4 / 1024)} KB)`;
  return String(v);
};

const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.svg': 'image/svg+xml' };

/** `@logo.png` reads an image file for an image setting; everything else is the value as typed. */
const rawValue = (key: string, value: string): string => {
  if (findDefinition(key)?.type !== 'image' || !value.startsWith('@')) return value;
  const file = value.slice(1);
  const type = IMAGE_TYPES[path.extname(file).toLowerCase()];
  if (!type) throw new AppError('validation', `${file}: the logo must be a .png, .jpg or .svg file.`);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new AppError('validation', `Cannot read ${file}: ${(e as Error).message}`);
  }
  return `data:${type};base64,${bytes.toString('base64')}`;
};

const runtimeOf = (ctx: AppContext) => ({ sessionIdleMinutes: ctx.config.sessionIdleMinutes });

export const registerSettings = (program: Command, io: CliIo) => {
  const settings = program.command('settings').description('Organization, system, G/L and general settings ("sysinfo").');

  settings
    .command('list')
    .description('List every setting and its value.')
    .action(() =>
      withApp(async (ctx) => {
        const items = await listSettings(ctx.db, runtimeOf(ctx));
        if (io.json()) return io.out(JSON.stringify({ items }));
        const width = Math.max(...items.map((i) => i.key.length));
        for (const i of items) io.out(`${i.key.padEnd(width)}  ${show(i).split('\n').join(' / ')}${i.readOnly ? '  (read-only)' : ''}`);
      }),
    );

  settings
    .command('get')
    .description('Print one setting.')
    .argument('<key>', 'e.g. organization.name')
    .action((key: string) =>
      withApp(async (ctx) => {
        const item = await getSettingItem(ctx.db, key, runtimeOf(ctx));
        io.out(io.json() ? JSON.stringify(item) : item.value === null ? '' : String(item.value));
      }),
    );

  settings
    .command('set')
    .description('Change one setting (validated by its type, recorded in the audit trail). For the logo, give @FILE.')
    .argument('<key>', 'e.g. general.invoice_due_days')
    .argument('<value>', 'the new value as text, e.g. 30, true, 51001-1006')
    .action((key: string, value: string) =>
      withApp(async (ctx) => {
        const item = await updateSetting({ db: ctx.db, clock: ctx.clock, runtime: runtimeOf(ctx) }, cliActor(), key, rawValue(key, value));
        io.out(io.json() ? JSON.stringify(item) : `${item.key} = ${show(item)}`);
      }),
    );

  settings
    .command('reset')
    .description('Put one setting back to its default (recorded in the audit trail).')
    .argument('<key>')
    .action((key: string) =>
      withApp(async (ctx) => {
        const item = await updateSetting({ db: ctx.db, clock: ctx.clock, runtime: runtimeOf(ctx) }, cliActor(), key, null);
        io.out(io.json() ? JSON.stringify(item) : `${item.key} = ${show(item)} (default)`);
      }),
    );
};
