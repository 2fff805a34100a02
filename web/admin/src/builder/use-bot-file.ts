import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { parse, stringify } from 'yaml';
import type { BotVersionView, Items, PublishedCheckedView } from '../../../../src/server/schemas/bots.ts';
import { ApiError, errorText, getJson, request, sendJson, type ProblemView } from '../api.ts';
import type { KnownValues } from '../../../../src/flow/choice-values.ts';
import { loadBotText } from '../../../../src/flow/load-text.ts';
import type { Problem } from '../../../../src/flow/problem.ts';
import { botFromDoc, docFromBot, needsLayout, type Doc } from './graph.ts';
import type { History } from './history.ts';
import { useSubmit } from '../use-submit.ts';
import { autoLayout } from './layout.ts';

export type Status = { readonly kind: 'ok' | 'error'; readonly text: string } | null;

function newDoc(botId: string): Doc {
  const query = new URLSearchParams(location.search);
  const locale = query.get('locale') === 'ja' ? 'ja' : 'en';
  return { meta: { renkei: 1, id: botId, name: query.get('name') || botId, locale }, nodes: [], edges: [] };
}

const withLayout = async (doc: Doc): Promise<Doc> => (needsLayout(doc) ? autoLayout(doc) : doc);

/**
 * The bot file on the server and on disk: loading a version (a new bot when there is none),
 * saving a draft, publishing, importing and exporting YAML. `loaded` changes whenever the canvas
 * must be drawn afresh; `versions` whenever the list of versions changed.
 */
export function useBotFile(botId: string, history: History<Doc>, onServerProblems: (problems: readonly ProblemView[]) => void, known: KnownValues) {
  const { t, i18n } = useTranslation();
  const { reset } = history;
  const [status, setStatus] = useState<Status>(null);
  const [fileProblems, setFileProblems] = useState<{ file: string; problems: readonly Problem[] } | null>(null);
  const [loaded, setLoaded] = useState(0);
  const [versions, setVersions] = useState(0);
  const redraw = useCallback(() => setLoaded((n) => n + 1), []);
  // Saving and publishing (which saves first) are one write at a time; what they refuse is said in the status line.
  const write = useSubmit();

  const load = useCallback(
    async (version?: number) => {
      try {
        let wanted = version;
        if (wanted === undefined) {
          const { items } = await getJson<Items<BotVersionView>>(`/bots/${encodeURIComponent(botId)}/versions`);
          wanted = items[0]?.version;
        }
        const text = await (await request(`/bots/${encodeURIComponent(botId)}/source?version=${wanted}`)).text();
        reset(await withLayout(docFromBot(parse(text) as Record<string, unknown>)));
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) reset(newDoc(botId));
        else setStatus({ kind: 'error', text: errorText(err) });
      }
      redraw();
    },
    [botId, reset, redraw],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const yamlText = useCallback(() => stringify(botFromDoc(history.current.current)), [history]);

  async function saveDraft(): Promise<boolean> {
    setStatus(null);
    try {
      const saved = (await (await request(`/bots/${encodeURIComponent(botId)}`, { method: 'PUT', text: yamlText() })).json()) as { version: number };
      onServerProblems([]);
      setStatus({ kind: 'ok', text: t('builder.saved', { version: saved.version }) });
      setVersions((k) => k + 1);
      return true;
    } catch (err) {
      if (err instanceof ApiError) onServerProblems(err.problems);
      setStatus({ kind: 'error', text: errorText(err) });
      return false;
    }
  }

  async function publishSaved(): Promise<void> {
    if (!(await saveDraft())) return;
    try {
      const res = await sendJson<PublishedCheckedView>(`/bots/${encodeURIComponent(botId)}/publish?locale=${i18n.language === 'ja' ? 'ja' : 'en'}`, {});
      // Values the service could not be asked about show on their blocks, as the upload's warnings do.
      onServerProblems(res.warnings);
      setStatus({ kind: 'ok', text: t('builder.published', { version: res.version }) });
      setVersions((k) => k + 1);
    } catch (err) {
      // A literal the service does not have: refused with the block and field, shown on the canvas.
      if (err instanceof ApiError) onServerProblems(err.problems);
      setStatus({ kind: 'error', text: errorText(err) });
    }
  }

  async function importFile(file: File): Promise<void> {
    setStatus(null);
    setFileProblems(null);
    try {
      const text = await file.text();
      // Checked here as `renkei validate` checks it, so each problem names its line.
      const { problems } = loadBotText(text, file.name, known);
      const errors = problems.filter((p) => p.severity === 'error');
      if (errors.length > 0) setFileProblems({ file: file.name, problems: errors });
      // A file that is not YAML, or not a mapping, cannot be drawn; one with wrong blocks is, to be fixed there.
      if (errors.some((p) => p.code === 'yaml_syntax' || p.code === 'duplicate_key' || p.code === 'not_a_mapping')) return;
      const raw = parse(text) as Record<string, unknown>;
      // Laid out before it is shown: a block without a position cannot be drawn.
      const imported = await withLayout(docFromBot(raw));
      history.commit(() => ({ ...imported, meta: { ...imported.meta, id: botId } }));
      redraw();
      if (errors.length === 0) setStatus({ kind: 'ok', text: t('builder.imported', { name: file.name }) });
    } catch (err) {
      setStatus({ kind: 'error', text: errorText(err) });
    }
  }

  const save = () =>
    write.run(async () => {
      await saveDraft();
    });
  const publish = () => write.run(publishSaved);

  /** A rollback's warnings show on the blocks of the version it loads, as a publish's do. */
  async function rolledBack(version: number, warnings: readonly ProblemView[]): Promise<void> {
    setStatus({ kind: 'ok', text: t('builder.rolledBack', { version }) });
    setVersions((k) => k + 1);
    await load(version);
    onServerProblems(warnings);
  }

  /** An action of the page that failed (auto-layout): shown in the status line. */
  function failed(err: unknown): void {
    setStatus({ kind: 'error', text: errorText(err) });
  }

  return {
    status,
    fileProblems,
    dismissFileProblems: () => setFileProblems(null),
    loaded,
    versions,
    writing: write.pending,
    redraw,
    load,
    save,
    publish,
    importFile,
    yamlText,
    rolledBack,
    failed,
  };
}
