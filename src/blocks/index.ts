import type { z } from 'zod';
import { ask } from './ask.ts';
import type { BlockDefinition } from './block.ts';
import { choice } from './choice.ts';
import { condition } from './condition.ts';
import { consent } from './consent.ts';
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
import { webhook } from './webhook.ts';

/** Keeps each entry's own type while checking that it is the definition of the type it is listed under. */
const registry = <R extends { readonly [T in keyof R]: BlockDefinition<{ type: T & string }> }>(blocks: R): R => blocks;

/**
 * Every block type's definition, in palette and docs order: the one list of block types. A block
 * type is its own file and one line here; everything else reads its declaration.
 */
export const BLOCKS = registry({
  message,
  ask,
  choice,
  consent,
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
});

export type BlockType = keyof typeof BLOCKS;
/** Every block type of the bot format. */
export const BLOCK_TYPES = Object.keys(BLOCKS) as readonly BlockType[];

/** One block as parsed from a bot file (defaults applied). */
export type BlockConfig = z.output<(typeof BLOCKS)[BlockType]['schema']>;
export type ConfigOf<T extends BlockType> = Extract<BlockConfig, { type: T }>;

/** The definition of a parsed block, typed for the engine's dispatch on `type`. */
export const definitionOf = (config: BlockConfig): BlockDefinition<BlockConfig> => BLOCKS[config.type];

export type { BlockDefinition, Edge, TemplateUse } from './block.ts';
