import { describe, expect, it } from 'vitest';
import { advance } from './advance.ts';
import { ANSWERED_AT, Chat, makeBot } from './test-bots.ts';

const policy = { url: 'https://example.com/privacy', label: 'Privacy policy' };

const consentBot = (extra: Record<string, unknown> = {}, locale: 'en' | 'ja' = 'en') =>
  makeBot(
    {
      notice: {
        type: 'consent',
        text: 'Hello %visitor.name%, we keep what you tell us to answer you.',
        link: policy,
        next: 'thanks',
        ...extra,
      },
      thanks: { type: 'end', text: 'Consent %consent% at %consent_at%' },
      sorry: { type: 'end', text: 'No problem.' },
    },
    { locale },
  );

describe('consent', () => {
  it("shows the notice with its link and waits for two buttons in the bot's language", () => {
    const en = new Chat(consentBot(), { name: 'Taro' });
    expect(en.last.messages).toEqual([{ text: 'Hello Taro, we keep what you tell us to answer you.', link: policy }]);
    expect(en.last.input).toEqual({
      blockId: 'notice',
      kind: 'choice',
      options: [
        { label: 'I agree', value: 'yes' },
        { label: 'I do not agree', value: 'no' },
      ],
    });
    const ja = new Chat(consentBot({}, 'ja'));
    expect(ja.last.input).toMatchObject({ options: [{ label: '同意する' }, { label: '同意しない' }] });
    const own = new Chat(consentBot({ accept_label: 'OK', decline_label: 'No thanks' }));
    expect(own.last.input).toMatchObject({
      options: [
        { label: 'OK', value: 'yes' },
        { label: 'No thanks', value: 'no' },
      ],
    });
  });

  it('on acceptance saves yes and the time of the answer, and continues to next', () => {
    const chat = new Chat(consentBot());
    chat.choose('yes');
    expect(chat.texts).toEqual([`Consent yes at ${ANSWERED_AT}`]);
    expect(chat.vars).toMatchObject({ consent: 'yes', consent_at: ANSWERED_AT });
  });

  it('on refusal saves no with its time and takes the declined port', () => {
    const chat = new Chat(consentBot({ declined: 'sorry', save: 'privacy' }));
    const at = '2026-12-24T23:59:59.000Z';
    const r = advance(chat.bot, chat.last.state, { type: 'choice', value: 'no', at });
    expect(r.messages.map((m) => m.text)).toEqual(['No problem.']);
    expect(r.state.vars).toMatchObject({ privacy: 'no', privacy_at: at });
    expect(r.state.vars).not.toHaveProperty('consent');
  });

  it('an unwired refusal ends the conversation politely, keeping the decision in its variables', () => {
    const en = new Chat(consentBot());
    en.choose('no');
    expect(en.last.state).toMatchObject({ status: 'ended', reason: 'consent_declined' });
    expect(en.texts).toEqual(['Understood. We cannot continue without your consent, so this conversation ends here. Thank you for visiting.']);
    expect(en.vars).toMatchObject({ consent: 'no', consent_at: ANSWERED_AT });
    const ja = new Chat(consentBot({}, 'ja'));
    ja.choose('no');
    expect(ja.texts[0]).toContain('同意をいただけない');
  });

  it('reads a typed answer by label, value or position (NFKC, any case)', () => {
    for (const [typed, value] of [
      ['I AGREE', 'yes'],
      ['ｙｅｓ', 'yes'],
      ['1', 'yes'],
      ['i do not agree', 'no'],
      ['2', 'no'],
      ['No', 'no'],
    ] as const) {
      const chat = new Chat(consentBot({ declined: 'sorry' }));
      chat.reply(typed);
      expect(chat.vars['consent']).toBe(value);
    }
  });

  it('asks again on a typed answer naming neither button, then takes it as a refusal', () => {
    const chat = new Chat(consentBot({ declined: 'sorry' }));
    chat.reply('maybe later');
    expect(chat.last.messages).toEqual([
      { text: 'Please pick one of the options.' },
      { text: 'Hello , we keep what you tell us to answer you.', link: policy },
    ]);
    expect(chat.last.input).toMatchObject({ kind: 'choice' });
    chat.reply('hmm');
    expect(chat.vars['consent']).toBeUndefined();
    chat.reply('what?');
    expect(chat.vars).toMatchObject({ consent: 'no', consent_at: ANSWERED_AT });
    expect(chat.last.path).toEqual(['sorry']);
  });

  it('refuses a button value that is neither answer, state unchanged', () => {
    const chat = new Chat(consentBot());
    const r = advance(chat.bot, chat.last.state, { type: 'choice', value: 'maybe', at: ANSWERED_AT });
    expect(r.error?.code).toBe('unknown_choice');
    expect(r.state).toBe(chat.last.state);
    expect(r.input).toMatchObject({ blockId: 'notice', kind: 'choice' });
  });
});
