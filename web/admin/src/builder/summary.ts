import type { Locale } from '../../../../src/vocabulary/locales.ts';
import { fieldsOf, isBlockType, PORT } from './blocks.ts';
import type { RawBlock } from './graph.ts';

export interface SummaryLine {
  /** The field's words; null for the block's main text (a message, a question), shown alone. */
  readonly label: string | null;
  readonly text: string;
  /** Several lines of text, clamped on the canvas. */
  readonly long: boolean;
}

const MAX_LINES = 10;

/**
 * What a block says, for the canvas: its main text (a message, a question), then its other
 * filled-in fields (a ticket's subject and priority, a webhook's URL) and where it saves answers
 * and results. Options and rules are its ports, labelled by what the author wrote.
 */
export function summaryOf(block: RawBlock, locale: Locale): SummaryLine[] {
  if (!isBlockType(block.type)) return [];
  const lines: SummaryLine[] = [];
  for (const [key, decl] of fieldsOf(block.type)) {
    // A fixed word (a block's name, a handoff's reason code, an image's URL) is not what the block says.
    if (decl === PORT || (decl.widget === 'text' && decl.merge === 'none' && decl.values === undefined)) continue;
    const value = block[key];
    if (decl.widget === 'long-text' && typeof value === 'string' && value !== '') {
      lines.push({ label: key === 'text' || key === 'prompt' ? null : decl.label[locale], text: value, long: true });
    } else if ((decl.widget === 'text' || decl.widget === 'variable' || decl.widget === 'select') && typeof value === 'string' && value !== '') {
      const shown = decl.widget === 'select' ? (decl.options?.[value]?.[locale] ?? value) : value;
      lines.push({ label: decl.label[locale], text: shown, long: false });
    } else if ((decl.widget === 'group' || decl.widget === 'map') && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const pairs = Object.entries(value as Record<string, unknown>).filter(([, v]) => typeof v === 'string' && v !== '');
      // A group's keys have words (a ticket's `number` is 番号); a map's keys are the author's.
      const keyText = (k: string): string => {
        const member = decl.fields?.[k];
        return member !== undefined && member !== PORT ? member.label[locale] : k;
      };
      if (pairs.length > 0) lines.push({ label: decl.label[locale], text: pairs.map(([k, v]) => `${keyText(k)} → ${String(v)}`).join(', '), long: false });
    }
  }
  return lines.slice(0, MAX_LINES);
}

/** Lines the summary takes on the canvas (a long text up to 3), for the layout's node heights. */
export const summaryRows = (lines: readonly SummaryLine[]): number =>
  lines.reduce((n, l) => n + (l.long ? Math.min(3, Math.ceil(l.text.length / 28)) : Math.ceil((l.text.length + (l.label?.length ?? 0)) / 34)), 0);
