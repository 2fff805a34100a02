import { describe, expect, it } from 'vitest';
import { listRecords } from '../store/records.ts';
import { STORE_TARGETS } from '../store/test-support.ts';
import { RuntimeError } from './api.ts';
import { harness } from './test-support.ts';

/** Asks name, email and company, each skipped when known, then creates a lead. */
const KNOWN = `renkei: 1
id: known
name: Known visitor
locale: ja
start: ask_name
blocks:
  ask_name:
    type: ask
    kind: name
    prompt: お名前は？
    save: visitor.name
    skip_if_known: true
    next: ask_email
  ask_email:
    type: ask
    kind: email
    prompt: メールアドレスは？
    save: visitor.email
    skip_if_known: true
    next: ask_company
  ask_company:
    type: ask
    kind: text
    prompt: 会社名は？
    save: visitor.company
    skip_if_known: true
    next: lead
  lead:
    type: crm.lead
    ports: { success: done, failure: done }
  done:
    type: end
    text: "ありがとうございます、%visitor.name%さん。"
appearance:
  accent: "#7a1fa2"
  title: サポート
  greeting: { text: ご質問はありますか？ }
`;

async function refusal(promise: Promise<unknown>): Promise<RuntimeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RuntimeError);
  return error as RuntimeError;
}

describe.each(STORE_TARGETS)('the visitor a site knows, on %s', (kind) => {
  it('starts with the visitor read like answers, and asks only for what is missing', async () => {
    const h = await harness(kind);
    await h.publishBot(KNOWN);
    h.runtime.startWorkers(1);
    const started = await h.runtime.start('known', { visitor: { name: '　山田　花子 ', email: 'Hanako@EXAMPLE.jp', phone: '' } });
    expect(started.messages.map((m) => m.text)).toEqual(['会社名は？']);
    const done = await h.runtime.reply(started.conversationId, started.token, { text: 'Acme' });
    expect(done.messages.map((m) => m.text)).toEqual(['ありがとうございます、山田 花子さん。']);
    expect((await listRecords(h.store.db, 'leads'))[0]).toMatchObject({ name: '山田 花子', email: 'Hanako@example.jp', company: 'Acme' });
  });

  it('refuses a start whose visitor field is not valid, naming it, and starts nothing', async () => {
    const h = await harness(kind);
    await h.publishBot(KNOWN);
    const error = await refusal(h.runtime.start('known', { visitor: { name: 'Hanako', email: 'hanako-at-example' } }));
    expect(error).toMatchObject({ code: 'invalid_visitor', field: 'visitor.email' });
    expect(error.message).toContain('email address');
    expect(await h.store.db.selectFrom('conversations').select('id').execute()).toEqual([]);
  });

  it('identifies the visitor of a running conversation: later questions are skipped, the one on screen stays', async () => {
    const h = await harness(kind);
    await h.publishBot(KNOWN);
    const started = await h.runtime.start('known');
    expect(started.input).toMatchObject({ blockId: 'ask_name' });
    const identified = await h.runtime.identify(started.conversationId, started.token, { email: 'ｔａｒｏ＠example.com', company: '  ' });
    expect(identified).toEqual({ conversationId: started.conversationId, visitor: { name: '', email: 'taro@example.com', phone: '', company: '' } });
    const next = await h.runtime.reply(started.conversationId, started.token, { text: 'Taro' });
    expect(next.messages.map((m) => m.text)).toEqual(['会社名は？']);
  });

  it('refuses a bad field, a wrong token and an ended conversation, changing nothing', async () => {
    const h = await harness(kind);
    await h.publishBot(KNOWN);
    const started = await h.runtime.start('known', { visitor: { name: 'Hanako' } });
    const bad = await refusal(h.runtime.identify(started.conversationId, started.token, { name: 'Hanako Two', phone: '090-CALL-NOW' }));
    expect(bad).toMatchObject({ code: 'invalid_visitor', field: 'visitor.phone' });
    const unchanged = await h.runtime.identify(started.conversationId, started.token, {});
    expect(unchanged.visitor.name).toBe('Hanako');
    expect(await refusal(h.runtime.identify(started.conversationId, 'wrong-token', { name: 'X' }))).toMatchObject({ code: 'conversation_not_found' });

    h.runtime.startWorkers(1);
    await h.runtime.reply(started.conversationId, started.token, { text: 'hanako@example.com' });
    await h.runtime.reply(started.conversationId, started.token, { text: 'Acme' });
    expect(await refusal(h.runtime.identify(started.conversationId, started.token, { name: 'Late' }))).toMatchObject({ code: 'conversation_over' });
  });

  it("serves the published version's appearance with its defaults, and nothing for an unpublished bot", async () => {
    const h = await harness(kind);
    await h.publishBot(KNOWN);
    expect(await h.runtime.widget('known')).toMatchObject({
      botId: 'known',
      version: 1,
      name: 'Known visitor',
      locale: 'ja',
      appearance: { accent: '#7a1fa2', title: 'サポート', theme: 'light', greeting: { text: 'ご質問はありますか？', delay: 5 }, position: 'right' },
    });
    expect(await refusal(h.runtime.widget('nobody'))).toMatchObject({ code: 'bot_not_found' });
  });
});
