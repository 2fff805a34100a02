import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { assertProcessAllowed, ROOT, tempDir } from './cli.ts';

export interface ServeOptions {
  /** Extra environment (RENKEI_*); PATH and HOME are passed through. */
  readonly env?: Readonly<Record<string, string>>;
  /** Database file or postgres:// URL; default a fresh file in a temp directory (removed on stop). */
  readonly db?: string;
  /** How long to wait for the server to listen (default 30 s). */
  readonly timeoutMs?: number;
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** The admin API's bearer token: the one passed as RENKEI_ADMIN_TOKEN, generated here unless `env` names one. */
  readonly adminToken: string;
  /** The database the server runs on (pass it to a second `serve` to restart on the same data). */
  readonly db: string;
  /** The server's process id (to place it in a cgroup, to read its CPU time). */
  readonly pid: number;
  /** Everything the server wrote so far (stdout then stderr), for failure messages. */
  output(): string;
  /** SIGTERM, then waits for the process to exit (SIGKILL after 10 s); removes the temp database. */
  stop(): Promise<void>;
  /** A crash: SIGKILL, then waits for the process to exit. The database stays (even a temp one) for a restart. */
  kill(): Promise<void>;
}

const BIN = join(ROOT, 'bin/renkei.js');
const URL_LINE = /https?:\/\/127\.0\.0\.1:(\d+)/;

/**
 * Starts the real `renkei serve` in a child process on 127.0.0.1 with a free port (`--port 0`),
 * and resolves once it prints its URL and answers `/readyz`.
 */
export async function serve(options: ServeOptions = {}): Promise<RunningServer> {
  assertProcessAllowed('`renkei serve`');
  const temp = options.db === undefined ? tempDir() : undefined;
  const db = options.db ?? temp!.db;
  const adminToken = options.env?.['RENKEI_ADMIN_TOKEN'] ?? randomBytes(24).toString('hex');
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', db], {
    cwd: ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      RENKEI_LOG_LEVEL: 'warn',
      ...options.env,
      RENKEI_ADMIN_TOKEN: adminToken,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const output = (): string => `${stdout}${stderr === '' ? '' : `\n--- stderr ---\n${stderr}`}`;
  const exited = once(child, 'exit');

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await terminate(child, exited);
      temp?.cleanup();
    })());

  try {
    const url = await listeningUrl(child, () => stdout + stderr, options.timeoutMs ?? 30_000);
    await ready(url, child, options.timeoutMs ?? 30_000);
    const kill = async (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    };
    return { url, adminToken, db, pid: child.pid!, output, stop, kill };
  } catch (error) {
    await stop();
    throw new Error(`renkei serve did not start: ${(error as Error).message}\n${output()}`, { cause: error });
  }
}

function listeningUrl(child: ChildProcess, text: () => string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const match = URL_LINE.exec(text());
      if (match && match[1] !== '0') {
        done();
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    };
    const onExit = (code: number | null, signal: string | null): void => {
      done();
      reject(new Error(`it exited (${signal ?? `code ${code}`}) before printing its URL`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no URL printed within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      child.stdout!.off('data', check);
      child.stderr!.off('data', check);
      child.off('exit', onExit);
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.on('exit', onExit);
    check();
  });
}

async function ready(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('it exited before it was ready');
    const status = await fetch(`${url}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`/readyz did not answer 200 within ${timeoutMs} ms (last: ${status})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function terminate(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
