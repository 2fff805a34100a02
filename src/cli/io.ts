import type { Readable, Writable } from 'node:stream';
import type { Clock } from '../connectors/remote/clock.ts';

/** Where a command reads and writes, so tests can run the CLI in-process. */
export interface CliIO {
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * What the commands' service calls measure deadlines and wait between retries by (default: the
   * system's clock). Tests pass one that moves only when waited on.
   */
  readonly clock?: Clock;
}

export const processIO = (): CliIO => ({
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/**
 * The text with its control characters but tab and newline written as `\x1B`-style escapes: what
 * the CLI prints comes from visitors and services too, and `ESC ] … BEL` or a CSI sequence written
 * raw would retitle the terminal, move its cursor or hide what came before.
 */
export const escapeControls = (text: string): string => text.replace(CONTROLS, (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);

/** Writes one line, control characters escaped. */
export const writeLine = (out: Writable, line: string): void => {
  out.write(escapeControls(line) + '\n');
};
