import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { blockCommon } from '../src/blocks/block.ts';
import { describe as shapeOf } from '../src/blocks/zod-shape.ts';
import { BLOCKS, BLOCK_TYPES, type BlockDefinition } from '../src/blocks/index.ts';
import { botSchema } from '../src/flow/bot-schema.ts';
import { formatProblem, hasErrors, loadBotText, PROBLEM_CODES } from '../src/flow/index.ts';
import { renderBlockReference } from '../scripts/block-reference.ts';
import { cliProgram, renderCliReference, walkCommands, type DocLocale } from '../scripts/cli-reference.ts';
import { ROOT } from './helpers/cli.ts';
import { docFences, DOCS, markdownFiles, where } from './helpers/doc-fences.ts';

/**
 * The documentation must never lie: its bots validate, the reference names everything the code
 * has, and the CLI reference is what the CLI defines. Its runnable shell examples run in
 * docs-examples.process.test.ts.
 */
const LOCALES: readonly DocLocale[] = ['en', 'ja'];
const docDir = (locale: DocLocale): string => (locale === 'en' ? DOCS : join(DOCS, 'ja'));
const read = (path: string): string => readFileSync(path, 'utf8');
const reference = (locale: DocLocale, page: string): string => read(join(docDir(locale), page));

const bots = docFences().filter((f) => f.lang === 'yaml' && /^renkei:/m.test(f.body));

describe('the pages', () => {
  it('exist in English and in Japanese, the same pages in both', () => {
    const en = readdirSync(DOCS)
      .filter((n) => n.endsWith('.md'))
      .sort();
    const ja = readdirSync(join(DOCS, 'ja'))
      .filter((n) => n.endsWith('.md'))
      .sort();
    expect(en).toEqual([
      'architecture.md',
      'blocks.md',
      'bot-file.md',
      'cli.md',
      'contributing.md',
      'getting-started.md',
      'http-api.md',
      'integrations.md',
      'operating.md',
    ]);
    expect(ja).toEqual(en);
  });

  it('link only to files that exist', () => {
    const broken: string[] = [];
    for (const file of [...markdownFiles(DOCS), join(ROOT, 'README.md')]) {
      for (const m of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!.split('#')[0]!;
        if (target === '' || /^[a-z]+:/i.test(target)) continue;
        if (!existsSync(resolve(dirname(file), target))) broken.push(`${relative(ROOT, file)} → ${m[1]}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('bot snippets', () => {
  it('are there to check, in both languages, some of them deliberately broken', () => {
    for (const locale of LOCALES)
      expect(bots.filter((f) => f.file.startsWith(locale === 'en' ? 'docs/bot-file' : 'docs/ja/bot-file')).length).toBeGreaterThan(3);
    expect(bots.some((f) => f.mark === 'invalid')).toBe(true);
  });

  it.each(bots.map((f) => [where(f), f] as const))('%s validates as the docs say', (_, fence) => {
    const { problems } = loadBotText(fence.body, where(fence));
    if (fence.mark === 'invalid') {
      expect(hasErrors(problems), 'a snippet marked <!-- invalid --> must have errors').toBe(true);
    } else {
      // Warnings count too: an example that draws a warning teaches the warning.
      expect(problems.map((p) => formatProblem(p))).toEqual([]);
    }
  });
});

/** Every key a block may carry, nested ones (`link.url`, `options[].next`, `ports.success`) too, and every enum value. */
function schemaNames(schema: z.ZodType): { keys: Set<string>; values: Set<string> } {
  const keys = new Set<string>();
  const values = new Set<string>();
  const walk = (s: z.core.$ZodType): void => {
    const field = shapeOf(s);
    for (const [key, inner] of Object.entries(field.shape ?? {})) {
      keys.add(key);
      walk(inner);
    }
    for (const v of field.entries ?? []) values.add(v);
    if (field.element) walk(field.element);
    if (field.value) walk(field.value);
  };
  walk(schema);
  keys.delete('type');
  return { keys, values };
}

/** The part of bot-file.md about one block type: from its `### … \`type\`` heading to the next ### or ##. */
function blockSection(page: string, type: string): string {
  const lines = page.split('\n');
  const start = lines.findIndex((l) => /^###\s/.test(l) && l.includes(`\`${type}\``));
  if (start === -1) return '';
  const end = lines.findIndex((l, i) => i > start && /^#{2,3}\s/.test(l));
  return lines.slice(start, end === -1 ? undefined : end).join('\n');
}

describe('the reference names everything the code has', () => {
  const missing = (text: string, names: Iterable<string>): string[] => [...names].filter((n) => !text.includes(`\`${n}\``));

  // Keys every block may carry are described once, under "Keys of every block", not per block.
  const common = schemaNames(z.strictObject(blockCommon)).keys;

  it.each(LOCALES)('every block type, field, enum value, port and output in bot-file.md (%s)', (locale) => {
    const page = reference(locale, 'bot-file.md');
    const gaps: Record<string, string[]> = {};
    const absentCommon = missing(page, common);
    if (absentCommon.length > 0) gaps['(every block)'] = absentCommon;
    for (const type of BLOCK_TYPES) {
      const section = blockSection(page, type);
      if (section === '') {
        gaps[type] = ['(no ### section with the type in backticks)'];
        continue;
      }
      const block = BLOCKS[type];
      const { keys, values } = schemaNames(block.schema);
      // A block whose own input is called `name` (crm.lead …) documents that input in its section.
      const shape = (block.schema as unknown as { shape: Record<string, unknown> }).shape;
      for (const key of common) if (shape[key] === undefined || shape[key] === blockCommon[key as keyof typeof blockCommon]) keys.delete(key);
      const spec = (block as BlockDefinition).integration;
      const ports = spec ? ['success', 'failure', ...spec.specificPorts] : [];
      const outputs = spec ? spec.outputs : [];
      const absent = missing(section, [...keys, ...values, ...ports, ...outputs]);
      if (absent.length > 0) gaps[type] = absent;
    }
    expect(gaps).toEqual({});
  });

  it.each(LOCALES)('every top-level key of a bot file and every locale in bot-file.md (%s)', (locale) => {
    const { keys, values } = schemaNames(botSchema);
    expect(missing(reference(locale, 'bot-file.md'), [...keys, ...values])).toEqual([]);
  });

  it.each(LOCALES)('every validation problem code in bot-file.md (%s)', (locale) => {
    expect(missing(reference(locale, 'bot-file.md'), PROBLEM_CODES)).toEqual([]);
  });

  it.each(LOCALES)('every CLI command and option in cli.md (%s)', (locale) => {
    const page = reference(locale, 'cli.md');
    const names = walkCommands(cliProgram()).flatMap(({ path, command }) => [path, ...command.options.map((o) => o.long ?? o.flags)]);
    expect(names.filter((n) => !page.includes(n))).toEqual([]);
  });

  it.each(LOCALES)('every environment variable the code reads in operating.md (%s)', (locale) => {
    const sources = sourceFiles(join(ROOT, 'src'));
    const names = new Set(sources.flatMap((file) => [...read(file).matchAll(/\b(RENKEI_[A-Z0-9_]+|DATABASE_URL)\b/g)].map((m) => m[1]!)));
    expect(names.size).toBeGreaterThan(5);
    expect(missing(reference(locale, 'operating.md'), names)).toEqual([]);
  });
});

/** TypeScript sources of a tree, tests left out (what they set is for the test run, not for operators). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the CLI reference', () => {
  it.each(LOCALES)('is what `npm run docs:cli` generates from the CLI definitions (%s)', (locale) => {
    expect(reference(locale, 'cli.md'), 'docs are stale: run `npm run docs:cli`').toBe(renderCliReference(locale));
  });
});

describe('the block reference', () => {
  it.each(LOCALES)('is what `npm run docs:blocks` generates from the block declarations (%s)', (locale) => {
    expect(reference(locale, 'blocks.md'), 'docs are stale: run `npm run docs:blocks`').toBe(renderBlockReference(locale));
  });
});
