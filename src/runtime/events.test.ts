import { describe, expect, it } from 'vitest';
import { alreadyExists, failure, success } from '../vocabulary/outcome.ts';
import { Chat, makeBot } from '../engine/test-bots.ts';
import { draftsOf } from './events.ts';

const ticketBot = makeBot({
  ticket: {
    type: 'helpdesk.ticket',
    subject: 'Help',
    save: { number: 'ticket_number' },
    ports: { success: 'done', failure: 'sorry' },
  },
  done: { type: 'end', text: 'Ticket %ticket_number%' },
  sorry: { type: 'end', text: 'Sorry' },
});

const leadBot = makeBot({
  lead: { type: 'crm.lead', ports: { success: 'done', failure: 'done', already_exists: 'done' } },
  done: { type: 'end', text: 'Done' },
});

describe('the events of an integration outcome', () => {
  it('tell the page about a created ticket with its id and number, before the message that quotes it', () => {
    const chat = new Chat(ticketBot);
    const drafts = draftsOf(chat.settle(success({ id: 'T-1', number: '1042', internal: 'x' })), 'working');
    expect(drafts).toEqual([
      { type: 'record', event: 'ticket.created', data: { id: 'T-1', number: '1042' } },
      { type: 'message', message: { text: 'Ticket 1042' } },
      { type: 'status', status: 'ended', reason: null },
    ]);
  });

  it('say nothing of a lead that already existed, or of a failure and its message', () => {
    expect(draftsOf(new Chat(leadBot).settle(alreadyExists('L-9')), 'working').map((d) => d.type)).toEqual(['message', 'status']);
    const failed = draftsOf(new Chat(leadBot).settle(failure('CRM said: internal detail')), 'working');
    expect(failed.map((d) => d.type)).toEqual(['message', 'status']);
    expect(JSON.stringify(failed)).not.toContain('internal detail');
  });

  it('announce a new lead with its id only', () => {
    expect(draftsOf(new Chat(leadBot).settle(success({ id: 'L-1' })), 'working')[0]).toEqual({
      type: 'record',
      event: 'lead.created',
      data: { id: 'L-1' },
    });
  });
});
