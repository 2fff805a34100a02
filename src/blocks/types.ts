/** Every block type of the bot format. The registry in ./index.ts must hold exactly these. */
export const BLOCK_TYPES = [
  'message',
  'ask',
  'choice',
  'condition',
  'set',
  'goto',
  'end',
  'handoff',
  'crm.lead',
  'crm.contact',
  'crm.deal',
  'helpdesk.ticket',
  'mailing.subscribe',
  'webhook',
] as const;
export type BlockType = (typeof BLOCK_TYPES)[number];
