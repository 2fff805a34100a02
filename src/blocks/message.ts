import { z } from 'zod';
import { render } from '../vocabulary/merge-fields.ts';
import type { Message } from '../vocabulary/message.ts';
import { blockCommon, blockId, defineBlock } from './block.ts';

export const messageSchema = z.strictObject({
  type: z.literal('message'),
  ...blockCommon,
  text: z.string(),
  image: z.url({ protocol: /^https?$/ }).optional(),
  link: z.strictObject({ url: z.url({ protocol: /^https?$/ }), label: z.string().min(1).optional() }).optional(),
  next: blockId,
});
export type MessageConfig = z.output<typeof messageSchema>;

export const message = defineBlock({
  type: 'message',
  category: 'messages',
  schema: messageSchema,
  edges: (config) => [{ port: 'next', field: 'next', target: config.next, sets: [] }],
  templates: (config) => [{ field: 'text', text: config.text }],
  enter(config, ctx) {
    const shown: Message = {
      text: render(config.text, ctx.vars),
      ...(config.image !== undefined ? { image: config.image } : {}),
      ...(config.link !== undefined ? { link: config.link } : {}),
    };
    return { kind: 'next', target: config.next, messages: [shown] };
  },
});
