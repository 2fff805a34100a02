import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, sendJson } from '../api.ts';
import { Failure } from '../Failure.tsx';
import { Time } from '../time.tsx';
import { useFetch } from '../use-fetch.ts';
import { useSubmit } from '../use-submit.ts';

export interface TicketChangeView {
  readonly field: 'status' | 'assignee';
  readonly from: string | null;
  readonly to: string | null;
  readonly at: string;
}

interface Choice {
  readonly value: string;
  readonly label: string;
}

/**
 * A built-in ticket's status and assignee, changed from the admin (`PATCH …/records/tickets/{id}`),
 * and their history. The choices are what the server accepts: the helpdesk's statuses and the
 * active agents; a value the ticket has that is not among them (a bot may have written any
 * status) stays offered, so that saving the other field does not change it.
 */
export function TicketEditor(props: {
  ticketId: string;
  status: string;
  assignee: string | null;
  changes: readonly TicketChangeView[];
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const values = useFetch<{ status: Choice[]; assignee: Choice[] }>('/records/ticket-values');
  const [status, setStatus] = useState(props.status);
  const [assignee, setAssignee] = useState(props.assignee ?? '');
  const [result, setResult] = useState<string | null>(null);
  // A refused field in the page's words: the server names the field, not the choices it offers.
  const save = useSubmit((err) => {
    const field = err instanceof ApiError && err.status === 400 ? err.field : null;
    return field === 'status' ? t('record.statusInvalid') : field === 'assignee' ? t('record.assigneeInvalid') : null;
  });
  const statuses = withCurrent(values.data?.status ?? [], props.status, props.status);
  const agents = withCurrent(values.data?.assignee ?? [], props.assignee, t('record.inactive', { name: props.assignee ?? '' }));

  const submit = save.onSubmit(async () => {
    setResult(null);
    const change = {
      ...(status !== props.status ? { status } : {}),
      ...(assignee !== (props.assignee ?? '') ? { assignee: assignee === '' ? null : assignee } : {}),
    };
    if (Object.keys(change).length === 0) {
      setResult(t('record.unchanged'));
      return;
    }
    await sendJson(`/records/tickets/${encodeURIComponent(props.ticketId)}`, change, 'PATCH');
    setResult(t('record.saved'));
    props.onChanged();
  });

  const none = t('record.none');
  return (
    <section className="card" aria-labelledby="ticket-change">
      <h2 id="ticket-change">{t('record.change')}</h2>
      {values.error && (
        <p role="alert" className="error">
          {values.error}
        </p>
      )}
      <form className="ticket-form" aria-busy={save.pending} onSubmit={submit}>
        <label className="field">
          <span>{t('column.status')}</span>
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            {statuses.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('column.assignee')}</span>
          <select value={assignee} onChange={(e) => setAssignee(e.target.value)}>
            <option value="">{t('record.nobody')}</option>
            {agents.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={!values.data || save.pending}>
          {t('record.save')}
        </button>
      </form>
      {result && (
        <p role="status" className="status ok">
          {result}
        </p>
      )}
      <Failure error={save.error} />
      <h3>{t('record.history')}</h3>
      {props.changes.length === 0 ? (
        <p>{t('record.noHistory')}</p>
      ) : (
        <ol className="ticket-history" aria-label={t('record.history')}>
          {props.changes.map((c, i) => (
            <li key={i}>
              <Time value={c.at} /> — {t(`record.changed_${c.field}`, { from: c.from ?? none, to: c.to ?? none })}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** The offered values, with the current one added when it is not among them. */
function withCurrent(choices: readonly Choice[], current: string | null, label: string): readonly Choice[] {
  if (current === null || current === '' || choices.some((c) => c.value === current)) return choices;
  return [{ value: current, label }, ...choices];
}
