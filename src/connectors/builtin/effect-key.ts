import type { CallContext } from '../../vocabulary/roles.ts';

/**
 * The effect id stored on the record a call creates, under a unique index: a repeated call with
 * the same effect (a retry after a crash) finds that record instead of creating a second one.
 * An empty id means the caller gives no such guarantee, and nothing is stored.
 */
export function effectKey(ctx: CallContext): string | null {
  const id = ctx.effectId.trim();
  return id === '' ? null : id;
}
