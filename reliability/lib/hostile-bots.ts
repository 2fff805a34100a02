import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { ROOT } from '../../test/helpers/cli.ts';

/**
 * fast-check arbitraries for bot files: the example bots mutated (keys dropped, values of the
 * wrong type, blocks of random types pointing anywhere, huge or hostile strings), plus raw YAML
 * and JSON oddities (alias bombs, deep nesting, bad bytes). Each comes with the content type it
 * is uploaded with.
 */

export interface BotFile {
  /** The id to upload it under: the one the file names when it names one that can be. */
  readonly id: string;
  readonly text: string;
  readonly contentType: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const EXAMPLES: Array<Record<string, Json>> = readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => parse(readFileSync(join(ROOT, 'examples', f), 'utf8')) as Record<string, Json>);

const BLOCK_TYPES = [
  'message',
  'ask',
  'choice',
  'condition',
  'set',
  'goto',
  'end',
  'handoff',
  'webhook',
  'crm.lead',
  'crm.contact',
  'crm.deal',
  'helpdesk.ticket',
  'mailing.subscribe',
  'nope',
  '',
];

const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '%secret%',
    '%visitor.email%',
    '%%',
    '%unknown_var%',
    '<img src=x onerror=alert(1)>',
    'http://169.254.169.254/latest/meta-data',
    'http://127.0.0.1:5432/',
    'file:///etc/passwd',
    '$.a[?(@.b)]',
    '__proto__',
    'constructor',
  ),
  fc.nat({ max: 100_000 }).map((n) => 'x'.repeat(n)),
);
const anyValue: fc.Arbitrary<Json> = fc.oneof(
  nasty,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

/** A random block: a type, and fields copied from real blocks or made up, pointing at `ids`. */
function block(ids: readonly string[]): fc.Arbitrary<Json> {
  const ref = fc.oneof(fc.constantFrom(...ids), nasty);
  return fc.record(
    {
      type: fc.constantFrom(...BLOCK_TYPES),
      text: anyValue,
      prompt: anyValue,
      kind: fc.constantFrom('text', 'name', 'email', 'phone', 'number', 'date', 'url', 'bogus'),
      save: fc.oneof(fc.constantFrom('visitor.name', 'x', 'a-b', 'visitor.nope'), fc.dictionary(fc.string(), fc.string()) as fc.Arbitrary<Json>),
      next: ref,
      target: ref,
      url: anyValue,
      ports: fc.dictionary(fc.constantFrom('success', 'failure', 'integration_invalid', 'already_exists', 'bogus'), ref) as fc.Arbitrary<Json>,
      options: fc.array(fc.record({ label: anyValue, value: anyValue, next: ref }), { maxLength: 4 }) as fc.Arbitrary<Json>,
      rules: fc.array(fc.record({ when: fc.record({ var: anyValue, op: fc.constantFrom('equals', 'contains', 'bogus'), value: anyValue }), next: ref }), {
        maxLength: 3,
      }) as fc.Arbitrary<Json>,
      values: fc.dictionary(fc.string({ maxLength: 10 }), anyValue) as fc.Arbitrary<Json>,
      position: fc.record({ x: anyValue, y: anyValue }) as fc.Arbitrary<Json>,
    },
    { requiredKeys: ['type'] },
  );
}

type Mutation = (bot: Record<string, Json>) => void;

function mutation(): fc.Arbitrary<Mutation> {
  /** The blocks map, or a throwaway one when a previous mutation made `blocks` something else. */
  const blocksOf = (bot: Record<string, Json>): Record<string, Json> => {
    const blocks = bot['blocks'];
    return blocks !== null && typeof blocks === 'object' && !Array.isArray(blocks) ? blocks : {};
  };
  return fc.oneof(
    fc.tuple(fc.constantFrom('renkei', 'id', 'name', 'locale', 'start', 'blocks'), anyValue).map(
      ([k, v]): Mutation =>
        (bot) =>
          void (bot[k] = v),
    ),
    fc.constantFrom('renkei', 'id', 'start', 'blocks', 'locale').map(
      (k): Mutation =>
        (bot) =>
          void delete bot[k],
    ),
    fc.tuple(fc.string({ maxLength: 12 }), anyValue).map(
      ([k, v]): Mutation =>
        (bot) =>
          void (bot[k] = v),
    ),
    fc
      .tuple(fc.nat(), fc.constantFrom('type', 'next', 'text', 'ports', 'save', 'kind', 'options', 'list'), anyValue)
      .map(([n, field, v]): Mutation => (bot) => {
        const ids = Object.keys(blocksOf(bot));
        const target = blocksOf(bot)[ids[n % Math.max(1, ids.length)] ?? ''];
        if (target && typeof target === 'object' && !Array.isArray(target)) target[field] = v;
      }),
    fc.tuple(fc.string({ maxLength: 20 }), fc.nat()).chain(([id, seed]) =>
      block(['hello', 'ask_name', 'done', id, String(seed)]).map(
        (b): Mutation =>
          (bot) =>
            void (blocksOf(bot)[id] = b),
      ),
    ),
    fc.nat().map((n): Mutation => (bot) => {
      const ids = Object.keys(blocksOf(bot));
      if (ids.length > 0) delete blocksOf(bot)[ids[n % ids.length]!];
    }),
  );
}

const mutatedExample: fc.Arbitrary<BotFile> = fc
  .tuple(fc.nat({ max: EXAMPLES.length - 1 }), fc.array(mutation(), { minLength: 0, maxLength: 6 }), fc.boolean())
  .map(([n, mutations, asJson]) => {
    const id = `fuzz-${n}`;
    const bot = { ...structuredClone(EXAMPLES[n]!), id };
    for (const m of mutations) m(bot);
    return asJson ? { id, text: JSON.stringify(bot), contentType: 'application/json' } : { id, text: stringify(bot), contentType: 'application/yaml' };
  });

const generatedBot: fc.Arbitrary<BotFile> = fc
  .uniqueArray(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), { minLength: 1, maxLength: 12 })
  .chain((ids) =>
    fc
      .tuple(fc.tuple(...ids.map(() => block(ids))), fc.constantFrom(...ids, 'missing'), fc.constantFrom('en', 'ja', 'fr'))
      .map(([blocks, start, locale]) => ({
        renkei: 1,
        id: 'fuzz-generated',
        name: 'Generated',
        locale,
        start,
        blocks: Object.fromEntries(ids.map((id, i) => [id, blocks[i]!])),
      })),
  )
  .map((bot) => ({ id: bot.id, text: stringify(bot), contentType: 'text/yaml' }));

const rawOddities: fc.Arbitrary<Omit<BotFile, 'id'>> = fc.oneof(
  // Billion laughs: aliases that expand to far more than the text.
  fc.nat({ max: 12 }).map((n) => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i <= n; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    return { text: `renkei: 1\nid: bomb\n${lines.join('\n')}\n`, contentType: 'application/yaml' };
  }),
  fc.nat({ max: 5_000 }).map((d) => ({ text: `renkei: 1\nblocks: ${'['.repeat(d)}${']'.repeat(d)}\n`, contentType: 'application/yaml' })),
  fc.nat({ max: 5_000 }).map((d) => ({ text: `{"renkei":1,"blocks":${'{"a":'.repeat(d)}1${'}'.repeat(d)}}`, contentType: 'application/json' })),
  fc.string({ unit: 'binary', maxLength: 500 }).map((text) => ({ text, contentType: 'application/yaml' })),
  fc.string({ maxLength: 300 }).map((text) => ({ text, contentType: 'application/json' })),
  fc.constantFrom(
    { text: '!!js/function "function(){return 1}"', contentType: 'application/yaml' },
    { text: '--- !<tag:yaml.org,2002:js/undefined> ""', contentType: 'application/yaml' },
    { text: 'renkei: 1\nrenkei: 2\n', contentType: 'application/yaml' },
    { text: '{"__proto__":{"polluted":true},"renkei":1}', contentType: 'application/json' },
    { text: '\uFEFFrenkei: 1\n\t- bad indent', contentType: 'text/yaml' },
  ),
);

export const botFile: fc.Arbitrary<BotFile> = fc.oneof(
  { weight: 5, arbitrary: mutatedExample },
  { weight: 2, arbitrary: generatedBot },
  { weight: 2, arbitrary: rawOddities.map((f) => ({ ...f, id: 'fuzz-raw' })) },
);
