import { describe, expect, it } from 'vitest';
import type { TeamAvailability } from '../blocks/block.ts';
import { advance } from './advance.ts';
import { makeBot } from './test-bots.ts';

const OPEN: TeamAvailability = { agentsOnline: true, withinBusinessHours: true };
const NOBODY: TeamAvailability = { agentsOnline: false, withinBusinessHours: true };
const CLOSED: TeamAvailability = { agentsOnline: true, withinBusinessHours: false };

const wired = makeBot({
  human: { type: 'handoff', reason: 'asked', text: 'Connecting you…', timeout: 30, no_agent: 'sorry' },
  sorry: { type: 'message', text: 'Nobody is here; we will open a ticket.', next: 'bye' },
  bye: { type: 'end' },
});
const unwired = makeBot({ human: { type: 'handoff', reason: 'asked', text: 'Connecting you…' } });

describe('handoff with no_agent', () => {
  it('hands off when an agent is online within business hours', () => {
    const result = advance(wired, null, { type: 'start', conversationId: 'c' }, OPEN);
    expect(result.state).toMatchObject({ status: 'handoff', reason: 'asked' });
    expect(result.messages.map((m) => m.text)).toEqual(['Connecting you…']);
  });

  it.each([
    ['no agent is online', NOBODY],
    ['the team is outside its business hours', CLOSED],
  ])('takes no_agent when %s, without the hand-off text', (_why, team) => {
    const result = advance(wired, null, { type: 'start', conversationId: 'c' }, team);
    expect(result.path).toEqual(['human', 'sorry', 'bye']);
    expect(result.messages.map((m) => m.text)).toEqual(['Nobody is here; we will open a ticket.']);
    expect(result.state.status).toBe('ended');
  });

  it('waits marked handoff as before when no_agent is not wired, whoever is online', () => {
    const result = advance(unwired, null, { type: 'start', conversationId: 'c' }, NOBODY);
    expect(result.state).toMatchObject({ status: 'handoff', reason: 'asked' });
  });

  it('waits marked handoff when the caller knows nothing of the team (the CLI)', () => {
    expect(advance(wired, null, { type: 'start', conversationId: 'c' }).state.status).toBe('handoff');
  });

  it('lists no_agent as an edge and refuses a timeout that is not whole seconds', () => {
    expect(() => makeBot({ h: { type: 'handoff', reason: 'r', timeout: 1.5, no_agent: 'e' }, e: { type: 'end' } })).toThrow(/whole number/);
    expect(() => makeBot({ h: { type: 'handoff', reason: 'r', timeout: 0, no_agent: 'e' }, e: { type: 'end' } })).toThrow(/at least 1/);
  });
});

describe('resume', () => {
  it('carries a handed-off conversation on at the chosen block, its variables kept', () => {
    const bot = makeBot({
      q: { type: 'ask', kind: 'text', prompt: 'Topic?', save: 'topic', next: 'human' },
      human: { type: 'handoff', reason: 'asked' },
      back: { type: 'message', text: 'Back with the bot about %topic%.', next: 'bye' },
      bye: { type: 'end' },
    });
    const started = advance(bot, null, { type: 'start', conversationId: 'c' });
    const handed = advance(bot, started.state, { type: 'reply', text: 'billing', at: '2026-01-01T00:00:00.000Z' });
    expect(handed.state.status).toBe('handoff');
    const resumed = advance(bot, handed.state, { type: 'resume', block: 'back' });
    expect(resumed.error).toBeNull();
    expect(resumed.messages.map((m) => m.text)).toEqual(['Back with the bot about billing.']);
    expect(resumed.state.status).toBe('ended');
  });

  it('refuses to resume a conversation that is not handed off, or at a block the bot lacks', () => {
    const bot = makeBot({ q: { type: 'ask', kind: 'text', prompt: 'Topic?', save: 'topic', next: 'h' }, h: { type: 'handoff', reason: 'r' } });
    const started = advance(bot, null, { type: 'start', conversationId: 'c' });
    expect(advance(bot, started.state, { type: 'resume', block: 'q' }).error?.code).toBe('not_handed_off');
    const handed = advance(bot, started.state, { type: 'reply', text: 'x', at: '2026-01-01T00:00:00.000Z' });
    const wrong = advance(bot, handed.state, { type: 'resume', block: 'nope' });
    expect(wrong.error?.code).toBe('invalid_bot');
    expect(wrong.state).toBe(handed.state);
  });
});

describe('condition within_business_hours', () => {
  const bot = makeBot({
    c: { type: 'condition', rules: [{ when: { op: 'within_business_hours' }, next: 'open' }], else: 'closed' },
    open: { type: 'end', text: 'open' },
    closed: { type: 'end', text: 'closed' },
  });
  it('follows the rule within hours, else; counts as open when the caller cannot tell', () => {
    expect(advance(bot, null, { type: 'start', conversationId: 'c' }, OPEN).messages[0]?.text).toBe('open');
    expect(advance(bot, null, { type: 'start', conversationId: 'c' }, CLOSED).messages[0]?.text).toBe('closed');
    expect(advance(bot, null, { type: 'start', conversationId: 'c' }).messages[0]?.text).toBe('open');
  });
  it('still needs a variable for the other ops', () => {
    expect(() => makeBot({ c: { type: 'condition', rules: [{ when: { op: 'is_set' }, next: 'e' }], else: 'e' }, e: { type: 'end' } })).toThrow(
      /needs a variable/,
    );
  });
});
