import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertProcessAllowed, ROOT } from './helpers/cli.ts';
import { docFences, where } from './helpers/doc-fences.ts';

/**
 * The documentation's runnable shell examples (a `sh` fence after `<!-- runnable -->`) run as a
 * reader pasting them would: bash, a `renkei` on PATH, curl. Each starts `renkei` several times.
 */
const LOCALES = ['en', 'ja'] as const;
const runnable = docFences().filter((f) => f.lang === 'sh' && f.mark === 'runnable');

/** Runs a script with `bash -e -o pipefail`, as a reader pasting it would (plus stopping at the first error). */
function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  assertProcessAllowed('a shell example');
  return new Promise((done, fail) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output }));
  });
}

describe('runnable shell examples', () => {
  const work = mkdtempSync(join(tmpdir(), 'renkei-docs-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('exist in both languages', () => {
    for (const locale of LOCALES) {
      const prefix = locale === 'en' ? /^docs\/[^/]+$/ : /^docs\/ja\//;
      expect(runnable.filter((f) => prefix.test(f.file)).length).toBeGreaterThan(2);
    }
  });

  // Concurrent: each example starts `renkei` several times, and the examples share nothing.
  it.concurrent.each(runnable.map((f, i) => [where(f), f, i] as const))(
    '%s exits 0',
    async (_, fence, i) => {
      // Each example gets a fresh directory holding the examples/ of a checkout, a `renkei` on
      // PATH and its own database, as a reader following the page would have.
      const dir = join(work, String(i));
      cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
      const bin = join(dir, '.bin');
      mkdirSync(bin);
      writeFileSync(join(bin, 'renkei'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin/renkei.js')}" "$@"\n`);
      chmodSync(join(bin, 'renkei'), 0o755);
      const run = await bash(fence.body, dir, {
        PATH: `${bin}:${dirname(process.execPath)}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
        HOME: dir,
        RENKEI_DB: join(dir, 'renkei.db'),
      });
      expect(run.code, `${where(fence)} failed:\n${run.output}`).toBe(0);
    },
    // Generous: the examples start `renkei` several times each, on a machine busy with other tests.
    180_000,
  );
});
