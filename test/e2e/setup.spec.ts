import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { passwordField, screenshot } from './helpers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PORT = 8182;

let server: ChildProcess | undefined;
let dataDir = '';
let setupLink = '';

// A second, empty installation: its first start prints the one-time setup link.
test.beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guildhall-e2e-setup-'));
  const env: NodeJS.ProcessEnv = { ...process.env, GUILDHALL_DATA_DIR: dataDir, PORT: String(PORT), PUBLIC_URL: `http://localhost:${PORT}` };
  delete env.DATABASE_URL;
  server = spawn(process.execPath, ['src/cli/main.ts', 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  setupLink = await new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`No setup link within 30 s. Server said:\n${err}`)), 30_000);
    server!.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /(http:\/\/\S+\/setup\?token=\S+)/.exec(err);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server!.on('exit', (code) => reject(new Error(`The server stopped (${code}):\n${err}`)));
  });
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test('the setup link creates the first administrator and signs them in', async ({ page }) => {
  await page.goto(setupLink);
  await expect(page.getByRole('heading', { name: 'Set up Guildhall' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Your name' }).fill('Siri Setup');
  await page.getByRole('textbox', { name: 'E-mail' }).fill('siri@example.org');
  await passwordField(page, 'Password').fill('Mossy granite steps at dawn 8');
  await passwordField(page, 'Repeat the password').fill('Mossy granite steps at dawn 8');
  await screenshot(page, 'setup');
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Welcome, Siri');

  // The link works once.
  await page.goto(setupLink);
  await expect(page.getByText('Guildhall is already set up')).toBeVisible();
});
