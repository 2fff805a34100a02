import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';
import type { StartedConversation, TurnView } from '../../runtime/api.ts';
import type { InputRequest } from '../../vocabulary/input-request.ts';
import type { Message } from '../../vocabulary/message.ts';
import { startedConversation, turnView } from './conversation.ts';

/*
 * A turn's answer as JSON, as the zod schemas `turnView` and `startedConversation` give it (their
 * fields only, in their order) without encoding it through zod first: the runtime builds the view
 * from its own typed values, and checking it again cost a visitor's every turn more CPU than
 * writing it. turn-json.test.ts holds both ways to the same text.
 */

// An optional field left undefined is left out by JSON.stringify, as zod leaves it out.
const messageOf = (m: Message) => ({
  text: m.text,
  image: m.image,
  link: m.link === undefined ? undefined : { url: m.link.url, label: m.link.label },
});

function inputOf(input: InputRequest | null) {
  if (input === null) return null;
  if (input.kind === 'choice') return { blockId: input.blockId, kind: input.kind, options: input.options.map((o) => ({ label: o.label, value: o.value })) };
  return { blockId: input.blockId, kind: input.kind };
}

const viewOf = (view: TurnView) => ({
  conversationId: view.conversationId,
  status: view.status,
  messages: view.messages.map(messageOf),
  records: view.records.map((r) => ({ event: r.event, data: r.data })),
  input: inputOf(view.input),
  lastEventId: view.lastEventId,
});

export const turnViewJson = (view: TurnView): string => JSON.stringify(viewOf(view));

export const startedConversationJson = (started: StartedConversation): string =>
  JSON.stringify({ ...viewOf(started), token: started.token, locale: started.locale });

const WRITERS = new Map<ZodType, (data: never) => string>([
  [turnView, turnViewJson],
  [startedConversation, startedConversationJson],
]);

/** A route's serializer compiler: the writers above for a turn's answer, zod's for anything else (its errors). */
export const turnSerializerCompiler: FastifySerializerCompiler<unknown> = (route) => {
  const writer = WRITERS.get(route.schema as ZodType);
  return writer ? (data) => writer(data as never) : serializerCompiler({ ...route, schema: route.schema as ZodType });
};
