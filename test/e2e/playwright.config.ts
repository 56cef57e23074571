import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

const PORT = 8181;
// A fresh data directory per run. Set here (not in the start script) so the tests can seed states
// the UI cannot produce on demand, such as a failed job; worker processes inherit the variable.
process.env.E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'guildhall-e2e-'));

/**
 * Browser tests against a real server (fresh SQLite data directory, one administrator) in Debian's
 * Chromium. Browsers are never downloaded: PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 and /usr/bin/chromium.
 * Run with `npm run test:e2e` (builds the web app first).
 */
export default defineConfig({
  testDir: '.',
  outputDir: '../../test-results/e2e',
  fullyParallel: false,
  // One server and one database: tests run in order so what one changes the next can rely on.
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list']],
  use: {
    ...devices['Desktop Chrome'],
    baseURL: `http://localhost:${PORT}`,
    viewport: { width: 1360, height: 860 },
    locale: 'en-GB',
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  // The member registry's flows start from an empty registry; billing seeds members, so it runs after them.
  projects: [
    { name: 'registry', testIgnore: /(billing|payments|documents)\.spec\.ts/ },
    { name: 'billing', testMatch: /(billing|payments|documents)\.spec\.ts/, dependencies: ['registry'] },
  ],
  webServer: {
    command: 'sh test/e2e/start-server.sh',
    cwd: '../..',
    url: `http://localhost:${PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { E2E_PORT: String(PORT), E2E_DATA_DIR: process.env.E2E_DATA_DIR },
  },
});
