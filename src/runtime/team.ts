import type { TeamAvailability } from '../blocks/block.ts';
import type { Bot } from '../flow/bot-schema.ts';
import { anyoneOnline } from '../store/accounts.ts';
import { readBusinessHours, withinBusinessHours } from '../store/business-hours.ts';
import type { RuntimeContext } from './context.ts';

/** An agent counts as online while their inbox gave a sign of life this recently (it does every 20 s). */
export const PRESENCE_FRESH_MS = 60_000;

const asks = new WeakMap<Bot, boolean>();

/** Whether the bot asks about the team: a handoff with no_agent wired, or a condition on business hours. */
function asksAboutTeam(bot: Bot): boolean {
  let known = asks.get(bot);
  if (known === undefined) {
    known = Object.values(bot.blocks).some(
      (b) => (b.type === 'handoff' && b.no_agent !== undefined) || (b.type === 'condition' && b.rules.some((r) => r.when.op === 'within_business_hours')),
    );
    asks.set(bot, known);
  }
  return known;
}

/**
 * The team's availability for a turn of `bot`, read before the engine runs (which does no I/O);
 * undefined for a bot that never asks, so most turns pay nothing for it.
 */
export async function teamFor(ctx: RuntimeContext, bot: Bot): Promise<TeamAvailability | undefined> {
  if (!asksAboutTeam(bot)) return undefined;
  const now = ctx.clock.now();
  const [agentsOnline, hours] = await Promise.all([anyoneOnline(ctx.db, now, PRESENCE_FRESH_MS), readBusinessHours(ctx.db)]);
  return { agentsOnline, withinBusinessHours: withinBusinessHours(hours, now) };
}
