import type { Readable, Writable } from 'node:stream';

/** Where a command reads and writes, so tests can run the CLI in-process. */
export interface CliIO {
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const processIO = (): CliIO => ({
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});

export const writeLine = (out: Writable, line: string): void => {
  out.write(line + '\n');
};
