import { failure, integrationInvalid, unknownOutcome, type Outcome } from '../../vocabulary/outcome.ts';
import type { IntegrationHooks } from '../provider.ts';
import { IntegrationInvalidError, UnknownOutcomeError, ServiceRefusedError, ServiceUnavailableError } from './errors.ts';

/**
 * Runs one connector call and turns the ways a call to a service can fail into outcomes. Credentials
 * refused for good also mark the integration invalid, so an admin sees it; a failure to record
 * that must not hide the outcome from the bot.
 */
export async function outcomeOf(hooks: IntegrationHooks, run: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof IntegrationInvalidError) {
      await hooks.markInvalid(err.message).catch(() => undefined);
      return integrationInvalid(err.message);
    }
    if (err instanceof UnknownOutcomeError) {
      return unknownOutcome(`${err.message}; whether the record was created could not be checked yet`);
    }
    if (err instanceof ServiceUnavailableError) return failure(err.message, true);
    if (err instanceof ServiceRefusedError) return failure(err.message, false);
    throw err;
  }
}
