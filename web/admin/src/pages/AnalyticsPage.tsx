import { useTranslation } from 'react-i18next';
import type { BotAnalyticsView } from '../../../../src/server/schemas/analytics.ts';
import { Link } from '../Link.tsx';
import { useFetch } from '../use-fetch.ts';
import { useWords } from '../words.ts';

type Analytics = BotAnalyticsView;

export function AnalyticsPage({ botId }: { botId: string }) {
  const { t } = useTranslation();
  const words = useWords();
  const { data, error } = useFetch<Analytics>(`/bots/${encodeURIComponent(botId)}/analytics`);
  return (
    <section>
      <h1>{t('analytics.title', { bot: botId })}</h1>
      <Link to={`/bots/${encodeURIComponent(botId)}`}>{t('analytics.back')}</Link>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {data && <p>{t('analytics.conversations', { count: data.conversations })}</p>}
      {data?.blocks.length === 0 && <p>{t('analytics.none')}</p>}
      {data && data.blocks.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('column.block')}</th>
              <th>{t('column.port')}</th>
              <th>{t('column.conversations')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.blocks.flatMap((b) =>
              b.ports.map((p, i) => (
                <tr key={`${b.block}:${p.port}`}>
                  <td>{i === 0 ? `${b.block} (${words.action(b.type)})` : ''}</td>
                  <td>{words.outcome(p.port)}</td>
                  <td>{p.conversations}</td>
                  <td>
                    <meter min={0} max={Math.max(1, data.conversations)} value={p.conversations} />
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}
