import type { Transaction } from 'kysely';
import type { AdvanceResult } from '../engine/types.ts';
import type { Database } from '../store/schema.ts';
import type { EventDraft } from './events.ts';
import type { Notifier } from './notify.ts';
import { queueTeamEvent } from './team-events.ts';

/** What a turn's write tells the team, inside its transaction. */
export interface TeamWrite {
  readonly now: Date;
  readonly notifier: Notifier;
  /** Whether hand-offs are e-mailed to the team (SMTP is configured). */
  readonly mailTeam?: boolean;
}

/**
 * Whether recordTeamEffects has anything to write for this advance. A turn with none (nearly all)
 * may be written without it, as PostgreSQL's one-round-trip turn does.
 */
export function hasTeamEffects(result: AdvanceResult, drafts: readonly EventDraft[]): boolean {
  return result.handoff !== undefined || result.integration?.outcome === 'integration_invalid' || drafts.some((d) => d.type === 'record');
}

/**
 * After a turn's advance is written: a hand-off enters the inbox (waiting for a claim, with the
 * deadline after which no_agent is taken when that port is wired), and the team's event webhooks
 * hear of hand-offs, created records and integrations that refused their credentials.
 */
export async function recordTeamEffects(
  trx: Transaction<Database>,
  conversation: { readonly id: string; readonly botId: string },
  result: AdvanceResult,
  drafts: readonly EventDraft[],
  write: TeamWrite,
): Promise<void> {
  const email = { email: write.mailTeam === true };
  const at = write.now.toISOString();
  if (result.handoff) {
    const { block, noAgent, timeoutSeconds } = result.handoff;
    const deadline = noAgent === null ? null : new Date(write.now.getTime() + timeoutSeconds * 1000).toISOString();
    const row = {
      bot_id: conversation.botId,
      block_id: block,
      reason: result.state.reason,
      status: 'waiting' as const,
      agent_id: null,
      no_agent_target: noAgent,
      deadline_at: deadline,
      created_at: at,
      claimed_at: null,
      updated_at: at,
    };
    // A conversation handed back to the bot may be handed off again: it waits anew.
    await trx
      .insertInto('handoffs')
      .values({ conversation_id: conversation.id, ...row })
      .onConflict((oc) => oc.column('conversation_id').doUpdateSet(row))
      .execute();
    await queueTeamEvent(
      trx,
      'conversation.handoff',
      { conversationId: conversation.id, botId: conversation.botId, block, reason: result.state.reason },
      write.now,
      email,
    );
    await write.notifier.inboxChanged(trx);
  }
  for (const draft of drafts) {
    if (draft.type !== 'record') continue;
    await queueTeamEvent(trx, draft.event, { conversationId: conversation.id, botId: conversation.botId, ...draft.data }, write.now, email);
  }
  const trace = result.integration;
  if (trace?.outcome === 'integration_invalid') {
    await queueTeamEvent(
      trx,
      'integration.invalid',
      { conversationId: conversation.id, botId: conversation.botId, block: trace.block, action: trace.action },
      write.now,
      email,
    );
  }
}
