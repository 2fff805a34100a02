import { stringify } from 'csv-stringify/browser/esm/sync';

/** A cell as text: a ticket's contact is an object. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object')
    return Object.values(value as Record<string, unknown>)
      .filter((v) => v)
      .join(' / ');
  return String(value);
}

/**
 * Records as CSV, one column per name. A cell a spreadsheet would run as a formula (it starts with
 * `=`, `+`, `-`, `@`, a tab or a carriage return, or their full-width forms) is written with a
 * leading `'`, so that a visitor who names themself `=HYPERLINK(…)` cannot make the operator's
 * spreadsheet fetch an address or compute anything (OWASP's "CSV injection").
 */
export function recordsCsv(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  return stringify(
    rows.map((r) => columns.map((c) => cell(r[c]))),
    { header: true, columns: [...columns], escape_formulas: true },
  );
}
