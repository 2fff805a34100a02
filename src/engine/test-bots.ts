import type { Outcome } from '../vocabulary/outcome.ts';
import { botSchema, type Bot } from '../flow/bot-schema.ts';
import type { Locale } from '../vocabulary/locales.ts';
import { advance } from './advance.ts';
import type { AdvanceResult } from './types.ts';

/** A bot from its blocks, through the real schema (defaults applied); starts at the first block. */
export function makeBot(blocks: Record<string, unknown>, options: { start?: string; locale?: Locale } = {}): Bot {
  return botSchema.parse({
    renkei: 1,
    id: 'test-bot',
    name: 'Test bot',
    locale: options.locale ?? 'en',
    start: options.start ?? Object.keys(blocks)[0],
    blocks,
  });
}

/** When the visitor answers in a test chat (the engine reads no clock; a consent records this). */
export const ANSWERED_AT = '2026-12-01T09:30:00.000Z';

/** Drives one conversation and keeps its last result, for tests that read like a chat. */
export class Chat {
  readonly bot: Bot;
  last: AdvanceResult;
  constructor(bot: Bot, visitor: Partial<Record<'name' | 'email' | 'phone' | 'company', string>> = {}, conversationId = 'conv') {
    this.bot = bot;
    this.last = advance(bot, null, { type: 'start', conversationId, visitor });
  }
  reply(text: string): AdvanceResult {
    return this.apply(advance(this.bot, this.last.state, { type: 'reply', text, at: ANSWERED_AT }));
  }
  choose(value: string): AdvanceResult {
    return this.apply(advance(this.bot, this.last.state, { type: 'choice', value, at: ANSWERED_AT }));
  }
  settle(outcome: Outcome): AdvanceResult {
    const effectId = this.last.state.pendingEffect ?? 'none';
    return this.apply(advance(this.bot, this.last.state, { type: 'effect_result', effectId, outcome }));
  }
  get texts(): string[] {
    return this.last.messages.map((m) => m.text);
  }
  get vars(): Readonly<Record<string, string>> {
    return this.last.state.vars;
  }
  private apply(result: AdvanceResult): AdvanceResult {
    this.last = result;
    return result;
  }
}
