import { BLOCKS } from '../blocks/index.ts';
import type { BlockType } from '../blocks/types.ts';
import type { Effect } from './types.ts';
import type { Outcome, OutcomeName } from '../vocabulary/outcome.ts';

/**
 * A made-up outcome for testing a bot's branches without touching any service
 * (`renkei chat --outcome BLOCK=PORT`, the builder's preview). Outputs are recognisable as fake.
 */
export function simulatedOutcome(effect: Effect, outcome: OutcomeName): Outcome {
  const message = `simulated ${outcome}`;
  const n = effect.id.slice(effect.id.lastIndexOf(':') + 1);
  const outputs = (): Record<string, string> => {
    const spec = BLOCKS[effect.action as BlockType]?.integration;
    if (effect.action === 'webhook') {
      const save = (effect.request as { save?: Record<string, string> }).save ?? {};
      return Object.fromEntries(Object.keys(save).map((v) => [v, '']));
    }
    return Object.fromEntries((spec?.outputs ?? []).map((o) => [o, o === 'number' ? n : `simulated-${n}`]));
  };
  switch (outcome) {
    case 'success':
      return { outcome, outputs: outputs() };
    case 'already_exists':
      return { outcome, outputs: outputs(), message };
    case 'failure':
      return { outcome, message, retryable: false };
    default:
      return { outcome, message };
  }
}
