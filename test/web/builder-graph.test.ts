import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';
import { botFromDoc, connect, docFromBot, needsLayout, removeBlocks, renameBlock, setAt, updateBlock } from '../../web/admin/src/builder/graph.ts';
import { problemsOf, variablesByBlock } from '../../web/admin/src/builder/analysis.ts';

const EXAMPLES = join(ROOT, 'examples');
const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));

/** The bot without the builder's layout. */
function withoutPositions(bot: Record<string, unknown>): Record<string, unknown> {
  const blocks = bot['blocks'] as Record<string, Record<string, unknown>>;
  return { ...bot, blocks: Object.fromEntries(Object.entries(blocks).map(([id, { position: _p, ...rest }]) => [id, rest])) };
}

describe('the builder graph model', () => {
  it.each(examples)('round-trips %s through the canvas changing nothing but positions', (file) => {
    const bot = parse(readFileSync(join(EXAMPLES, file), 'utf8')) as Record<string, unknown>;
    const doc = docFromBot(bot);
    expect(needsLayout(doc)).toBe(true);
    const back = botFromDoc(doc);
    expect(JSON.stringify(back)).toBe(JSON.stringify(bot));

    // Once laid out, only `position:` is added to each block.
    const laid = { ...doc, nodes: doc.nodes.map((n, i) => ({ ...n, position: { x: i * 10.4, y: 5 } })) };
    const placed = botFromDoc(laid);
    expect(JSON.stringify(withoutPositions(placed))).toBe(JSON.stringify(bot));
    expect(Object.values(placed['blocks'] as Record<string, { position: unknown }>).map((b) => b.position)).toEqual(
      doc.nodes.map((_, i) => ({ x: Math.round(i * 10.4), y: 5 })),
    );
    expect(problemsOf(back, 'en')).toEqual([]);
  });

  it("keeps the bot's appearance and an ask's skip_if_known through the canvas, in the file's key order", () => {
    const bot = {
      renkei: 1,
      id: 'styled',
      name: 'Styled',
      start: 'ask_email',
      blocks: {
        ask_email: { type: 'ask', kind: 'email', prompt: 'Email?', save: 'visitor.email', skip_if_known: true, next: 'bye' },
        bye: { type: 'end' },
      },
      appearance: { theme: 'dark', accent: '#ffb74d', launcher: { position: 'left' } },
    };
    const back = botFromDoc(docFromBot(bot));
    expect(JSON.stringify(back)).toBe(JSON.stringify(bot));
    expect(problemsOf(back, 'en')).toEqual([]);
  });

  it('shows only the advanced ports a file wires, and writes connections back into the file keys', () => {
    const bot = parse(readFileSync(join(EXAMPLES, 'support.yaml'), 'utf8')) as Record<string, unknown>;
    let doc = docFromBot(bot);
    const ticket = doc.nodes.find((n) => n.data.block.type === 'helpdesk.ticket')!;
    const wired = Object.keys(ticket.data.block['ports'] as object).filter((p) => p !== 'success' && p !== 'failure');
    expect(ticket.data.advanced).toEqual(wired);

    // Unwiring a port removes its key; wiring one adds it.
    doc = connect(doc, ticket.id, 'ports.failure', null);
    expect((botFromDoc(doc)['blocks'] as Record<string, { ports: Record<string, string> }>)[ticket.id]!.ports['failure']).toBeUndefined();
    expect(problemsOf(botFromDoc(doc), 'en')).toEqual([expect.objectContaining({ severity: 'error', block: ticket.id, field: 'ports.failure' })]);
    // A Japanese admin reads the same problem in Japanese.
    const [ja] = problemsOf(botFromDoc(doc), 'ja');
    expect(ja?.code).toBe(problemsOf(botFromDoc(doc), 'en')[0]?.code);
    expect(ja?.message).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    const target = doc.nodes.find((n) => n.id !== ticket.id)!.id;
    doc = connect(doc, ticket.id, 'ports.failure', target);
    expect((botFromDoc(doc)['blocks'] as Record<string, { ports: Record<string, string> }>)[ticket.id]!.ports['failure']).toBe(target);
  });

  it('renames a block everywhere and removes a block with every edge to it', () => {
    const bot = parse(readFileSync(join(EXAMPLES, 'support.yaml'), 'utf8')) as Record<string, unknown>;
    const doc = docFromBot(bot);
    const start = String(bot['start']);
    const renamed = botFromDoc(renameBlock(doc, start, 'welcome'));
    expect(renamed['start']).toBe('welcome');
    expect(Object.keys(renamed['blocks'] as object)).toContain('welcome');
    expect(problemsOf(renamed, 'en')).toEqual([]);

    const removed = removeBlocks(doc, new Set([start]));
    expect(removed.nodes.some((n) => n.id === start)).toBe(false);
    expect(removed.edges.some((e) => e.source === start || e.target === start)).toBe(false);
    expect(removed.meta.start).toBe(removed.nodes[0]?.id);
  });

  it('reports a variable used before anything sets it at the block and field, and lists what each block may use', () => {
    const bot = {
      renkei: 1,
      id: 't',
      name: 'T',
      locale: 'en',
      start: 'ask',
      blocks: {
        ask: { type: 'ask', kind: 'text', prompt: 'Q?', save: 'answer', next: 'say' },
        say: { type: 'message', text: 'You said %answer%', next: 'bye' },
        bye: { type: 'end', text: '%nothing%' },
      },
    };
    expect(problemsOf(bot, 'en')).toEqual([expect.objectContaining({ severity: 'error', block: 'bye', field: 'text' })]);
    const vars = variablesByBlock(bot);
    // Every variable is offered everywhere; one that no path has set yet is marked.
    const visitor = ['visitor.name', 'visitor.email', 'visitor.phone', 'visitor.company'].map((name) => ({ name, always: true }));
    expect(vars.get('ask')).toEqual([...visitor, { name: 'answer', always: false }]);
    expect(vars.get('say')).toEqual([...visitor, { name: 'answer', always: true }]);

    // An edit through setAt keeps key order and deletes with undefined.
    const doc = updateBlock(docFromBot(bot), 'bye', (d) => ({ ...d, block: setAt(d.block, ['text'], undefined) }));
    expect(problemsOf(botFromDoc(doc), 'en')).toEqual([]);
    expect(Object.keys((botFromDoc(doc)['blocks'] as Record<string, object>)['ask']!)).toEqual(['type', 'kind', 'prompt', 'save', 'next']);
  });
});
