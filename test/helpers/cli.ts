import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import type { Clock } from '../../src/connectors/remote/clock.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/renkei.js');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRunOptions {
  /** What is piped to stdin (then it ends). */
  readonly input?: string;
  /** Extra environment (RENKEI_*, DATABASE_URL); PATH and HOME are passed through. */
  readonly env?: Record<string, string>;
  /** What service calls measure deadlines and retry waits by (a steppedClock: an unreachable service gives up at once). */
  readonly clock?: Clock;
}

/**
 * Runs the CLI in this process — `main()` of src/cli/main.ts, what bin/renkei.js runs — with piped
 * stdin, the given environment and its output captured: what a command prints and its exit code,
 * without a Node process to start (about 1 CPU s each). Relative paths are from the repository's
 * root, as for `renkeiProcess`. Whatever the CLI writes around its streams (console, the process's
 * own stdout and stderr) is captured into its output too, so a test that nothing leaks there holds.
 * What only a process has — it exits by itself, signals, the binary's start — is renkeiProcess's.
 */
export async function renkei(args: readonly string[], opts: CliRunOptions = {}): Promise<CliRun> {
  const { main } = await import('../../src/cli/main.ts');
  const output = { stdout: '', stderr: '' };
  const sink = (key: keyof typeof output): Writable =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        output[key] += chunk.toString();
        done();
      },
    });
  const stdout = sink('stdout');
  const stderr = sink('stderr');
  const stdin = Readable.from(opts.input === undefined || opts.input === '' ? [] : [Buffer.from(opts.input)]);
  const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...opts.env };
  const restore = divert(stdout, stderr);
  try {
    const code = await main(args, { stdin, stdout, stderr, env, ...(opts.clock ? { clock: opts.clock } : {}) });
    return { code, ...output };
  } finally {
    restore();
  }
}

/** Sends console output and direct writes to the process's stdout/stderr into the run's streams, until restored. */
function divert(stdout: Writable, stderr: Writable): () => void {
  const saved = {
    log: console.log,
    info: console.info,
    warn: console.warn,
    error: console.error,
    out: process.stdout.write,
    err: process.stderr.write,
  };
  const line =
    (to: Writable) =>
    (...parts: unknown[]): void => {
      to.write(parts.map((p) => (typeof p === 'string' ? p : inspect(p))).join(' ') + '\n');
    };
  console.log = console.info = line(stdout);
  console.warn = console.error = line(stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => stdout.write(chunk)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => stderr.write(chunk)) as typeof process.stderr.write;
  return () => {
    Object.assign(console, { log: saved.log, info: saved.info, warn: saved.warn, error: saved.error });
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
  };
}

/**
 * `npm run test:unit` starts no `renkei` process (vitest.unit.config.ts sets RENKEI_TEST_NO_PROCESS):
 * a test of what only a process shows lives in a file named *.process.test.ts (docs/contributing.md, "Tests").
 */
export function assertProcessAllowed(what: string): void {
  if (process.env['RENKEI_TEST_NO_PROCESS'] === '1') {
    throw new Error(
      `this test starts ${what} as a process, which \`npm run test:unit\` runs without: run the CLI in-process with renkei() ` +
        '(test/helpers/cli.ts), or put the test in a file named *.process.test.ts (docs/contributing.md, "Tests")',
    );
  }
}

/** Runs the real `renkei` binary in a child process, as a person or a script would. */
export function renkeiProcess(args: readonly string[], opts: CliRunOptions = {}): Promise<CliRun> {
  assertProcessAllowed('`renkei`');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** Parses `chat --json` output: one JSON event per line. */
export const events = (stdout: string): Array<Record<string, unknown>> =>
  stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** A fresh directory for a test's database; removed by the returned cleanup. */
export function tempDir(): { dir: string; db: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'renkei-test-'));
  return { dir, db: join(dir, 'renkei.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RunningRenkei {
  readonly child: ChildProcess;
  /** Everything written so far. */
  readonly output: { stdout: string; stderr: string };
  /** Waits until stdout matches `pattern`; returns the match. Fails if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  readonly exited: Promise<number | NodeJS.Signals>;
}

/** Starts the real `renkei` binary and leaves it running (a server); the caller stops it. */
export function spawnRenkei(args: readonly string[], opts: { env?: Record<string, string>; cwd?: string } = {}): RunningRenkei {
  assertProcessAllowed('`renkei`');
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (output.stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (output.stderr += d));
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    output,
    exited,
    async waitFor(pattern, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const match = output.stdout.match(pattern);
        if (match) return match;
        if (done || Date.now() > until) {
          throw new Error(`renkei ${done ? 'exited' : 'did not print'} ${pattern} (stdout: ${output.stdout}; stderr: ${output.stderr})`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}
