import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BotVersionView, Items } from '../../../../src/server/schemas/bots.ts';
import type { PublishedCheckedView } from '../../../../src/server/schemas/bots.ts';
import { ApiError, errorText, getJson, sendJson, type ProblemView } from '../api.ts';
import { Time } from '../time.tsx';
import { useSubmit } from '../use-submit.ts';

type Version = BotVersionView;

/**
 * The bot's versions, newest first: open one in the canvas, or publish an earlier one again. A
 * rollback is checked as a publish is: what it refuses is listed here by line, block and field
 * (the version is not the one on the canvas, so its blocks cannot show them). What a rollback
 * published with warnings goes to `onRolledBack`, which loads that version: its blocks show them,
 * as a publish's do.
 */
export function Versions({
  botId,
  onLoad,
  onRolledBack,
}: {
  botId: string;
  onLoad: (v: number) => void;
  onRolledBack: (v: number, warnings: readonly ProblemView[]) => void;
}) {
  const { t, i18n } = useTranslation();
  const [items, setItems] = useState<readonly Version[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<readonly ProblemView[]>([]);
  const roll = useSubmit();
  useEffect(() => {
    getJson<Items<Version>>(`/bots/${encodeURIComponent(botId)}/versions`)
      .then((r) => setItems(r.items))
      .catch((err) => setError(errorText(err)));
  }, [botId]);
  const rollback = (version: number) =>
    roll.run(async () => {
      setProblems([]);
      try {
        const res = await sendJson<PublishedCheckedView>(`/bots/${encodeURIComponent(botId)}/rollback?locale=${i18n.language === 'ja' ? 'ja' : 'en'}`, {
          version,
        });
        onRolledBack(version, res.warnings);
      } catch (err) {
        if (err instanceof ApiError) setProblems(err.problems);
        throw err;
      }
    });
  const failed = error ?? roll.error;
  return (
    <section className="versions" aria-label={t('builder.versions')} aria-busy={roll.pending}>
      <h2>{t('builder.versions')}</h2>
      {failed && (
        <div role="alert">
          <p className="error">{failed}</p>
          {problems.length > 0 && (
            <ul className="field-problems">
              {problems.map((p, i) => (
                <li key={i} className={p.severity}>
                  {p.line !== null && <span className="where">{t('problems.line', { line: p.line })} </span>}
                  {p.block !== null && <span className="where">{t('problems.block', { block: p.block })} </span>}
                  {p.field !== null && <code className="where">{p.field} </code>}
                  <span>{p.message}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {items?.length === 0 && <p>{t('builder.noVersions')}</p>}
      <ol>
        {items?.map((v) => (
          <li key={v.version}>
            <span>
              v{v.version} · <Time value={v.createdAt} />
              {v.published && <strong> · {t('builder.live')}</strong>}
            </span>
            <button type="button" onClick={() => onLoad(v.version)}>
              {t('builder.open')}
            </button>
            {!v.published && (
              <button type="button" disabled={roll.pending} onClick={() => void rollback(v.version)}>
                {t('builder.rollback')}
              </button>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
