import { serializerCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import type { StartedConversation, TurnView } from '../../runtime/api.ts';
import { errorBody } from '../errors.ts';
import { startedConversation, turnView } from './conversation.ts';
import { startedConversationJson, turnSerializerCompiler, turnViewJson } from './turn-json.ts';

const viaZod = (schema: typeof turnView | typeof startedConversation, data: unknown): string =>
  serializerCompiler({ schema, method: 'POST', url: '/x', httpStatus: '200' })(data);

const views: TurnView[] = [
  { conversationId: 'c1', status: 'waiting_input', messages: [{ text: 'Hi' }], records: [], input: { blockId: 'ask', kind: 'email' }, lastEventId: 4 },
  {
    conversationId: 'c2',
    status: 'waiting_input',
    messages: [
      { text: 'Pick one', image: '/api/v1/images/a.png', link: { url: 'https://example.com' } },
      { text: 'Or read', link: { url: 'https://example.com/b', label: 'B' } },
    ],
    records: [{ event: 'lead.created', data: { id: 'L1' } }],
    input: { blockId: 'pick', kind: 'choice', options: [{ label: 'Yes', value: 'y' }] },
    lastEventId: 9,
  },
  { conversationId: 'c3', status: 'ended', messages: [], records: [], input: null, lastEventId: 12 },
];

describe("a turn's answer as JSON", () => {
  it('is the text zod gives, field for field and in its order', () => {
    for (const view of views) expect(turnViewJson(view)).toBe(viaZod(turnView, view));
    const started: StartedConversation = { ...views[1]!, token: 't0k3n', locale: 'ja' };
    expect(startedConversationJson(started)).toBe(viaZod(startedConversation, started));
  });

  it('leaves out what the schemas do not declare, as zod does', () => {
    const extra = {
      ...views[1]!,
      internal: 'secret',
      messages: [{ text: 'x', note: 'no', link: { url: 'u', extra: 1 } }],
      input: { blockId: 'ask', kind: 'text', options: [{ label: 'hidden', value: 'h' }] },
    } as unknown as TurnView;
    const json = turnViewJson(extra);
    expect(json).toBe(viaZod(turnView, extra));
    expect(json).not.toMatch(/secret|note|extra|hidden/);
  });

  it("is the route's serializer for a turn's answer only: its error bodies keep zod's", () => {
    const error = turnSerializerCompiler({ schema: errorBody, method: 'POST', url: '/x', httpStatus: '400' });
    expect(() => error({ nonsense: true })).toThrow();
    expect(JSON.parse(turnSerializerCompiler({ schema: turnView, method: 'POST', url: '/x', httpStatus: '200' })(views[0]))).toEqual(views[0]);
  });
});
