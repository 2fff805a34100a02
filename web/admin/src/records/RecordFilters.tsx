import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useFetch } from '../use-fetch.ts';

/** The records list's filter as the API takes it: `from` and `to` are instants (`to` excluded). */
export interface RecordFilter {
  readonly status?: string;
  readonly from?: string;
  readonly to?: string;
}

/** The start of a calendar day (`YYYY-MM-DD` from a date input) in the browser's time zone, as an instant. */
function startOfDay(ymd: string, plusDays = 0): string {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays).toISOString();
}

/**
 * Ticket status and a range of creation dates. The dates are the admin's own days: from the
 * start of the first to the end of the last, in the browser's time zone.
 */
export function RecordFilters({ tickets, onApply }: { tickets: boolean; onApply: (filter: RecordFilter) => void }) {
  const { t } = useTranslation();
  const statuses = useFetch<{ status: { value: string; label: string }[] }>(tickets ? '/records/ticket-values' : null);
  const [status, setStatus] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (from !== '' && to !== '' && to < from) {
      setProblem(t('records.badRange'));
      return;
    }
    setProblem(null);
    onApply({
      ...(tickets && status !== '' ? { status } : {}),
      ...(from !== '' ? { from: startOfDay(from) } : {}),
      ...(to !== '' ? { to: startOfDay(to, 1) } : {}),
    });
  };
  const clear = () => {
    setStatus('');
    setFrom('');
    setTo('');
    setProblem(null);
    onApply({});
  };

  return (
    <form className="inline-form record-filters" aria-label={t('records.filters')} onSubmit={apply}>
      {tickets && (
        <label>
          {t('records.status')}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('records.anyStatus')}</option>
            {statuses.data?.status.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        {t('records.from')}
        <input type="date" value={from} max={to || undefined} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label>
        {t('records.to')}
        <input type="date" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} />
      </label>
      <button type="submit">{t('records.filter')}</button>
      <button type="button" onClick={clear}>
        {t('records.clear')}
      </button>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
    </form>
  );
}
