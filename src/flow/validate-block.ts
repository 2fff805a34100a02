import { fieldEntries, PORT, type BlockDefinition, type Edge, type TemplateUse } from '../blocks/block.ts';
import { BLOCKS } from '../blocks/index.ts';
import { BLOCK_TYPES, type BlockType } from '../blocks/types.ts';
import type { PathSegment } from './lines.ts';
import { singleField } from '../vocabulary/merge-fields.ts';
import { describe } from '../blocks/zod-shape.ts';
import { isRawMap, kindOf, stringLeaves, valueAt, type RawMap } from './raw.ts';
import { nearest } from './suggest.ts';
import { BOT_VARIABLE } from '../vocabulary/variables.ts';
import { finding, issueFindings, type Finding } from './zod-issues.ts';

/** One block after its own checks, with what the whole-bot checks need from it. */
export interface CheckedBlock {
  readonly id: string;
  /** The parsed config; null when the block has errors. */
  readonly config: { readonly type: string } | null;
  /**
   * Edges read from the block. For a block with errors, only those whose target could be read
   * from the file as written (so a wrong `next` is still reported next to a wrong type).
   */
  readonly edges: readonly Edge[];
  readonly templates: readonly TemplateUse[];
  /** Invalid blocks only: every block id and variable-like name written anywhere in the block. */
  readonly loose: { readonly targets: readonly string[]; readonly variables: readonly string[] } | null;
}

const isBlockType = (t: unknown): t is BlockType => typeof t === 'string' && (BLOCK_TYPES as readonly string[]).includes(t);

export function checkBlock(
  id: string,
  raw: unknown,
  blockIds: ReadonlySet<string>,
): {
  block: CheckedBlock;
  findings: Finding[];
} {
  if (id === '__proto__') {
    // Objects cannot hold this key as data (zod drops it), so the block would vanish from the bot.
    return {
      block: { id, config: null, edges: [], templates: [], loose: { targets: [], variables: [] } },
      findings: [finding('invalid_value', { detail: '"__proto__" cannot be a block id' }, [])],
    };
  }
  if (!isRawMap(raw)) {
    return {
      block: { id, config: null, edges: [], templates: [], loose: { targets: [], variables: [] } },
      findings: [finding('invalid_type', { expected: ['object'], received: kindOf(raw) }, [])],
    };
  }
  const type = raw.type;
  if (!isBlockType(type)) {
    const types = [...BLOCK_TYPES];
    const found =
      type === undefined
        ? finding('missing_block_type', { types }, ['type'])
        : finding('unknown_block_type', { type: String(type), types, suggestion: nearest(String(type), types) }, ['type']);
    return { block: looseBlock(id, raw, blockIds, [], []), findings: [found] };
  }

  // The registry's entries are typed by their own configs; here one is driven by its `type` at run time.
  const def = BLOCKS[type] as BlockDefinition;
  const own = [
    ...portFindings(def, raw),
    ...saveFindings(def, raw),
    ...singleFieldFindings(def, raw),
    ...emptyTextFindings(def, raw),
    ...(def.check?.(raw) ?? []).map((f) => finding(f.code, f.params, [...f.path])),
  ];
  const parsed = def.schema.safeParse(raw);
  const fromSchema = parsed.success ? [] : issueFindings(parsed.error.issues, def.schema, raw);
  const findings = [...own, ...fromSchema.filter((f) => !coveredBy(f, own))];

  if (parsed.success) {
    const config = parsed.data;
    return { block: { id, config, edges: def.edges(config), templates: def.templates(config), loose: null }, findings };
  }
  return { block: looseBlock(id, raw, blockIds, readableEdges(def, raw), readableTemplates(def, raw)), findings };
}

/**
 * The `ports:` map of an integration block, checked here rather than by the schema to say which
 * ports the block type declares; the ones not left to advanced error handling must be wired.
 */
function portFindings(def: BlockDefinition, raw: RawMap): Finding[] {
  const declared = def.ports(raw).filter((p) => p.field.startsWith('ports.'));
  if (declared.length === 0) return [];
  const ports = declared.map((p) => p.name);
  const wired = raw.ports === undefined ? {} : raw.ports;
  if (!isRawMap(wired)) return [];
  const out: Finding[] = [];
  for (const port of declared.filter((p) => !p.advanced).map((p) => p.name)) {
    if (wired[port] === undefined) out.push(finding('missing_port', { port, type: def.type, ports }, ['ports', port]));
  }
  for (const port of Object.keys(wired)) {
    if (!ports.includes(port)) out.push(finding('unknown_port', { port, type: def.type, ports }, ['ports', port]));
  }
  return out;
}

/** `save` keys of an integration are its outputs (a webhook's are variables, and it has no outputs). */
function saveFindings(def: BlockDefinition, raw: RawMap): Finding[] {
  const outputs = def.integration?.outputs ?? [];
  if (outputs.length === 0 || !isRawMap(raw.save)) return [];
  return Object.keys(raw.save)
    .filter((key) => !outputs.includes(key))
    .map((key) => finding('unknown_output', { key, type: def.type, outputs }, ['save', key]));
}

/** Top-level fields declared to hold exactly one merge field (a subscriber's name and email are whole variables). */
function singleFieldFindings(def: BlockDefinition, raw: RawMap): Finding[] {
  return fieldEntries(def.fields).flatMap(([key, field]) => {
    const text = raw[key];
    return field !== PORT && field.merge === 'single' && typeof text === 'string' && singleField(text) === null
      ? [finding('not_single_merge_field', { key, text }, [key])]
      : [];
  });
}

/**
 * A required long text left empty (a message's text, a question's prompt): the schema takes an
 * empty string, but the visitor would be shown nothing — the bot must not publish like that.
 */
function emptyTextFindings(def: BlockDefinition, raw: RawMap): Finding[] {
  const shape = describe(def.schema).shape ?? {};
  return fieldEntries(def.fields).flatMap(([key, field]) => {
    const text = raw[key];
    const schema = shape[key];
    return field !== PORT &&
      field.widget === 'long-text' &&
      schema !== undefined &&
      !describe(schema).optional &&
      typeof text === 'string' &&
      text.trim() === ''
      ? [finding('empty_text', { key }, [key])]
      : [];
  });
}

/**
 * A schema finding is left out when one of this file's own findings already says it: the same
 * path or below it (an unknown port the strict `ports` object also refuses), or a missing key
 * whose place holds one of them (`ports` absent, reported as missing success and failure).
 */
function coveredBy(f: Finding, own: readonly Finding[]): boolean {
  return own.some((o) => startsWith(f.path, o.path) || (f.code === 'missing_key' && startsWith(o.path, f.path)));
}

const startsWith = (path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean =>
  prefix.length <= path.length && prefix.every((s, i) => String(s) === String(path[i]));

/**
 * The edges of a block that failed its schema, as far as they can be read: the block's own
 * `edges` run over the raw data, keeping only edges whose target is the text at their field.
 */
function readableEdges(def: BlockDefinition, raw: RawMap): Edge[] {
  let edges: readonly Edge[];
  try {
    edges = def.edges(raw as { type: string });
  } catch {
    return [];
  }
  return edges
    .filter((e) => typeof e.target === 'string' && valueAt(raw, e.field.split('.')) === e.target)
    .map((e) => ({ ...e, sets: Array.isArray(e.sets) ? e.sets.filter((s) => typeof s === 'string') : [] }));
}

function readableTemplates(def: BlockDefinition, raw: RawMap): TemplateUse[] {
  try {
    return def.templates(raw as { type: string }).filter((t) => typeof t.text === 'string');
  } catch {
    return [];
  }
}

function looseBlock(id: string, raw: RawMap, blockIds: ReadonlySet<string>, edges: readonly Edge[], templates: readonly TemplateUse[]): CheckedBlock {
  const texts = stringLeaves(raw).map((l) => l.text);
  const targets = texts.filter((t) => blockIds.has(t));
  // Besides the names written in it, what its readable edges set (a consent's `<save>_at` is written nowhere).
  const written = [...texts, ...mapKeys(raw)].filter((t) => BOT_VARIABLE.test(t) || t.startsWith('visitor.'));
  const variables = [...written, ...edges.flatMap((e) => e.sets)];
  return { id, config: null, edges, templates, loose: { targets, variables } };
}

function mapKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mapKeys);
  if (isRawMap(value)) return Object.entries(value).flatMap(([k, v]) => [k, ...mapKeys(v)]);
  return [];
}
