import { advance } from '../src/engine/advance.ts';
import type { ConversationState } from '../src/engine/types.ts';
import { botSchema, type Bot } from '../src/flow/bot-schema.ts';

/**
 * A 30-block bot without integrations: a ring of messages, sets, conditions and gotos closed by
 * one ask, whose answer runs the ring again. Each reply therefore enters 30 blocks.
 */
export function ringBot(): Bot {
  const kinds = ['message', 'set', 'condition', 'message', 'set', 'goto', 'condition'] as const;
  const blocks: Record<string, unknown> = {};
  const count = 29;
  for (let i = 0; i < count; i++) {
    const id = `b${i}`;
    const next = i + 1 < count ? `b${i + 1}` : 'again';
    switch (kinds[i % kinds.length]!) {
      case 'message':
        blocks[id] = { type: 'message', text: `Step ${i} for %visitor.name%: you said %answer% (%round%)`, next };
        break;
      case 'set':
        blocks[id] = { type: 'set', values: { round: 'round %answer%', [`v${i}`]: '%visitor.email%' }, next };
        break;
      case 'condition':
        blocks[id] = {
          type: 'condition',
          rules: [
            { when: { var: 'answer', op: 'equals', value: 'stop' }, next: 'again' },
            { when: { var: 'answer', op: 'greater_than', value: '1000000' }, next: 'again' },
            { when: { var: 'visitor.email', op: 'contains', value: 'nobody' }, next: 'again' },
          ],
          else: next,
        };
        break;
      case 'goto':
        blocks[id] = { type: 'goto', target: next };
        break;
    }
  }
  blocks.again = { type: 'ask', kind: 'text', prompt: 'Again, %visitor.name%?', save: 'answer', next: 'b0' };
  return botSchema.parse({ renkei: 1, id: 'bench-ring', name: 'Bench ring', locale: 'en', start: 'again', blocks });
}

/** Block steps per second of `advance` on the ring bot, after a warm-up, for about two seconds. */
export async function benchEngine(durationMs = 2000): Promise<{ engine_steps_per_s: number }> {
  const bot = ringBot();
  const started = advance(bot, null, {
    type: 'start',
    conversationId: 'bench',
    visitor: { name: 'Taro Yamada', email: 'taro@example.com' },
  });
  let state: ConversationState = started.state;
  const replies = ['hello', '42', 'ｆｕｌｌ ｗｉｄｔｈ', 'yes'];
  const answeredAt = new Date().toISOString();
  const spin = (until: number): number => {
    let steps = 0;
    let i = 0;
    while (performance.now() < until) {
      for (let k = 0; k < 100; k++) {
        const r = advance(bot, state, { type: 'reply', text: replies[i++ & 3]!, at: answeredAt });
        if (r.error) throw new Error(`bench bot failed: ${r.error.message}`);
        state = r.state;
        steps += r.path.length;
      }
    }
    return steps;
  };
  spin(performance.now() + Math.min(500, durationMs / 4));
  const t0 = performance.now();
  const steps = spin(t0 + durationMs);
  const seconds = (performance.now() - t0) / 1000;
  return { engine_steps_per_s: Math.round(steps / seconds) };
}
