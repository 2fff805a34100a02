import { useMemo, useState } from 'react';
import type { Locale } from '../../../../src/vocabulary/locales.ts';
import type { KnownValues } from '../../../../src/flow/choice-values.ts';
import type { ProblemView } from '../api.ts';
import { problemsOf } from './analysis.ts';

/**
 * The bot's problems: checked here as the author edits, plus what the server refused on the last
 * save. The server reports in English what the local check may already say in Japanese: the same
 * problem is its code, block and field.
 */
export function useProblems(bot: Record<string, unknown>, empty: boolean, locale: Locale, known?: KnownValues) {
  const [serverProblems, setServerProblems] = useState<readonly ProblemView[]>([]);
  const localProblems = useMemo(() => (empty ? [] : problemsOf(bot, locale, known)), [bot, empty, locale, known]);
  const all = useMemo(
    () => [...localProblems, ...serverProblems.filter((s) => !localProblems.some((l) => l.code === s.code && l.block === s.block && l.field === s.field))],
    [localProblems, serverProblems],
  );
  const byBlock = useMemo(() => {
    const map = new Map<string, ProblemView[]>();
    for (const p of all) if (p.block !== null) map.set(p.block, [...(map.get(p.block) ?? []), p]);
    return map;
  }, [all]);
  return {
    all,
    byBlock,
    ofBot: all.filter((p) => p.block === null),
    errorCount: all.filter((p) => p.severity === 'error').length,
    setServerProblems,
  };
}
