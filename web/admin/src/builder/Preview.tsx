import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sendJson } from '../api.ts';
import { useFetch } from '../use-fetch.ts';
import { useSubmit } from '../use-submit.ts';
import { useWords } from '../words.ts';
import { BLOCKS, roleOf } from './blocks.ts';
import type { BlockNode } from './graph.ts';

interface InputRequest {
  readonly blockId: string;
  readonly kind: string;
  readonly options?: readonly { label: string; value: string }[];
}
interface Trace {
  readonly block: string;
  readonly outcome: string;
  readonly port: string;
  readonly message?: string;
  readonly real: boolean;
}
interface PreviewAnswer {
  readonly state: unknown;
  readonly messages: readonly { text: string }[];
  readonly input: InputRequest | null;
  readonly path: readonly string[];
  readonly integrations: readonly Trace[];
  readonly status: string;
  readonly error: { code: string; message: string } | null;
}
type Line = { readonly from: 'bot' | 'visitor' | 'trace'; readonly text: string };
type Event = { type: 'start'; conversationId: string } | { type: 'reply'; text: string } | { type: 'choice'; value: string };

/** A block's choice in the preview: an outcome to simulate, or this for the connected service. */
const REAL = ':real';

/**
 * The builder's chat: runs the draft on the server (stateless — this panel keeps the state and
 * sends it back). Integration blocks are simulated (success unless another outcome is picked);
 * one runs against the connected service only when the admin picks that, with a warning naming it.
 */
export function Preview({ bot, nodes, onPath }: { bot: () => Record<string, unknown>; nodes: readonly BlockNode[]; onPath: (path: string[]) => void }) {
  const { t } = useTranslation();
  const words = useWords();
  const connected = useFetch<{ items: { role: string; provider: string }[] }>('/integrations');
  const [state, setState] = useState<unknown>(null);
  const [lines, setLines] = useState<Line[]>([]);
  const [input, setInput] = useState<InputRequest | null>(null);
  const [path, setPath] = useState<string[]>([]);
  const [choices, setChoices] = useState<Record<string, string>>({});
  const [text, setText] = useState('');
  /** What the engine said went wrong in a turn it answered (a refused request is the turn's own error). */
  const [error, setError] = useState<string | null>(null);
  // One turn at a time: a second click or Enter while one is on its way is ignored.
  const turn = useSubmit();
  const busy = turn.pending;
  const integrations = nodes.filter((n) => roleOf(n.data.block.type) !== null);
  /** Who a block's real call goes to: the provider connected for its role, or the webhook's URL. */
  const target = (n: BlockNode): string => {
    const role = roleOf(n.data.block.type);
    if (role === 'webhook' || role === null) return t('preview.webhookTarget');
    const provider = connected.data?.items.find((i) => i.role === role)?.provider;
    return provider ? words.provider(provider) : role;
  };
  const real = integrations.filter((n) => choices[n.id] === REAL);

  const send = (event: Event, shown: Line[], from: unknown, pathSoFar: string[]) =>
    turn.run(async () => {
      setError(null);
      const forced = Object.fromEntries(Object.entries(choices).filter(([, c]) => c !== REAL));
      const answer = await sendJson<PreviewAnswer>('/preview', { bot: bot(), state: from, event, forced, real: real.map((n) => n.id) });
      const traces: Line[] = answer.integrations.map((tr) => ({
        from: 'trace',
        // A simulation's message only repeats the outcome; a real call's is the service's own.
        text: `${tr.block}: ${words.outcome(tr.outcome)} → ${words.outcome(tr.port)} (${tr.real ? t('preview.real') : t('preview.simulated')})${tr.real && tr.message ? ` — ${tr.message}` : ''}`,
      }));
      const messages: Line[] = answer.messages.map((m) => ({ from: 'bot', text: m.text }));
      // Traces and messages interleave in the engine's order only roughly; traces first reads best.
      setLines([...shown, ...traces, ...messages]);
      setState(answer.state);
      setInput(answer.input);
      const nextPath = [...pathSoFar, ...answer.path];
      setPath(nextPath);
      onPath(nextPath);
      if (answer.error) setError(answer.error.message);
      else if (answer.input === null) setLines((l) => [...l, { from: 'trace', text: t('preview.ended', { status: words.status(answer.status) }) }]);
    });

  const start = () => void send({ type: 'start', conversationId: `preview-${Date.now()}` }, [], null, []);

  return (
    <section className="preview" aria-label={t('preview.title')}>
      <h2>{t('preview.title')}</h2>
      {integrations.length > 0 && (
        <fieldset>
          <legend>{t('preview.outcomes')}</legend>
          <p className="hint">{t('preview.simulatedHint')}</p>
          {integrations.map((n) => {
            const spec = BLOCKS[n.data.block.type].integration;
            const outcomes = ['success', 'failure', ...(spec?.specificPorts ?? [])];
            return (
              <label key={n.id} className="field">
                <span>{n.id}</span>
                <select
                  aria-label={t('preview.outcomeFor', { block: n.id })}
                  value={choices[n.id] ?? 'success'}
                  onChange={(e) => setChoices({ ...choices, [n.id]: e.target.value })}
                >
                  {outcomes.map((o) => (
                    <option key={o} value={o}>
                      {t('preview.simulate', { port: words.outcome(o) })}
                    </option>
                  ))}
                  <option value={REAL}>{t('preview.realCall', { provider: target(n) })}</option>
                </select>
              </label>
            );
          })}
          {real.map((n) => (
            <p key={n.id} className="preview-warning" role="alert">
              {t('preview.realWarning', { block: n.id, provider: target(n) })}
            </p>
          ))}
        </fieldset>
      )}
      <button type="button" onClick={start} disabled={busy}>
        {state === null ? t('preview.start') : t('preview.restart')}
      </button>
      <ol className="preview-log" aria-live="polite">
        {lines.map((line, i) => (
          <li key={i} className={`line-${line.from}`}>
            {line.text}
          </li>
        ))}
      </ol>
      {(error ?? turn.error) && (
        <p className="error" role="alert">
          {error ?? turn.error}
        </p>
      )}
      {input?.kind === 'choice' ? (
        <div className="choices">
          {input.options?.map((o) => (
            <button
              key={o.value}
              type="button"
              disabled={busy}
              onClick={() => void send({ type: 'choice', value: o.value }, [...lines, { from: 'visitor', text: o.label }], state, path)}
            >
              {o.label}
            </button>
          ))}
        </div>
      ) : input ? (
        <form
          aria-busy={busy}
          onSubmit={(e) => {
            e.preventDefault();
            // While a turn is on its way, Enter keeps what was typed for the next one (send would refuse it anyway).
            if (busy) return;
            const reply = text;
            setText('');
            void send({ type: 'reply', text: reply }, [...lines, { from: 'visitor', text: reply }], state, path);
          }}
        >
          <input aria-label={t('preview.reply')} value={text} onChange={(e) => setText(e.target.value)} />
          <button type="submit" disabled={busy}>
            {t('preview.send')}
          </button>
        </form>
      ) : null}
    </section>
  );
}
