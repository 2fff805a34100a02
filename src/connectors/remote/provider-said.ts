/**
 * What a provider's answer may contribute to a message the admin reads (an integration's status,
 * a check's result, a record's error): its error code and its error message, bounded — never an
 * arbitrary body. A server that is not the provider (a wrong base URL, a proxy's error page) can
 * then neither fill the admin's screen nor smuggle markup or terminal sequences into it.
 */

/** Longest message kept; longer ones are cut with an ellipsis. */
export const MAX_MESSAGE_LENGTH = 300;

/** Error codes are short tokens (`INVALID_DATA`, `1007`, `invalid_code`, `Access Denied`). */
const CODE = /^[A-Za-z0-9][A-Za-z0-9_.:\- ]{0,63}$/;

/** A provider's error code, or undefined when the value does not look like one. */
export function errorCode(value: unknown): string | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  return CODE.test(trimmed) ? trimmed : undefined;
}

/**
 * A provider's error message: control characters dropped, white space collapsed, cut to
 * MAX_MESSAGE_LENGTH. Undefined for anything but a non-empty string.
 */
export function errorMessage(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // C0 and C1 controls (ESC sequences, bells, carriage returns), then runs of white space.
  // eslint-disable-next-line no-control-regex
  const clean = value
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (clean === '') return undefined;
  return clean.length > MAX_MESSAGE_LENGTH ? `${clean.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : clean;
}
