import { z } from 'zod';
import { render } from '../vocabulary/merge-fields.ts';
import type { Message } from '../vocabulary/message.ts';
import { blockCommon, blockId, defineBlock, PORT } from './block.ts';
import { FIELD_LABELS } from './labels.ts';
import { group, longText, word } from './fields.ts';
import { keyPort } from './ports.ts';

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
  label: { en: 'Message', ja: 'メッセージ' },
  description: {
    en: 'Shows a text, optionally with an image and a link, and goes on to the next block.',
    ja: 'テキスト（画像とリンクも可）を表示して、次のブロックへ進みます。',
  },
  schema: messageSchema,
  fields: {
    name: word(FIELD_LABELS.name),
    text: longText(FIELD_LABELS.text),
    image: word({ en: 'Image URL', ja: '画像 URL' }),
    link: group({ en: 'Link', ja: 'リンク' }, { url: word({ en: 'URL', ja: 'URL' }), label: word(FIELD_LABELS.label) }),
    next: PORT,
  },
  ports: () => [keyPort('next')],
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
