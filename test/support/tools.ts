import { spawnSync } from 'node:child_process';
import { test, type TestContext, type TestOptions } from 'node:test';

/**
 * Some tests read what we produce with Debian's own tools (pdftotext, pdfinfo, pdffonts and unzip
 * from poppler-utils and unzip; hledger). `npm test` on a machine without them skips those tests and
 * says why; under CI (which installs them, see .ci/run) they always run, so nothing is skipped silently.
 */
const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

type Fn = (t: TestContext) => void | Promise<void>;

interface NeedingTest {
  (name: string, fn: Fn): Promise<void>;
  (name: string, opts: TestOptions, fn: Fn): Promise<void>;
}

/** node:test's `test`, skipped with a reason when one of `tools` is missing (outside CI). */
export const testNeeding = (tools: readonly string[]): NeedingTest => {
  const missing = tools.filter((t) => !has(t));
  const reason = missing.length && !process.env.CI ? `needs ${missing.join(', ')} (apt-get install poppler-utils unzip hledger)` : false;
  return ((name: string, a: TestOptions | Fn, b?: Fn) => {
    const fn = (typeof a === 'function' ? a : b) as Fn;
    const opts: TestOptions = typeof a === 'function' ? {} : a;
    return test(name, { ...opts, skip: opts.skip || reason }, fn);
  }) as NeedingTest;
};
