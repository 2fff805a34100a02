import { useTranslation } from 'react-i18next';
import { Link } from '../Link.tsx';
import { Time } from '../time.tsx';
import { useFetch } from '../use-fetch.ts';
import { useWords } from '../words.ts';

interface Summary {
  readonly id: string;
  readonly botId: string;
  readonly botVersion: number;
  readonly status: string;
  readonly events: number;
  readonly updatedAt: string;
}
type TranscriptEvent =
  | { seq: number; at: string; type: 'visitor'; text: string }
  | { seq: number; at: string; type: 'message'; message: { text: string } }
  | { seq: number; at: string; type: 'input'; input: { kind: string } }
  | { seq: number; at: string; type: 'status'; status: string; reason: string | null }
  | { seq: number; at: string; type: 'record'; event: string; data: Record<string, string> };
interface Detail extends Summary {
  readonly transcript: readonly TranscriptEvent[];
  readonly state: { vars: Record<string, string> };
}
interface Attempt {
  readonly id: string;
  readonly blockId: string;
  readonly action: string;
  readonly provider: string;
  readonly attempt: number;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly outcome: string;
  readonly message: string | null;
}

function Transcript({ id }: { id: string }) {
  const { t } = useTranslation();
  const words = useWords();
  const { data, error } = useFetch<Detail>(`/conversations/${encodeURIComponent(id)}`);
  const log = useFetch<{ items: Attempt[] }>(`/execution-log?conversationId=${encodeURIComponent(id)}`);
  if (error)
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  if (!data) return <p>{t('loading')}</p>;
  return (
    <div className="transcript-view">
      <h2>{t('conversations.transcript')}</h2>
      {/* Everything here came from a visitor or a service: React text nodes only, never HTML. */}
      <ol className="transcript" aria-label={t('conversations.transcript')}>
        {data.transcript.map((e) => {
          if (e.type === 'visitor')
            return (
              <li key={e.seq} className="from-visitor">
                {e.text}
              </li>
            );
          if (e.type === 'message')
            return (
              <li key={e.seq} className="from-bot">
                {e.message.text}
              </li>
            );
          if (e.type === 'status')
            return (
              <li key={e.seq} className="status-line">
                {t('conversations.statusLine', { status: words.status(e.status), reason: e.reason ?? '' })}
              </li>
            );
          if (e.type === 'record')
            return (
              <li key={e.seq} className="status-line">
                {t('conversations.recordLine', { event: words.recordEvent(e.event), data: Object.values(e.data).join(' ') })}
              </li>
            );
          return null;
        })}
      </ol>
      <h2>{t('conversations.executionLog')}</h2>
      <table className="execution-log">
        <thead>
          <tr>
            <th>{t('column.startedAt')}</th>
            <th>{t('column.block')}</th>
            <th>{t('column.action')}</th>
            <th>{t('integrations.provider')}</th>
            <th>{t('column.attempt')}</th>
            <th>{t('column.duration')}</th>
            <th>{t('column.outcome')}</th>
            <th>{t('column.message')}</th>
          </tr>
        </thead>
        <tbody>
          {log.data?.items.map((a) => (
            <tr key={a.id}>
              <td>
                <Time value={a.startedAt} />
              </td>
              <td>{a.blockId}</td>
              <td>{words.action(a.action)}</td>
              <td>{words.provider(a.provider)}</td>
              <td>{a.attempt}</td>
              <td>{a.durationMs} ms</td>
              <td>{words.outcome(a.outcome)}</td>
              <td>{a.message ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {log.data?.items.length === 0 && <p>{t('conversations.noCalls')}</p>}
    </div>
  );
}

export function ConversationsPage({ selected }: { selected: string | null }) {
  const { t } = useTranslation();
  const words = useWords();
  const { data, error } = useFetch<{ items: Summary[] }>('/conversations?limit=100');
  return (
    <div className="conversations">
      <section>
        <h1>{t('nav.conversations')}</h1>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <table>
          <thead>
            <tr>
              <th>{t('column.updatedAt')}</th>
              <th>{t('column.bot')}</th>
              <th>{t('column.status')}</th>
              <th>{t('column.events')}</th>
            </tr>
          </thead>
          <tbody>
            {data?.items.map((c) => (
              <tr key={c.id} aria-current={c.id === selected ? 'true' : undefined}>
                <td>
                  <Link to={`/conversations/${encodeURIComponent(c.id)}`}>
                    <Time value={c.updatedAt} />
                  </Link>
                </td>
                <td>
                  {c.botId} v{c.botVersion}
                </td>
                <td>{words.status(c.status)}</td>
                <td>{c.events}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {selected && <Transcript key={selected} id={selected} />}
    </div>
  );
}
