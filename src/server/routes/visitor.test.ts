import { describe, expect, it } from 'vitest';
import { BOTS } from '../../runtime/test-support.ts';
import { CHOICE_BOT, testServer } from '../test-support.ts';

const texts = (body: { messages?: Array<{ text: string }> }) => (body.messages ?? []).map((m) => m.text);

describe('starting a conversation', () => {
  it('answers 201 with the token, the first messages and what the bot waits for', async () => {
    const s = await testServer();
    await s.publishBot(BOTS.survey());
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/v1/bots/survey/conversations',
      payload: { visitor: { email: 'taro@example.com' }, locale: 'ja' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ status: 'waiting_input', input: { blockId: 'ask_name', kind: 'name' }, locale: 'ja' });
    expect(texts(body)).toEqual(['Your name?']);
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(typeof body.conversationId).toBe('string');
  });

  it('needs no body at all', async () => {
    const s = await testServer();
    await s.publishBot(BOTS.survey());
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/bots/survey/conversations' });
    expect(res.statusCode).toBe(201);
  });

  it('refuses an unknown bot, a malformed id, malformed JSON, wrong types, unknown keys and oversized bodies with 4xx', async () => {
    const s = await testServer();
    await s.publishBot(BOTS.survey());
    const post = (url: string, payload?: string, type = 'application/json') =>
      s.app.inject({ method: 'POST', url, headers: { 'content-type': type }, ...(payload === undefined ? {} : { payload }) });

    const unknown = await post('/api/v1/bots/nobody/conversations', '{}');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: 'bot_not_found' });
    expect(unknown.json().error.message).toContain('nobody');

    const badId = await post('/api/v1/bots/Not_An_Id/conversations', '{}');
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.code).toBe('invalid_request');

    const malformed = await post('/api/v1/bots/survey/conversations', '{"visitor": ');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('malformed_body');

    const wrongType = await post('/api/v1/bots/survey/conversations', JSON.stringify({ locale: 5 }));
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().error).toMatchObject({ code: 'invalid_request', field: 'locale' });

    const wrongLocale = await post('/api/v1/bots/survey/conversations', JSON.stringify({ locale: 'fr' }));
    expect(wrongLocale.statusCode).toBe(400);

    const unknownKey = await post('/api/v1/bots/survey/conversations', JSON.stringify({ vistor: {} }));
    expect(unknownKey.statusCode).toBe(400);

    const unknownField = await post('/api/v1/bots/survey/conversations', JSON.stringify({ visitor: { age: '3' } }));
    expect(unknownField.statusCode).toBe(400);

    const huge = await post('/api/v1/bots/survey/conversations', JSON.stringify({ visitor: { name: 'x'.repeat(70_000) } }));
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('body_too_large');

    const notJson = await post('/api/v1/bots/survey/conversations', 'name=x', 'application/x-www-form-urlencoded');
    expect(notJson.statusCode).toBe(415);
    expect(notJson.json().error.code).toBe('unsupported_media_type');
  });
});

describe('replying', () => {
  it('runs a typed answer and a button press up to the end', async () => {
    const s = await testServer();
    await s.publishBot(CHOICE_BOT);
    const { id, token } = await s.start('colours');

    const picked = await s.reply(id, token, { choice: 'blue' });
    expect(picked.statusCode).toBe(200);
    expect(picked.json()).toMatchObject({ conversationId: id, status: 'waiting_input', input: { kind: 'name' } });
    expect(texts(picked.json())).toEqual(['Your name?']);

    const named = await s.reply(id, token, { text: 'Hanako' });
    expect(named.statusCode).toBe(200);
    expect(named.json()).toMatchObject({ status: 'ended', input: null });
    expect(texts(named.json())).toEqual(['Bye Hanako, you chose blue']);
  });

  it('waits for an integration and shows what it returned', async () => {
    const s = await testServer();
    await s.publishBot(BOTS.lead);
    const { id, token } = await s.start('quick-lead');
    const res = await s.reply(id, token, { text: 'taro@example.com' });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('ended');
    expect(texts(res.json())[0]).toMatch(/^Lead \S+ created$/);
  });

  it('needs the conversation token, and a token opens its own conversation only', async () => {
    const s = await testServer();
    await s.publishBot(CHOICE_BOT);
    const a = await s.start('colours');
    const b = await s.start('colours');

    const none = await s.app.inject({ method: 'POST', url: `/api/v1/conversations/${a.id}/replies`, payload: { choice: 'red' } });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthorized');

    const wrong = await s.reply(a.id, 'not-the-token', { choice: 'red' });
    expect(wrong.statusCode).toBe(404);
    expect(wrong.json().error.code).toBe('conversation_not_found');

    const other = await s.reply(a.id, b.token, { choice: 'red' });
    expect(other.statusCode).toBe(404);

    const unknown = await s.reply('no-such-conversation', a.token, { choice: 'red' });
    expect(unknown.statusCode).toBe(404);

    // Neither refusal changed anything: the right token still answers the first question.
    expect((await s.reply(a.id, a.token, { choice: 'red' })).statusCode).toBe(200);
  });

  it('refuses an unknown choice, a choice where text is expected, wrong shapes and oversized answers', async () => {
    const s = await testServer();
    await s.publishBot(CHOICE_BOT);
    const { id, token } = await s.start('colours');

    const unknownChoice = await s.reply(id, token, { choice: 'green' });
    expect(unknownChoice.statusCode).toBe(400);
    expect(unknownChoice.json().error.code).toBe('unknown_choice');

    expect((await s.reply(id, token, { choice: 'red' })).statusCode).toBe(200);
    const choiceForText = await s.reply(id, token, { choice: 'red' });
    expect(choiceForText.statusCode).toBe(400);
    expect(choiceForText.json().error.code).toBe('invalid_answer');

    for (const body of [{ text: 5 }, { text: 'a', choice: 'b' }, {}, { answer: 'x' }, ['x']]) {
      const res = await s.reply(id, token, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('invalid_request');
    }

    const malformed = await s.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${id}/replies`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: '{"text": "unterminated',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('malformed_body');

    const tooLong = await s.reply(id, token, { text: 'x'.repeat(5_000) });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.field).toBe('text');

    const oversized = await s.reply(id, token, { text: 'x'.repeat(80_000) });
    expect(oversized.statusCode).toBe(413);

    // The conversation still takes a good answer.
    expect((await s.reply(id, token, { text: 'Ken' })).json().status).toBe('ended');
  });

  it('refuses a reply to an ended conversation with 409', async () => {
    const s = await testServer();
    await s.publishBot(CHOICE_BOT);
    const { id, token } = await s.start('colours');
    await s.reply(id, token, { choice: 'red' });
    await s.reply(id, token, { text: 'Ken' });
    const late = await s.reply(id, token, { text: 'hello?' });
    expect(late.statusCode).toBe(409);
    expect(late.json().error).toMatchObject({ code: 'conversation_over' });
  });
});

describe('shutting down', () => {
  it('answers 503 to new turns once the runtime stops', async () => {
    const s = await testServer();
    await s.publishBot(CHOICE_BOT);
    const { id, token } = await s.start('colours');
    await s.runtime.stop({ graceMs: 0 });
    const start = await s.app.inject({ method: 'POST', url: '/api/v1/bots/colours/conversations' });
    expect(start.statusCode).toBe(503);
    expect(start.json().error.code).toBe('shutting_down');
    expect((await s.reply(id, token, { choice: 'red' })).statusCode).toBe(503);
  });
});

describe('the transcript', () => {
  it('holds every event so far and what the bot waits for', async () => {
    const s = await testServer();
    await s.publishBot(CHOICE_BOT);
    const { id, token } = await s.start('colours');
    await s.reply(id, token, { choice: 'blue' });
    const res = await s.app.inject({ url: `/api/v1/conversations/${id}`, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ conversationId: id, botId: 'colours', botVersion: 1, status: 'waiting_input', input: { kind: 'name' } });
    const types = body.events.map((e: { type: string }) => e.type);
    expect(types).toContain('visitor');
    expect(body.events.map((e: { seq: number }) => e.seq)).toEqual(body.events.map((_: unknown, i: number) => i + 1));

    const wrong = await s.app.inject({ url: `/api/v1/conversations/${id}`, headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(404);
    const none = await s.app.inject({ url: `/api/v1/conversations/${id}` });
    expect(none.statusCode).toBe(401);
  });
});
