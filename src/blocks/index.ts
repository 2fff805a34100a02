import type { z } from 'zod';
import { ask } from './ask.ts';
import type { BlockDefinition } from './block.ts';
import { choice } from './choice.ts';
import { condition } from './condition.ts';
import { crmContact } from './crm-contact.ts';
import { crmDeal } from './crm-deal.ts';
import { crmLead } from './crm-lead.ts';
import { end } from './end.ts';
import { goto } from './goto.ts';
import { handoff } from './handoff.ts';
import { helpdeskTicket } from './helpdesk-ticket.ts';
import { mailingSubscribe } from './mailing-subscribe.ts';
import { message } from './message.ts';
import { set } from './set.ts';
import type { BlockType } from './types.ts';
import { webhook } from './webhook.ts';

/** Every block type's definition. A type of BLOCK_TYPES missing here is a compile error. */
export const BLOCKS = {
  message,
  ask,
  choice,
  condition,
  set,
  goto,
  end,
  handoff,
  'crm.lead': crmLead,
  'crm.contact': crmContact,
  'crm.deal': crmDeal,
  'helpdesk.ticket': helpdeskTicket,
  'mailing.subscribe': mailingSubscribe,
  webhook,
} as const satisfies { readonly [T in BlockType]: BlockDefinition<{ type: T }> };

/** One block as parsed from a bot file (defaults applied). */
export type BlockConfig = z.output<(typeof BLOCKS)[BlockType]['schema']>;
export type ConfigOf<T extends BlockType> = Extract<BlockConfig, { type: T }>;

/** The definition of a parsed block, typed for the engine's dispatch on `type`. */
export const definitionOf = (config: BlockConfig): BlockDefinition<BlockConfig> => BLOCKS[config.type];

export type { BlockDefinition, Edge, TemplateUse } from './block.ts';
export { BLOCK_TYPES, type BlockType } from './types.ts';
