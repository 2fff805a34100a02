import { validatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import { conversationParams, MAX_ANSWER_LENGTH, replyBody } from './conversation.ts';
import { quickValidatorCompiler } from './quick-inputs.ts';

const both = (schema: ZodType, httpPart: string) => {
  const route = { schema, method: 'POST', url: '/x', httpPart };
  return { quick: quickValidatorCompiler(route), zod: validatorCompiler(route) };
};

const outcome = (result: unknown): unknown => {
  const r = result as { value?: unknown; error?: unknown };
  return r.error === undefined ? { value: r.value } : { error: JSON.stringify(r.error) };
};

describe('the quick check of what a visitor answers', () => {
  it('accepts what zod accepts, with the same value, and refuses what zod refuses, with its errors', () => {
    const body = both(replyBody, 'body');
    const long = 'x'.repeat(MAX_ANSWER_LENGTH);
    const bodies: unknown[] = [
      { text: 'Hello' },
      { text: '' },
      { text: long },
      { choice: 'yes' },
      { text: `${long}x` },
      { text: 1 },
      { text: 'a', choice: 'b' },
      { txt: 'a' },
      {},
      ['Hello'],
      'Hello',
      null,
    ];
    for (const b of bodies) expect(outcome(body.quick(b))).toEqual(outcome(body.zod(b)));
    expect(outcome(body.quick({ text: `${long}x` }))).toMatchObject({ error: expect.stringMatching(/text/) });

    const params = both(conversationParams, 'params');
    for (const p of [{ id: 'c1' }, { id: '' }, { id: 'x'.repeat(200) }, { id: 'x'.repeat(201) }, { id: 5 }, {}]) {
      expect(outcome(params.quick(p))).toEqual(outcome(params.zod(p)));
    }
  });
});
