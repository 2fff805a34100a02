import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBotFile, loadBotText, MAX_EXPANDED_CHARS, type LoadResult } from './load.ts';
import { formatProblem } from './problem.ts';

const lines = (result: LoadResult): string[] => result.problems.map((p) => formatProblem(p));
const MINIMAL = 'renkei: 1\nid: tiny\nname: Tiny\nstart: bye\nblocks:\n  bye:\n    type: end\n    text: Bye\n';

describe('loadBotText', () => {
  it('returns the bot with defaults when there is no problem', () => {
    const result = loadBotText(MINIMAL, 'tiny.yaml');
    expect(result.problems).toEqual([]);
    expect(result.bot).toMatchObject({ id: 'tiny', locale: 'en', blocks: { bye: { type: 'end', text: 'Bye' } } });
  });

  it('reads a file that starts with a byte-order mark', () => {
    expect(loadBotText(`\uFEFF${MINIMAL}`, 'bom.yaml').bot?.id).toBe('tiny');
  });

  it('reports malformed YAML with its line, and no bot', () => {
    const result = loadBotText('renkei: 1\nid: "tiny\nname: Tiny\n', 'broken.yaml');
    expect(result.bot).toBeNull();
    expect(lines(result)).toEqual(['broken.yaml:4: malformed YAML: Missing closing "quote']);
  });

  it('refuses a file of several YAML documents', () => {
    const result = loadBotText(`${MINIMAL}---\n${MINIMAL}`, 'two.yaml');
    expect(result.bot).toBeNull();
    expect(result.problems.map((p) => [p.code, p.line])).toEqual([['yaml_syntax', 9]]);
  });

  it('refuses duplicate keys in YAML as well as JSON', () => {
    const yaml = MINIMAL.replace('name: Tiny\n', 'name: Tiny\nname: Again\n');
    expect(lines(loadBotText(yaml, 'dup.yaml'))).toEqual(['dup.yaml:4: duplicate key "name" — each key may appear once']);
    const json = JSON.stringify({ renkei: 1, id: 'tiny' }, null, 2).replace('"id"', '"id": "x",\n  "id"');
    expect(lines(loadBotText(json, 'dup.json'))).toEqual(['dup.json:4: duplicate key "id" — each key may appear once']);
  });

  it('reads JSON, tab-indented too', () => {
    const json = JSON.stringify(loadBotText(MINIMAL, 'tiny.yaml').bot, null, '\t');
    expect(loadBotText(json, 'tiny.json')).toMatchObject({ bot: { id: 'tiny' }, problems: [] });
  });

  it('refuses an alias expansion bomb instead of building it', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
      .concat(['b', 'c', 'd', 'e'].map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcd'[i]}`).join(', ')}]`))
      .join('\n');
    const result = loadBotText(bomb, 'bomb.yaml');
    expect(result.bot).toBeNull();
    expect(result.problems.map((p) => p.code)).toEqual(['yaml_syntax']);
  });

  it('refuses a bot that aliases make larger than the limit, though it stays under the alias count', () => {
    // 30 kB of text repeated by 99 aliases: 3 MB once expanded, from an upload of 31 kB.
    const big = 'x'.repeat(30_000);
    const texts = Array.from({ length: 99 }, (_, i) => `    b${i}: { type: end, text: *big }`).join('\n');
    const yaml = `renkei: 1\nid: tiny\nname: Tiny\nstart: a\nx-text: &big "${big}"\nblocks:\n    a: { type: end, text: Bye }\n${texts}\n`;
    expect(yaml.length).toBeLessThan(40_000);
    const result = loadBotText(yaml, 'aliases.yaml');
    expect(result.bot).toBeNull();
    expect(result.problems.map((p) => p.code)).toEqual(['too_large']);
    expect(lines(result)[0]).toContain(`larger than ${MAX_EXPANDED_CHARS.toLocaleString('en')} characters once its YAML aliases`);
    expect(formatProblem(result.problems[0]!, 'ja')).toContain('2,000,000 文字');

    // The same aliases of a short text make a bot well under the limit.
    const small = yaml.replace(big, 'Bye for now');
    expect(loadBotText(small, 'aliases.yaml').problems.map((p) => p.code)).not.toContain('too_large');
  });

  it('says an empty file is empty', () => {
    expect(lines(loadBotText('', 'empty.yaml'))).toEqual([
      'empty.yaml:1: a bot file must be a mapping with renkei, id, name, locale, start and blocks; this is empty',
    ]);
  });

  it('keeps warnings and still returns the bot', () => {
    const result = loadBotText(MINIMAL.replace('text: Bye', 'text: !loud Bye'), 'tag.yaml');
    expect(result.bot?.blocks.bye).toMatchObject({ text: 'Bye' });
    expect(lines(result)).toEqual(['tag.yaml:8: warning: Unresolved tag: !loud']);
  });
});

describe('loadBotFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'renkei-flow-'));

  it('loads a file from disk, naming it in problems', async () => {
    const path = join(dir, 'tiny.yaml');
    writeFileSync(path, MINIMAL.replace('text: Bye', 'text: "%who%"'));
    const result = await loadBotFile(path);
    expect(lines(result)).toEqual([`${path}:8 block "bye" field "text": merge field %who% names a variable that no block sets`]);
  });

  it('turns a directory or a missing file into a problem, never a throw', async () => {
    expect(lines(await loadBotFile(dir))).toEqual([`${dir}: cannot read the file: it is a directory`]);
    expect(lines(await loadBotFile(join(dir, 'none.yaml')))).toEqual([`${join(dir, 'none.yaml')}: cannot read the file: no such file`]);
  });
});
