/**
 * What a connector call came to. The names double as the outcome ports of the integration blocks:
 * the engine takes the port of the same name when the block wires it, and `failure` otherwise.
 */
export const OUTCOMES = ['success', 'failure', 'integration_invalid', 'already_exists', 'department_invalid', 'assignee_invalid'] as const;
export type OutcomeName = (typeof OUTCOMES)[number];

export type Outputs = Readonly<Record<string, string>>;

export type Outcome =
  /** `message`: what the admin should know of a record made anyway (extra fields the service lacks, left out). */
  | { readonly outcome: 'success'; readonly outputs: Outputs; readonly message?: string }
  /** The record was already there; `outputs.id` is the existing record's id. */
  | { readonly outcome: 'already_exists'; readonly outputs: Outputs; readonly message?: string }
  | { readonly outcome: 'integration_invalid'; readonly message: string }
  | { readonly outcome: 'department_invalid'; readonly message: string }
  | { readonly outcome: 'assignee_invalid'; readonly message: string }
  | {
      readonly outcome: 'failure';
      readonly message: string;
      readonly retryable: boolean;
      /**
       * A create was sent but its answer was lost, and the connector could not yet find out whether
       * it took effect. The next attempt must pass `retryOfUnknown` so the connector looks first.
       */
      readonly unknownOutcome?: boolean;
    };

export const success = (outputs: Outputs, message?: string): Outcome => ({ outcome: 'success', outputs, ...(message ? { message } : {}) });
export const alreadyExists = (id: string, message?: string): Outcome => ({
  outcome: 'already_exists',
  outputs: { id },
  ...(message ? { message } : {}),
});
export const failure = (message: string, retryable = false): Outcome => ({ outcome: 'failure', message, retryable });
export const unknownOutcome = (message: string): Outcome => ({
  outcome: 'failure',
  message,
  retryable: true,
  unknownOutcome: true,
});
export const integrationInvalid = (message: string): Outcome => ({ outcome: 'integration_invalid', message });
export const departmentInvalid = (message: string): Outcome => ({ outcome: 'department_invalid', message });
export const assigneeInvalid = (message: string): Outcome => ({ outcome: 'assignee_invalid', message });
