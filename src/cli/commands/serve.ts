import type { Command } from 'commander';
import { ConfigError } from '../../server/config.ts';
import { startServer, type RunningServer } from '../../server/start.ts';
import { CliError } from '../errors.ts';
import { writeLine, type CliIO } from '../io.ts';
import type { CommandContext } from '../program.ts';
import { dbTarget, withDbOption } from '../db-target.ts';

interface ServeOptions {
  db?: string;
  port: string;
  host: string;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new CliError(`--port must be a number from 0 to 65535, got "${text}"`, 2);
  return port;
}

export function registerServe(program: Command, { io }: CommandContext): void {
  withDbOption(
    program
      .command('serve')
      .description(
        'run the server: the visitor API for the chat widget, the admin API, and the integration workers ' +
          '(publishes the example bots into an empty database; stops gracefully on SIGTERM)',
      ),
  )
    .option('--port <port>', 'port to listen on (0: any free port)', '3000')
    .option('--host <host>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .action(async (opts: ServeOptions) => {
      const port = parsePort(opts.port);
      let server: RunningServer;
      try {
        server = await startServer({
          target: dbTarget(opts.db, io.env),
          port,
          host: opts.host,
          env: io.env,
          // Logs go where the banner goes; on a real stdout pino writes to fd 1 itself (faster).
          ...(io.stdout === process.stdout ? {} : { logDestination: io.stdout }),
        });
      } catch (error) {
        if (error instanceof ConfigError) throw new CliError(error.message, 2);
        throw listenError(error, port, opts.host) ?? error;
      }
      printBanner(io, server);
      await stopOnSignal(io, server);
    });
}

/** A port that cannot be had, said with what to do about it. */
function listenError(error: unknown, port: number, host: string): CliError | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') {
    return new CliError(
      `port ${port} on ${host} is already in use (another renkei serve?): stop what uses it, or choose another port with --port, e.g. --port ${port === 65535 ? 3001 : port + 1}`,
    );
  }
  if (code === 'EACCES') return new CliError(`port ${port} on ${host} needs more privileges than this user has: choose a port above 1023 with --port`);
  if (code === 'EADDRNOTAVAIL')
    return new CliError(`${host} is not an address of this machine: choose one with --host (127.0.0.1, or 0.0.0.0 for every interface)`);
  return undefined;
}

function printBanner(io: CliIO, server: RunningServer): void {
  const { url, adminToken } = server;
  const lines = [
    `Renkei is running at ${url}`,
    `  Builder and admin: ${url}/admin/`,
    `  Chat with a bot on a demo page: ${url}/demo`,
    `  API docs: ${url}/docs (OpenAPI: ${url}/openapi.json)`,
  ];
  if (server.publishedExamples.length > 0) lines.push(`  Published the example bots: ${server.publishedExamples.join(', ')}`);
  lines.push(server.bots.length > 0 ? '  Bots:' : '  No bot is published yet: upload one with PUT /api/v1/admin/bots/{id}.');
  for (const bot of server.bots) {
    lines.push(`    ${bot.id} (${bot.name}, version ${bot.publishedVersion}): POST ${url}/api/v1/bots/${bot.id}/conversations`);
  }
  if (adminToken.generated !== null) {
    lines.push('  Admin token (shown this once; it is stored hashed — keep it, or set RENKEI_ADMIN_TOKEN to choose your own):', `    ${adminToken.generated}`);
  } else {
    lines.push(
      adminToken.source === 'env'
        ? '  Admin token: the one in RENKEI_ADMIN_TOKEN'
        : '  Admin token: the one printed when this database was first served (or set RENKEI_ADMIN_TOKEN)',
    );
  }
  for (const line of lines) writeLine(io.stdout, line);
}

/** Resolves once the server has stopped after SIGTERM or SIGINT. */
function stopOnSignal(io: CliIO, server: RunningServer): Promise<void> {
  return new Promise((resolve, reject) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      writeLine(io.stderr, `renkei: ${signal} received, stopping (finishing or releasing running integration calls)`);
      server.stop().then(() => {
        writeLine(io.stderr, 'renkei: stopped');
        resolve();
      }, reject);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
