import { MAX_DAYS, parseDays, type RetentionKind, type RetentionPolicy } from '../store/retention.ts';
import { ConfigError } from './config.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The variables that fix a retention period for a headless installation (the admin then cannot change it). */
export const RETENTION_ENV: { readonly [K in RetentionKind]: string } = {
  conversations: 'RENKEI_RETENTION_CONVERSATIONS_DAYS',
  records: 'RENKEI_RETENTION_RECORDS_DAYS',
  idle: 'RENKEI_RETENTION_IDLE_DAYS',
};

/** The periods the environment fixes; an unset or empty variable fixes nothing. A bad value is a ConfigError naming it. */
export function retentionFromEnv(env: Env): Partial<RetentionPolicy> {
  const fixed: Partial<Record<RetentionKind, number | null>> = {};
  for (const [kind, name] of Object.entries(RETENTION_ENV) as [RetentionKind, string][]) {
    const text = env[name]?.trim();
    if (text === undefined || text === '') continue;
    const days = parseDays(text);
    if (days === undefined) throw new ConfigError(`${name} must be a whole number of days from 1 to ${MAX_DAYS}, or "keep", got "${text}"`);
    fixed[kind] = days;
  }
  return fixed;
}
