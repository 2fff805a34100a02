import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BotVersionView, Items } from '../../../../src/server/schemas/bots.ts';
import { errorText, getJson, sendJson } from '../api.ts';
import { Time } from '../time.tsx';

type Version = BotVersionView;

/** The bot's versions, newest first: open one in the canvas, or publish an earlier one again. */
export function Versions({ botId, onLoad, onRolledBack }: { botId: string; onLoad: (v: number) => void; onRolledBack: (v: number) => void }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<readonly Version[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    getJson<Items<Version>>(`/bots/${encodeURIComponent(botId)}/versions`)
      .then((r) => setItems(r.items))
      .catch((err) => setError(errorText(err)));
  }, [botId]);
  /** Reports its own failure above the list, so the click handler need not await it. */
  const rollback = async (version: number) => {
    try {
      await sendJson(`/bots/${encodeURIComponent(botId)}/rollback`, { version });
      onRolledBack(version);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section className="versions" aria-label={t('builder.versions')}>
      <h2>{t('builder.versions')}</h2>
      {error && <p className="error">{error}</p>}
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
              <button type="button" onClick={() => void rollback(v.version)}>
                {t('builder.rollback')}
              </button>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
