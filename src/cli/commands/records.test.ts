import { describe, expect, it } from 'vitest';
import type { TicketRecord } from '../../store/record-schemas.ts';
import { render } from './records.ts';

const ticket: TicketRecord = {
  id: 'tk-1',
  createdAt: '2026-12-01T09:30:00.000Z',
  botId: 'desk',
  number: 7,
  subject: 'Printer',
  description: null,
  status: 'Open',
  priority: 'High',
  classification: 'Problem',
  department: 'Support',
  assignee: null,
  contact: { name: 'Yui', email: 'yui@example.com', phone: null },
};

describe('renkei records as a table', () => {
  it("shows the columns the admin's records list shows, short headers, the contact's email and the id", () => {
    const [head, row] = render('tickets', [ticket]).split('\n');
    expect(head!.split(/\s{2,}/)).toEqual(['number', 'subject', 'status', 'priority', 'classification', 'department', 'assignee', 'contact', 'created', 'id']);
    expect(row).toMatch(/^7\s+Printer\s+Open\s+High\s+Problem\s+Support\s+yui@example\.com\s+2026-12-01 09:30:00\s+tk-1$/);
  });
});
