import { BLOCKS } from '../blocks/index.ts';
import type { BlockType } from '../blocks/types.ts';
import type { Effect } from '../engine/types.ts';
import { failure, type Outcome } from '../vocabulary/outcome.ts';
import type { CallContext, RoleConnectors } from '../vocabulary/roles.ts';

/**
 * Runs one effect against the connectors. The request is checked against the action's schema
 * first (it crossed a process or a database on the way here), and a connector that throws is a
 * retryable failure, never an exception for the caller.
 */
export async function runEffect(
  effect: Effect,
  connectors: RoleConnectors,
  opts: Pick<CallContext, 'signal' | 'retryOfUnknown' | 'startedAt' | 'deadline'> = {},
): Promise<Outcome> {
  const spec = BLOCKS[effect.action as BlockType]?.integration;
  if (!spec) return failure(`"${effect.action}" is not an integration block`);
  const parsed = spec.request.safeParse(effect.request);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return failure(`invalid ${effect.action} request: ${first ? `${first.path.join('.')}: ${first.message}` : 'unreadable'}`);
  }
  const ctx: CallContext = { effectId: effect.id, botId: effect.botId, locale: effect.locale, ...opts };
  try {
    return await spec.call(connectors, parsed.data as never, ctx);
  } catch (err) {
    return failure(err instanceof Error ? err.message : String(err), true);
  }
}
