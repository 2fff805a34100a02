import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

/** One POST each connection sends again and again: its own conversation, so its replies never race another's. */
export interface ConnectionRequest {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface Load {
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  /** Responses that were not 2xx, and connection errors/timeouts: a valid run has none. */
  readonly non2xx: number;
  readonly errors: number;
  /**
   * The server's CPU time per request, in microseconds: unlike requests per second, it hardly
   * moves when other processes share the machine.
   */
  readonly cpuUsPerRequest: number;
}

/**
 * Drives `server` with `connections` connections for `seconds`, each connection sending the
 * request `requestFor(i)` (i: the connection's number) one at a time.
 */
export async function load(server: Child, connections: number, seconds: number, requestFor: (connection: number) => ConnectionRequest): Promise<Load> {
  let next = 0;
  const cpuBefore = server.cpuSeconds();
  const result = await autocannon({
    url: server.url,
    connections,
    duration: seconds,
    setupClient: (client) => {
      const { path, headers, body } = requestFor(next++ % connections);
      // setRequests, not setRequest: the latter changes only the next request, then the client
      // falls back to the default (GET /).
      client.setRequests([{ method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body }]);
    },
  });
  return {
    perSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    cpuUsPerRequest: Math.round(((server.cpuSeconds() - cpuBefore) * 1e6) / Math.max(1, result.requests.total)),
  };
}

/** Fails loudly on a run that got anything but 2xx: its figures would measure error handling. */
export function assertClean(what: string, run: Load): void {
  if (run.non2xx > 0 || run.errors > 0) {
    throw new Error(`${what}: ${run.non2xx} non-2xx responses and ${run.errors} errors in ${run.requests} requests`);
  }
}

export interface Child {
  readonly url: string;
  /** CPU time (user + system, every thread) the process has used so far, in seconds. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** Linux's USER_HZ: /proc/PID/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system, every thread) process `pid` has used so far, in seconds; 0 once it is gone. */
export function cpuSecondsOf(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * Runs `node SCRIPT ARGS…` with `env` added to this process's environment, and resolves with the
 * first http://127.0.0.1:PORT it prints.
 */
export async function startChild(script: string, args: readonly string[], env: Readonly<Record<string, string>> = {}, timeoutMs = 30_000): Promise<Child> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const exited = once(child, 'exit');
  let out = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} printed no URL within ${timeoutMs} ms: ${out}`)), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    void exited.then(([code]) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${String(code)}) before printing its URL: ${out}`));
    });
  });
  return {
    url,
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
