import { readVisitor } from '../answers/visitor.ts';
import { HINTS } from '../answers/locales/index.ts';
import type { ConversationState } from '../engine/types.ts';
import type { Locale } from '../vocabulary/locales.ts';
import { VISITOR_FIELDS, type VisitorField } from '../vocabulary/variables.ts';
import { hotQuery } from '../store/kysely/hot-query.ts';
import { RuntimeError, type IdentifiedVisitor, type VisitorFields } from './api.ts';
import type { RuntimeContext } from './context.ts';
import { openConversation, stateOf } from './conversations.ts';

/** Optimistic writes retried this often when a turn or a worker changed the conversation first. */
const CONFLICT_RETRIES = 5;

/**
 * The site's visitor fields read like answers (`visitor.email` as an `ask` of kind email would
 * read it), or an `invalid_visitor` error naming the first refused field; nothing is applied then.
 */
export function checkedVisitor(fields: VisitorFields | undefined, locale: Locale): Partial<Record<VisitorField, string>> {
  const read = readVisitor(fields ?? {}, locale);
  if (read.ok) return read.values;
  throw new RuntimeError('invalid_visitor', `visitor.${read.field}: ${HINTS.en[read.code]}`, `visitor.${read.field}`);
}

const updateVars = hotQuery((db, [state, rowVersion, updatedAt, id, readVersion]) =>
  db
    .updateTable('conversations')
    .set({ state: state as string, row_version: rowVersion as number, updated_at: updatedAt as string })
    .where('id', '=', id as string)
    .where('row_version', '=', readVersion as number),
);

/** See Runtime.identify. */
export async function identifyVisitor(ctx: RuntimeContext, id: string, token: string, fields: VisitorFields): Promise<IdentifiedVisitor> {
  for (let tries = 1; ; tries++) {
    const row = await openConversation(ctx.db, id, token);
    if (row.status === 'ended') throw new RuntimeError('conversation_over', 'the conversation is over (ended)');
    const values = checkedVisitor(fields, row.locale as Locale);
    const state = stateOf(row);
    const next: ConversationState = { ...state, vars: { ...state.vars, ...prefixed(values) } };
    const written = await ctx.store.transact(async (trx) => {
      const updated = await updateVars(trx, [JSON.stringify(next), row.row_version + 1, ctx.clock.now().toISOString(), id, row.row_version]);
      if (!updated.numAffectedRows) return false;
      // Whoever shows the conversation's variables (the inbox) looks again.
      await ctx.notifier.conversationChanged(trx, id);
      return true;
    });
    if (written) return { conversationId: id, visitor: visitorOf(next) };
    if (tries === CONFLICT_RETRIES) throw new RuntimeError('conflict', 'the conversation kept changing; try again');
  }
}

const prefixed = (values: Partial<Record<VisitorField, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).map(([field, value]) => [`visitor.${field}`, value]));

function visitorOf(state: ConversationState): Record<VisitorField, string> {
  const out = {} as Record<VisitorField, string>;
  for (const field of VISITOR_FIELDS) out[field] = state.vars[`visitor.${field}`] ?? '';
  return out;
}
