/**
 * A store problem worth one line to a person: the CLI prints `message` as it is, without a stack.
 * `kind` lets callers (the admin API) map it to a status code.
 */
export type StoreErrorKind = 'open' | 'duplicate' | 'not_found' | 'invalid' | 'corrupt';

export class StoreError extends Error {
  readonly kind: StoreErrorKind;

  constructor(kind: StoreErrorKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StoreError';
    this.kind = kind;
  }
}

/** The driver's own words for an error, without its stack. */
export function reasonOf(error: unknown): string {
  // Connecting to `localhost` tries each address, and a refusal of all of them is an
  // AggregateError whose own message is empty: its parts say what happened.
  if (error instanceof AggregateError && error.message === '' && error.errors.length > 0) {
    return [...new Set(error.errors.map(reasonOf))].join('; ');
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
