import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationEvent } from '../../../../src/runtime/api.ts';
import type { InboxConversation, InboxItem, InboxStreamEvent } from '../../../../src/runtime/index.ts';
import { ApiError, call, errorText } from '../api.ts';
import { useAccount } from '../auth.ts';
import { Failure } from '../Failure.tsx';
import { Link } from '../Link.tsx';
import { useSubmit } from '../use-submit.ts';
import { useWords } from '../words.ts';
import { chime, notifyDesktop } from './alert.ts';

const INBOX = '/api/v1/inbox';
const PRESENCE = 'renkei.presence';
/** The agent's typing is told at most this often. */
const TYPING_EVERY_MS = 2500;

type Presence = 'online' | 'away';

/** A record event's kind as the records pages name it. */
const RECORD_KIND: Readonly<Record<string, string>> = {
  'lead.created': 'leads',
  'contact.created': 'contacts',
  'deal.created': 'deals',
  'ticket.created': 'tickets',
  'subscriber.added': 'subscribers',
};

/**
 * The inbox: conversations waiting for a person arrive live (with a chime and a desktop
 * notification), an agent claims one and chats with the visitor, sees what the bot collected,
 * leaves notes, transfers, hands back to the bot at a block, or closes it.
 */
export function InboxPage() {
  const { t } = useTranslation();
  const me = useAccount();
  const [items, setItems] = useState<readonly InboxItem[]>([]);
  const [selected, setSelected] = useState<string | null>(() => new URLSearchParams(location.search).get('c'));
  const [detail, setDetail] = useState<InboxConversation | null>(null);
  const [typing, setTyping] = useState<string | null>(null);
  const [presence, setPresenceState] = useState<Presence>(() => (localStorage.getItem(PRESENCE) === 'away' ? 'away' : 'online'));
  const [error, setError] = useState<string | null>(null);
  const seen = useRef<Set<string> | null>(null);
  const selectedRef = useRef(selected);
  selectedRef.current = selected;

  const load = useCallback(async (id: string) => {
    try {
      setDetail((await (await call(`${INBOX}/${encodeURIComponent(id)}`)).json()) as InboxConversation);
      setError(null);
    } catch (err) {
      setDetail(null);
      setError(errorText(err));
    }
  }, []);

  useEffect(() => {
    void call(`${INBOX}/presence`, { method: 'PUT', json: { status: presence } }).catch(() => undefined);
    localStorage.setItem(PRESENCE, presence);
  }, [presence]);

  useEffect(() => {
    const source = new EventSource(`${INBOX}/events`);
    source.onmessage = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as InboxStreamEvent;
      if (event.type === 'inbox') {
        const waiting = event.items.filter((i) => i.status === 'waiting').map((i) => i.conversationId);
        // The first list is what was already there; anything new after it is an arrival.
        if (seen.current !== null && waiting.some((id) => !seen.current!.has(id))) {
          chime();
          notifyDesktop(t('team.inbox.newHandoff'));
        }
        seen.current = new Set([...(seen.current ?? []), ...waiting]);
        setItems(event.items);
      } else if (event.type === 'conversation' && event.conversationId === selectedRef.current) {
        setDetail((d) =>
          d && d.conversationId === event.conversationId && !d.events.some((e) => e.seq === event.event.seq) ? { ...d, events: [...d.events, event.event] } : d,
        );
        if (event.event.type === 'visitor') setTyping(null);
        if (event.event.type === 'status') void load(event.conversationId);
      } else if (event.type === 'typing' && event.conversationId === selectedRef.current) {
        setTyping(event.conversationId);
        setTimeout(() => setTyping((c) => (c === event.conversationId ? null : c)), 4000);
      }
    };
    return () => source.close();
  }, [t, load]);

  useEffect(() => {
    if (selected) void load(selected);
    else setDetail(null);
  }, [selected, load]);

  /** One action on the open conversation, then the conversation again; throws what was refused, for the form it came from to say. */
  const act = async (path: string, json?: unknown): Promise<void> => {
    if (!detail) return;
    await call(`${INBOX}/${encodeURIComponent(detail.conversationId)}/${path}`, json === undefined ? { method: 'POST' } : { json });
    setError(null);
    await load(detail.conversationId);
  };

  return (
    <div className="inbox">
      <aside>
        <h1>{t('team.inbox.title')}</h1>
        <label className="presence">
          {t('team.inbox.presence')}{' '}
          <select value={presence} onChange={(e) => setPresenceState(e.target.value as Presence)}>
            <option value="online">{t('team.inbox.online')}</option>
            <option value="away">{t('team.inbox.away')}</option>
          </select>
        </label>
        {typeof Notification !== 'undefined' && Notification.permission === 'default' && (
          <button type="button" onClick={() => void Notification.requestPermission()}>
            {t('team.inbox.notify')}
          </button>
        )}
        {items.length === 0 && <p className="hint">{t('team.inbox.empty')}</p>}
        <ul className="inbox-list" aria-label={t('team.inbox.title')}>
          {items.map((item) => (
            <li key={item.conversationId}>
              <button type="button" aria-current={item.conversationId === selected} onClick={() => setSelected(item.conversationId)}>
                <strong>{item.visitor.name || item.visitor.email || t('team.inbox.anonymous')}</strong>
                <span className="hint">
                  {item.status === 'waiting'
                    ? t('team.inbox.waiting')
                    : item.agentId === me?.id
                      ? t('team.inbox.mine')
                      : t('team.inbox.heldBy', { name: item.agentName ?? '' })}
                  {item.reason ? ` · ${item.reason}` : ''}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </aside>
      <section className="inbox-detail">
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {!detail ? (
          <p className="hint">{t('team.inbox.select')}</p>
        ) : (
          <Detail
            key={detail.conversationId}
            detail={detail}
            mine={detail.agentId === me?.id && detail.status === 'claimed'}
            typing={typing === detail.conversationId}
            act={act}
          />
        )}
      </section>
    </div>
  );
}

function Detail({
  detail,
  mine,
  typing,
  act,
}: {
  detail: InboxConversation;
  mine: boolean;
  typing: boolean;
  act: (path: string, json?: unknown) => Promise<void>;
}) {
  const { t } = useTranslation();
  const taken = (err: unknown) => (err instanceof ApiError && err.code === 'claimed_by_another' ? t('team.inbox.claimedByAnother') : null);
  // Each form is one write at a time, its refusal said beside it; handing back, transferring and closing share theirs.
  const claim = useSubmit(taken);
  const send = useSubmit(taken);
  const addNote = useSubmit(taken);
  const handle = useSubmit(taken);
  const [text, setText] = useState('');
  const [note, setNote] = useState('');
  const [block, setBlock] = useState(detail.blocks.find((b) => b.type !== 'handoff')?.id ?? '');
  const [agents, setAgents] = useState<readonly { id: string; name: string }[]>([]);
  const [to, setTo] = useState('');
  const typedAt = useRef(0);
  const words = useWords();
  const records = detail.events.flatMap((e) => (e.type === 'record' ? [e] : []));

  useEffect(() => {
    if (!mine) return;
    void call(`${INBOX}/agents`)
      .then(async (res) => setAgents(((await res.json()) as { agents: { id: string; name: string }[] }).agents.filter((a) => a.id !== detail.agentId)))
      .catch(() => undefined);
  }, [mine, detail.agentId]);

  const title = detail.visitor.name || detail.visitor.email || t('team.inbox.anonymous');
  return (
    <>
      <h2>{title}</h2>
      {detail.reason && <p className="hint">{t('team.inbox.reason', { reason: detail.reason })}</p>}
      {detail.status === 'waiting' && (
        <>
          <button type="button" disabled={claim.pending} aria-busy={claim.pending} onClick={() => void claim.run(() => act('claim'))}>
            {t('team.inbox.claim')}
          </button>
          <Failure error={claim.error} />
        </>
      )}
      <ol className="transcript" aria-label={t('conversations.transcript')}>
        {detail.events.map((e) => (
          <Line key={e.seq} event={e} />
        ))}
      </ol>
      {typing && (
        <p className="hint" role="status">
          {t('team.inbox.typing')}
        </p>
      )}
      {mine && (
        <form
          className="inline-form"
          aria-busy={send.pending}
          onSubmit={send.onSubmit(async () => {
            if (text.trim() === '') return;
            await act('messages', { text });
            setText('');
          })}
        >
          <label className="grow">
            {t('team.inbox.message')}
            <textarea
              rows={2}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                if (Date.now() - typedAt.current > TYPING_EVERY_MS) {
                  typedAt.current = Date.now();
                  void call(`${INBOX}/${encodeURIComponent(detail.conversationId)}/typing`, { method: 'POST' }).catch(() => undefined);
                }
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey) {
                  e.preventDefault();
                  e.currentTarget.form?.requestSubmit();
                }
              }}
            />
          </label>
          <button type="submit" disabled={send.pending}>
            {t('team.inbox.send')}
          </button>
        </form>
      )}
      {mine && <Failure error={send.error} />}
      <div className="card">
        <h3>{t('team.inbox.variables')}</h3>
        <dl>
          {Object.entries(detail.variables).map(([name, value]) => (
            <div key={name} className="contents">
              <dt>{name}</dt>
              <dd>{value || '—'}</dd>
            </div>
          ))}
        </dl>
        {records.length > 0 && (
          <>
            <h3>{t('team.inbox.records')}</h3>
            <ul>
              {records.map((r) => (
                <li key={r.seq}>
                  {RECORD_KIND[r.event] && r.data['id'] ? (
                    <Link to={`/records/${RECORD_KIND[r.event]}/${r.data['id']}`}>{`${words.recordEvent(r.event)} ${r.data['number'] ?? r.data['id']}`}</Link>
                  ) : (
                    words.recordEvent(r.event)
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
      <div className="card">
        <h3>{t('team.inbox.notes')}</h3>
        <ul>
          {detail.notes.map((n) => (
            <li key={n.id}>
              <strong>{n.author}</strong>: {n.text}
            </li>
          ))}
        </ul>
        <form
          className="inline-form"
          aria-busy={addNote.pending}
          onSubmit={addNote.onSubmit(async () => {
            if (note.trim() === '') return;
            await act('notes', { text: note });
            setNote('');
          })}
        >
          <label className="grow">
            {t('team.inbox.note')}
            <input value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <button type="submit" disabled={addNote.pending}>
            {t('team.inbox.addNote')}
          </button>
        </form>
        <Failure error={addNote.error} />
      </div>
      {mine && (
        <>
          <div className="actions" aria-busy={handle.pending}>
            <form className="inline-form" onSubmit={handle.onSubmit(() => act('release', { block }))}>
              <label>
                {t('team.inbox.handBack')}
                <select value={block} onChange={(e) => setBlock(e.target.value)}>
                  {detail.blocks.map((b) => (
                    <option key={b.id} value={b.id}>
                      {b.name === b.id ? b.id : `${b.name} (${b.id})`}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" disabled={handle.pending}>
                {t('team.inbox.handBackSubmit')}
              </button>
            </form>
            {agents.length > 0 && (
              <form
                className="inline-form"
                onSubmit={handle.onSubmit(async () => {
                  if (to) await act('transfer', { agentId: to });
                })}
              >
                <label>
                  {t('team.inbox.transfer')}
                  <select value={to} onChange={(e) => setTo(e.target.value)}>
                    <option value="" />
                    {agents.map((a) => (
                      <option key={a.id} value={a.id}>
                        {a.name}
                      </option>
                    ))}
                  </select>
                </label>
                <button type="submit" disabled={handle.pending}>
                  {t('team.inbox.transferSubmit')}
                </button>
              </form>
            )}
            <button type="button" className="danger" disabled={handle.pending} onClick={() => void handle.run(() => act('close'))}>
              {t('team.inbox.close')}
            </button>
          </div>
          <Failure error={handle.error} />
        </>
      )}
    </>
  );
}

function Line({ event }: { event: ConversationEvent }) {
  const { t } = useTranslation();
  const words = useWords();
  switch (event.type) {
    case 'visitor':
      return <li className="from-visitor">{event.text}</li>;
    case 'message':
      return event.from === 'agent' ? (
        <li className="from-agent">
          <strong>{event.agentName}</strong> {event.text}
        </li>
      ) : (
        <li className="from-bot">{event.message.text}</li>
      );
    case 'agent':
      return <li className="status-line">{t(event.action === 'joined' ? 'team.inbox.joined' : 'team.inbox.left', { name: event.agentName })}</li>;
    case 'status':
      return <li className="status-line">{t('conversations.statusLine', { status: words.status(event.status), reason: event.reason ?? '' })}</li>;
    case 'record':
      return (
        <li className="status-line">{t('conversations.recordLine', { event: words.recordEvent(event.event), data: Object.values(event.data).join(' ') })}</li>
      );
    default:
      return null;
  }
}
