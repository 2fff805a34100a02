import { UnknownOutcomeError, ServiceUnavailableError } from './errors.ts';

/** How many times a create whose answer keeps getting lost is looked up and tried again. */
const MAX_UNKNOWN_ROUNDS = 3;

/**
 * Creates a record without ever blindly repeating a create whose outcome is unknown: after a lost
 * answer (or when an earlier attempt of the effect lost one: `lookFirst`), the record is looked up
 * first, and only created again when the lookup proves the earlier create did not take effect.
 * Once an answer was lost, giving up for any reason stays an unknown outcome, so the next attempt
 * of the effect looks first too.
 */
export async function createOnce<T>(
  steps: { readonly create: () => Promise<T>; readonly findOwn: () => Promise<T | undefined> },
  lookFirst: boolean,
): Promise<T> {
  let lost: string | undefined = lookFirst ? 'an earlier attempt lost its answer' : undefined;
  try {
    for (let round = 0; round <= MAX_UNKNOWN_ROUNDS; round += 1) {
      if (lost !== undefined) {
        const found = await steps.findOwn();
        if (found !== undefined) return found;
      }
      if (round === MAX_UNKNOWN_ROUNDS) break;
      try {
        return await steps.create();
      } catch (err) {
        if (!(err instanceof UnknownOutcomeError)) throw err;
        lost = err.message;
      }
    }
    throw new UnknownOutcomeError(`${lost ?? 'the create'}; it kept losing its answer`);
  } catch (err) {
    if (lost !== undefined && err instanceof ServiceUnavailableError) {
      throw new UnknownOutcomeError(`${lost}; then: ${err.message}`);
    }
    throw err;
  }
}
