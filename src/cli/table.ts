import Table from 'cli-table3';

/** A borderless table for the terminal; cli-table3 measures Japanese text by its display width. */
export function table(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  const t = new Table({
    head: [...head],
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    wordWrap: false,
  });
  for (const row of rows) t.push(row.map((c) => (c === null ? '' : String(c))));
  return t
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}
