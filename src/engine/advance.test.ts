import { describe, expect, it } from 'vitest';
import { success } from '../vocabulary/outcome.ts';
import { advance, STEP_LIMIT } from './advance.ts';
import { en } from '../answers/locales/en.ts';
import { ja } from '../answers/locales/ja.ts';
import { ANSWERED_AT, Chat, makeBot } from './test-bots.ts';

describe('start', () => {
  it('fills the visitor variables, NFKC-normalised, empty when not passed in', () => {
    const chat = new Chat(makeBot({ bye: { type: 'end' } }), { name: ' Ｔａｒｏ ', email: 'ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ' });
    expect(chat.vars).toEqual({
      'visitor.name': 'Taro',
      'visitor.email': 'taro@example.com',
      'visitor.phone': '',
      'visitor.company': '',
    });
  });

  it('runs from the start block until the bot waits, listing the blocks entered', () => {
    const chat = new Chat(
      makeBot({
        hi: { type: 'message', text: 'Hello %visitor.name%!', next: 'jump' },
        jump: { type: 'goto', target: 'q' },
        q: { type: 'ask', kind: 'text', prompt: 'What brings you here?', save: 'topic', next: 'bye' },
        bye: { type: 'end' },
      }),
      { name: 'Hana' },
    );
    expect(chat.texts).toEqual(['Hello Hana!', 'What brings you here?']);
    expect(chat.last.path).toEqual(['hi', 'jump', 'q']);
    expect(chat.last.input).toEqual({ blockId: 'q', kind: 'text' });
    expect(chat.last.state).toMatchObject({ status: 'waiting_input', at: 'q', attempts: 0, conversationId: 'conv', botId: 'test-bot' });
  });
});

describe('message', () => {
  it('shows its text with merge fields, its image and its link', () => {
    const chat = new Chat(
      makeBot({
        m: {
          type: 'message',
          text: '50% off for %visitor.company%, 100%% sure',
          image: 'https://example.com/a.png',
          link: { url: 'https://example.com/sale', label: 'Sale' },
          next: 'bye',
        },
        bye: { type: 'end' },
      }),
      { company: 'ACME' },
    );
    expect(chat.last.messages).toEqual([
      { text: '50% off for ACME, 100% sure', image: 'https://example.com/a.png', link: { url: 'https://example.com/sale', label: 'Sale' } },
    ]);
  });
});

const emailBot = (locale: 'en' | 'ja', invalid?: string) =>
  makeBot(
    {
      q: {
        type: 'ask',
        kind: 'email',
        prompt: 'Email, %visitor.name%?',
        save: 'visitor.email',
        retries: 2,
        ...(invalid ? { invalid } : {}),
        next: 'thanks',
      },
      thanks: { type: 'end', text: 'Thanks, %visitor.email%.' },
      human: { type: 'handoff', reason: 'invalid_email', text: 'A person will help you.' },
    },
    { locale },
  );

describe('ask', () => {
  it('saves the normalised answer and continues', () => {
    const chat = new Chat(emailBot('ja'), { name: 'Taro' });
    chat.reply('ｔａｒｏ＠ＥＸＡＭＰＬＥ．ｃｏｍ');
    expect(chat.vars['visitor.email']).toBe('taro@example.com');
    expect(chat.texts).toEqual(['Thanks, taro@example.com.']);
    expect(chat.last.state).toMatchObject({ status: 'ended', reason: null, at: null });
  });

  it('re-prompts in English with a hint then the prompt, counting attempts, then takes the invalid port', () => {
    const chat = new Chat(emailBot('en', 'human'), { name: 'Taro' });
    chat.reply('not an email');
    expect(chat.texts).toEqual([en.email, 'Email, Taro?']);
    expect(chat.last.input).toEqual({ blockId: 'q', kind: 'email' });
    expect(chat.last.state).toMatchObject({ status: 'waiting_input', at: 'q', attempts: 1 });
    chat.reply('');
    expect(chat.texts).toEqual([en.empty, 'Email, Taro?']);
    expect(chat.last.state.attempts).toBe(2);
    chat.reply('still wrong');
    expect(chat.texts).toEqual(['A person will help you.']);
    expect(chat.last.state).toMatchObject({ status: 'handoff', reason: 'invalid_email' });
    expect(chat.last.path).toEqual(['human']);
    expect(chat.vars['visitor.email']).toBe('');
  });

  it('re-prompts in Japanese, then ends the conversation when there is no invalid port', () => {
    const chat = new Chat(emailBot('ja'), { name: '太郎' });
    chat.reply('メール');
    expect(chat.texts).toEqual([ja.email, 'Email, 太郎?']);
    chat.reply('メール');
    expect(chat.last.state.status).toBe('waiting_input');
    chat.reply('メール');
    expect(chat.last.state).toMatchObject({ status: 'ended', reason: 'invalid_answer', at: null });
    expect(chat.last.input).toBeNull();
    expect(chat.last.error).toBeNull();
  });

  it('takes the invalid port at the first refusal when retries is 0, and resets attempts for the next question', () => {
    const bot = makeBot({
      a: { type: 'ask', kind: 'number', prompt: 'How many?', save: 'n', retries: 0, invalid: 'b', next: 'b' },
      b: { type: 'ask', kind: 'date', prompt: 'When?', save: 'd', next: 'bye' },
      bye: { type: 'end', text: '%n% on %d%' },
    });
    const chat = new Chat(bot);
    chat.reply('many');
    expect(chat.last.state).toMatchObject({ at: 'b', attempts: 0 });
    chat.reply('12/1/2026');
    expect(chat.texts).toEqual([' on 2026-12-01']);
  });

  it('reads a button press at a question as the same text typed', () => {
    const chat = new Chat(emailBot('en'));
    chat.choose('ｔａｒｏ＠example.com');
    expect(chat.last.error).toBeNull();
    expect(chat.vars['visitor.email']).toBe('taro@example.com');
  });
});

describe('ask with skip_if_known', () => {
  const knownBot = (skip: boolean) =>
    makeBot({
      name: { type: 'ask', kind: 'name', prompt: 'Your name?', save: 'visitor.name', skip_if_known: skip, next: 'email' },
      email: { type: 'ask', kind: 'email', prompt: 'Your email?', save: 'visitor.email', skip_if_known: skip, next: 'phone' },
      phone: { type: 'ask', kind: 'phone', prompt: 'Your phone?', save: 'visitor.phone', skip_if_known: skip, next: 'bye' },
      bye: { type: 'end', text: '%visitor.name% <%visitor.email%> %visitor.phone%' },
    });

  it('passes over the questions whose variable already holds a valid value, storing it normalised', () => {
    const chat = new Chat(knownBot(true), { name: 'Hanako', email: 'Hanako@Example.COM' });
    expect(chat.texts).toEqual(['Your phone?']);
    expect(chat.last.input).toEqual({ blockId: 'phone', kind: 'phone' });
    expect(chat.last.path).toEqual(['name', 'email', 'phone']);
    expect(chat.vars['visitor.email']).toBe('Hanako@example.com');
    chat.reply('０９０－１２３４－５６７８');
    expect(chat.texts).toEqual(['Hanako <Hanako@example.com> 090-1234-5678']);
  });

  it('asks when the known value is not valid for its kind, or empty', () => {
    const chat = new Chat(knownBot(true), { name: 'Hanako', email: 'not-an-email' });
    expect(chat.texts).toEqual(['Your email?']);
    expect(chat.last.state.at).toBe('email');
  });

  it('asks every question without the flag, however much is known', () => {
    const chat = new Chat(knownBot(false), { name: 'Hanako', email: 'hanako@example.com', phone: '090-1234-5678' });
    expect(chat.texts).toEqual(['Your name?']);
  });

  it('skips on a bot variable an earlier answer set', () => {
    const bot = makeBot({
      first: { type: 'ask', kind: 'number', prompt: 'How many?', save: 'count', next: 'again' },
      again: { type: 'ask', kind: 'number', prompt: 'How many, again?', save: 'count', skip_if_known: true, next: 'bye' },
      bye: { type: 'end', text: '%count%' },
    });
    const chat = new Chat(bot);
    chat.reply('1,200');
    expect(chat.texts).toEqual(['1200']);
  });
});

const priorityBot = (extra: Record<string, unknown> = {}) =>
  makeBot({
    pick: {
      type: 'choice',
      prompt: '優先度は？',
      save: 'priority',
      options: [
        { label: '低', value: 'Low', next: 'low' },
        { label: 'High', value: 'urgent', next: 'high' },
      ],
      ...extra,
    },
    low: { type: 'end', text: 'low: %priority%' },
    high: { type: 'end', text: 'high: %priority%' },
    lost: { type: 'handoff', reason: 'no_choice' },
  });

describe('choice', () => {
  it('offers its options and waits', () => {
    const chat = new Chat(priorityBot());
    expect(chat.texts).toEqual(['優先度は？']);
    expect(chat.last.input).toEqual({
      blockId: 'pick',
      kind: 'choice',
      options: [
        { label: '低', value: 'Low' },
        { label: 'High', value: 'urgent' },
      ],
    });
  });

  it.each([
    ['a label', '低', 'low: Low'],
    ['a label in another case', 'HIGH', 'high: urgent'],
    ['a value', 'urgent', 'high: urgent'],
    ['a full-width value', 'ＬＯＷ', 'low: Low'],
    ['a position', '2', 'high: urgent'],
    ['a full-width position', '１', 'low: Low'],
  ])('matches %s typed by the visitor and saves the option value', (_what, typed, shown) => {
    const chat = new Chat(priorityBot());
    chat.reply(typed);
    expect(chat.texts).toEqual([shown]);
  });

  it('takes a button press by exact value', () => {
    const chat = new Chat(priorityBot());
    chat.choose('urgent');
    expect(chat.vars.priority).toBe('urgent');
    expect(chat.last.path).toEqual(['high']);
  });

  it('refuses an unknown button value as an error, state unchanged and no attempt counted', () => {
    const chat = new Chat(priorityBot());
    const before = chat.last.state;
    const result = chat.choose('Urgent');
    expect(result.error?.code).toBe('unknown_choice');
    expect(result.state).toBe(before);
    expect(result.messages).toEqual([]);
    expect(result.input).toMatchObject({ blockId: 'pick', kind: 'choice' });
  });

  it('re-prompts a typed answer that names no option, then takes the invalid port', () => {
    const chat = new Chat(priorityBot({ retries: 1, invalid: 'lost' }));
    chat.reply('3');
    expect(chat.texts).toEqual([en.choice, '優先度は？']);
    expect(chat.last.input).toMatchObject({ kind: 'choice' });
    chat.reply('medium');
    expect(chat.last.state).toMatchObject({ status: 'handoff', reason: 'no_choice' });
  });
});

describe('condition', () => {
  const bot = makeBot(
    {
      init: { type: 'set', values: { limit: '1,000' }, next: 'q' },
      q: { type: 'ask', kind: 'text', prompt: '?', save: 'answer', next: 'c' },
      c: {
        type: 'condition',
        rules: [
          { when: { var: 'answer', op: 'greater_than', value: '%limit%' }, next: 'big' },
          { when: { var: 'answer', op: 'equals', value: 'yes' }, next: 'yes' },
          { when: { var: 'answer', op: 'contains', value: 'help' }, next: 'help' },
          { when: { var: 'answer', op: 'equals', value: '7' }, next: 'seven' },
        ],
        else: 'other',
      },
      big: { type: 'end', text: 'big' },
      yes: { type: 'end', text: 'yes' },
      help: { type: 'end', text: 'help' },
      seven: { type: 'end', text: 'seven' },
      other: { type: 'end', text: 'other' },
    },
    { start: 'init' },
  );
  it.each([
    ['12,000', 'big'],
    ['1000', 'other'],
    ['９９９', 'other'],
    ['7.0', 'seven'],
    ['YES', 'yes'],
    ['ｙｅｓ', 'yes'],
    ['I need HELP', 'help'],
    ['no', 'other'],
  ])('routes %j to %s; the first rule that holds wins', (answer, shown) => {
    const chat = new Chat(bot);
    chat.reply(answer);
    expect(chat.texts).toEqual([shown]);
    expect(chat.last.path).toEqual(['c', shown]);
  });
});

describe('set, goto, end and handoff', () => {
  it('set renders every value against the variables as they were on entry', () => {
    const chat = new Chat(
      makeBot({
        s1: { type: 'set', values: { a: 'one', b: 'two' }, next: 's2' },
        s2: { type: 'set', values: { a: '%b%', b: '%a%', 'visitor.company': 'Co %a%' }, next: 'bye' },
        bye: { type: 'end', text: '%a% %b% %visitor.company%' },
      }),
    );
    expect(chat.texts).toEqual(['two one Co one']);
    expect(chat.last.state).toMatchObject({ status: 'ended', reason: null });
  });

  it('end without text ends silently; handoff records its reason and shows its text', () => {
    expect(new Chat(makeBot({ e: { type: 'end' } })).last).toMatchObject({ messages: [], input: null, effect: null });
    const handed = new Chat(makeBot({ h: { type: 'handoff', reason: 'vip', text: 'Connecting you…' } }));
    expect(handed.texts).toEqual(['Connecting you…']);
    expect(handed.last.state).toMatchObject({ status: 'handoff', reason: 'vip', at: null });
  });
});

describe('merge fields', () => {
  it('never substitutes a visitor answer a second time', () => {
    const chat = new Chat(
      makeBot({
        secret: { type: 'set', values: { secret: 'TOP-SECRET' }, next: 'q' },
        q: { type: 'ask', kind: 'name', prompt: 'Name?', save: 'visitor.name', next: 'copy' },
        copy: { type: 'set', values: { greeting: 'Hi %visitor.name%' }, next: 'say' },
        say: { type: 'message', text: '%greeting% / %visitor.name%', next: 'bye' },
        bye: { type: 'end' },
      }),
    );
    chat.reply('%secret%');
    expect(chat.texts).toEqual(['Hi %secret% / %secret%']);
  });

  it('reads a variable named like an Object property as unset', () => {
    const chat = new Chat(makeBot({ m: { type: 'message', text: '[%constructor%][%__proto__%][%tostring%]', next: 'e' }, e: { type: 'end' } }));
    expect(chat.texts).toEqual(['[][][]']);
  });
});

describe('step limit', () => {
  it('stops a goto loop with a clear error naming the block, without hanging', () => {
    const chat = new Chat(
      makeBot({
        a: { type: 'message', text: 'tick', next: 'b' },
        b: { type: 'goto', target: 'a' },
      }),
    );
    expect(chat.last.path).toHaveLength(STEP_LIMIT);
    expect(chat.last.state).toMatchObject({ status: 'ended', reason: 'step_limit', at: null });
    expect(chat.last.error?.code).toBe('step_limit');
    expect(chat.last.error?.message).toContain('"a"');
    expect(chat.last.input).toBeNull();
  });

  it('counts entries per advance, so a long but finite run after a reply is fine', () => {
    const blocks: Record<string, unknown> = { q: { type: 'ask', kind: 'text', prompt: '?', save: 'x', next: 'g0' } };
    for (let i = 0; i < 998; i++) blocks[`g${i}`] = { type: 'goto', target: i < 997 ? `g${i + 1}` : 'q' };
    const chat = new Chat(makeBot(blocks));
    chat.reply('go');
    expect(chat.last.error).toBeNull();
    expect(chat.last.path).toHaveLength(999);
    chat.reply('again');
    expect(chat.last.state.status).toBe('waiting_input');
  });
});

describe('events in the wrong state', () => {
  const bot = makeBot({
    q: { type: 'ask', kind: 'text', prompt: '?', save: 'x', next: 'lead' },
    lead: { type: 'crm.lead', ports: { success: 'bye', failure: 'bye' } },
    bye: { type: 'end' },
  });

  it('an event before start is not_started; start twice is already_started', () => {
    const early = advance(bot, null, { type: 'reply', text: 'hi', at: ANSWERED_AT });
    expect(early.error?.code).toBe('not_started');
    expect(early.state.status).toBe('ended');
    const chat = new Chat(bot);
    const again = advance(bot, chat.last.state, { type: 'start', conversationId: 'other' });
    expect(again.error?.code).toBe('already_started');
    expect(again.state).toBe(chat.last.state);
  });

  it('an outcome while waiting for the visitor, and a reply while waiting for an outcome, are refused', () => {
    const chat = new Chat(bot);
    const outcome = advance(bot, chat.last.state, { type: 'effect_result', effectId: 'conv:1', outcome: success({ id: '1' }) });
    expect(outcome.error?.code).toBe('not_waiting_for_effect');
    expect(outcome.input).toEqual({ blockId: 'q', kind: 'text' });
    chat.reply('hello');
    expect(chat.last.effect?.id).toBe('conv:1');
    const waiting = chat.last.state;
    for (const event of [
      { type: 'reply', text: 'hi', at: ANSWERED_AT },
      { type: 'choice', value: 'x', at: ANSWERED_AT },
    ] as const) {
      const r = advance(bot, waiting, event);
      expect(r.error?.code).toBe('not_waiting_for_input');
      expect(r.state).toBe(waiting);
    }
  });

  it('an outcome for another effect is wrong_effect; after the end everything is conversation_over', () => {
    const chat = new Chat(bot);
    chat.reply('hello');
    const waiting = chat.last.state;
    const wrong = advance(bot, waiting, { type: 'effect_result', effectId: 'conv:2', outcome: success({ id: '1' }) });
    expect(wrong.error?.code).toBe('wrong_effect');
    expect(wrong.state).toBe(waiting);
    chat.settle(success({ id: '1' }));
    expect(chat.last.state.status).toBe('ended');
    for (const event of [
      { type: 'reply', text: 'hi', at: ANSWERED_AT },
      { type: 'effect_result', effectId: 'conv:1', outcome: success({}) },
    ] as const) {
      expect(advance(bot, chat.last.state, event).error?.code).toBe('conversation_over');
    }
  });

  it('a conversation whose block is gone from a changed bot gets invalid_bot, not an exception', () => {
    const chat = new Chat(bot);
    const other = makeBot({ only: { type: 'end' } });
    const r = advance(other, chat.last.state, { type: 'reply', text: 'hi', at: ANSWERED_AT });
    expect(r.error?.code).toBe('invalid_bot');
    expect(r.state).toBe(chat.last.state);
  });
});
