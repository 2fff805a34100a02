import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { parseDocument, type Document } from 'yaml';
import type { Appearance } from '../../../../src/appearance/schema.ts';
import { ApiError, errorText, getJson, request, sendJson, type ProblemView } from '../api.ts';
import { AppearanceFields } from '../appearance/AppearanceFields.tsx';
import { EmbedSnippets } from '../appearance/EmbedSnippets.tsx';
import { appearanceOf, formOf, type AppearanceForm } from '../appearance/form-state.ts';
import { WidgetPreview } from '../appearance/WidgetPreview.tsx';
import { problemsOf } from '../builder/analysis.ts';
import { Failure } from '../Failure.tsx';
import { Link } from '../Link.tsx';
import { useSubmit } from '../use-submit.ts';

type Status = { readonly kind: 'ok' | 'error'; readonly text: string };

/**
 * A bot's widget: its look and behaviour with a live preview, saved into the bot file's
 * `appearance:` as a new draft (the rest of the file, comments included, as it was), published
 * with the bot; and the snippets that put it on a site.
 */
export default function AppearancePage({ botId }: { botId: string }) {
  const { t, i18n } = useTranslation();
  const adminLocale = i18n.language.startsWith('ja') ? 'ja' : 'en';
  const [doc, setDoc] = useState<Document | null>(null);
  const [missing, setMissing] = useState(false);
  const [form, setForm] = useState<AppearanceForm>(formOf(undefined));
  const [status, setStatus] = useState<Status | null>(null);
  const [serverProblems, setServerProblems] = useState<readonly ProblemView[]>([]);
  /** Changed since the last save: publishing saves first. */
  const [dirty, setDirty] = useState(false);
  // Saving and publishing are one write at a time (publishing saves first): one pending state, one error.
  const write = useSubmit();
  const path = `/bots/${encodeURIComponent(botId)}`;

  useEffect(() => {
    let live = true;
    (async () => {
      const { items } = await getJson<{ items: { version: number }[] }>(`${path}/versions`);
      const text = await (await request(`${path}/source?version=${items[0]!.version}`)).text();
      const parsed = parseDocument(text);
      if (!live) return;
      setDoc(parsed);
      setForm(formOf((parsed.toJS() as { appearance?: Appearance }).appearance));
    })().catch((err: unknown) => {
      if (!live) return;
      if (err instanceof ApiError && err.status === 404) setMissing(true);
      else setStatus({ kind: 'error', text: errorText(err) });
    });
    return () => {
      live = false;
    };
  }, [path]);

  const appearance = useMemo(() => appearanceOf(form), [form]);
  const bot = useMemo((): Record<string, unknown> => ({ ...((doc?.toJS() as Record<string, unknown> | undefined) ?? {}), appearance }), [doc, appearance]);
  const locale = bot['locale'] === 'ja' ? 'ja' : 'en';
  // Checked here as the server will check it, in the admin's language: only this page's part of the file.
  const problems = useMemo(
    () => [
      ...(doc ? problemsOf(bot, adminLocale).filter((p) => p.field?.startsWith('appearance')) : []),
      ...serverProblems.filter((p) => p.field?.startsWith('appearance') && p.code === 'image_not_found'),
    ],
    [bot, doc, adminLocale, serverProblems],
  );
  const errors = problems.filter((p) => p.severity === 'error');

  function set<K extends keyof AppearanceForm>(key: K, value: AppearanceForm[K]): void {
    setForm((f) => ({ ...f, [key]: value }));
    setDirty(true);
    setStatus(null);
  }

  /** Saves the form as a new draft; throws what the server refused (its problems shown at their fields). */
  async function saveDraft(): Promise<void> {
    if (!doc) return;
    setStatus(null);
    const next = doc.clone();
    if (appearance === undefined) next.delete('appearance');
    else next.set('appearance', next.createNode(appearance));
    try {
      const res = await request(path, { method: 'PUT', text: String(next) });
      const saved = (await res.json()) as { version: number; warnings: ProblemView[] };
      setDoc(next);
      setDirty(false);
      setServerProblems(saved.warnings);
      setStatus({ kind: 'ok', text: t('appearance.saved', { version: saved.version }) });
    } catch (err) {
      if (err instanceof ApiError) setServerProblems(err.problems);
      throw err;
    }
  }

  const save = write.onSubmit(saveDraft);
  const publish = () =>
    write.run(async () => {
      if (dirty) await saveDraft();
      setStatus(null);
      const res = await sendJson<{ version: number }>(`${path}/publish`, {});
      setStatus({ kind: 'ok', text: t('appearance.published', { version: res.version }) });
    });

  if (missing) {
    return (
      <section>
        <h1>{t('appearance.heading', { bot: botId })}</h1>
        <p>{t('appearance.noBot', { bot: botId })}</p>
        <Link to={path}>{t('appearance.openBuilder')}</Link>
      </section>
    );
  }

  return (
    <section className="appearance-page">
      <h1>{t('appearance.heading', { bot: botId })}</h1>
      <p className="hint">
        {t('appearance.intro')} <Link to={path}>{t('appearance.openBuilder')}</Link>
      </p>
      {!doc && !status && <p>{t('loading')}</p>}
      {doc && (
        <div className="appearance-layout">
          <form aria-label={t('appearance.formLabel')} aria-busy={write.pending} onSubmit={save}>
            <AppearanceFields form={form} set={set} problems={problems} />
            <div className="actions">
              <button type="submit" disabled={errors.length > 0 || write.pending}>
                {t('appearance.save')}
              </button>
              <button type="button" disabled={errors.length > 0 || write.pending} onClick={() => void publish()}>
                {t('appearance.publish')}
              </button>
            </div>
            <Failure error={write.error} />
          </form>
          <WidgetPreview appearance={appearance} locale={locale} />
        </div>
      )}
      {status && (
        <p className={`status ${status.kind}`} role={status.kind === 'error' ? 'alert' : 'status'}>
          {status.text}
        </p>
      )}
      <EmbedSnippets botId={botId} />
    </section>
  );
}
