import { pino, stdSerializers, type DestinationStream, type Level, type Logger } from 'pino';
import { scrubText, scrubUrl, scrubValue } from './redact.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = Level | 'silent';

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** Where the JSON lines go; stdout by default. */
  readonly destination?: DestinationStream;
}

interface LoggedRequest {
  readonly method?: string;
  readonly url?: string;
  readonly routeOptions?: { readonly url?: string };
}

/** Keys whose serializers below do their own scrubbing (and need the original object). */
const SERIALIZED = new Set(['req', 'res', 'err']);

function scrubLogObject(object: Record<string, unknown>): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) (SERIALIZED.has(key) ? kept : rest)[key] = value;
  return { ...(scrubValue(rest) as Record<string, unknown>), ...kept };
}

/**
 * The server's pino logger: one JSON object per line, and nothing in it that identifies a
 * visitor or opens anything — no IP address, no header, no token, no email or phone number.
 * Scrubbing happens on every logged object (formatters.log), on the message (`msg` serializer)
 * and on errors, so a log call elsewhere cannot leak by accident.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      formatters: { log: scrubLogObject },
      serializers: {
        msg: (msg: unknown) => (typeof msg === 'string' ? scrubText(msg) : msg),
        req: (req: LoggedRequest) => ({ method: req.method, url: scrubUrl(req.url ?? ''), route: req.routeOptions?.url }),
        res: (res: { readonly statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: (err: Error) => scrubValue(stdSerializers.err(err)),
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
