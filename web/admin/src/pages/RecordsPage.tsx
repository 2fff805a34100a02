import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RECORD_COLUMNS, RECORD_KINDS as KINDS, type RecordKind as Kind } from '../../../../src/store/record-schemas.ts';
import { errorText, getJson } from '../api.ts';
import { Link } from '../Link.tsx';
import { cell, recordsCsv } from '../records/csv.ts';
import { RecordFilters, type RecordFilter } from '../records/RecordFilters.tsx';
import { Time, useTimeFormat } from '../time.tsx';
import { useFetch } from '../use-fetch.ts';

type Row = Readonly<Record<string, unknown>>;
const PAGE = 25;
const EXPORT_PAGE = 500;

/** The tab asked for in the address (`/records?kind=leads`, where a record page links back to). */
const kindInAddress = (): Kind => KINDS.find((k) => k === new URLSearchParams(location.search).get('kind')) ?? 'tickets';

export function RecordsPage() {
  const { t } = useTranslation();
  const format = useTimeFormat();
  const [kind, setKind] = useState<Kind>(kindInAddress);
  const [filter, setFilter] = useState<RecordFilter>({});
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [offset, setOffset] = useState(0);
  const [exportError, setExportError] = useState<string | null>(null);
  const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset), ...(query ? { search: query } : {}), ...filter });
  const { data, error } = useFetch<{ items: Row[]; total: number }>(`/records/${kind}?${params}`);
  const columns: readonly string[] = ['id', ...RECORD_COLUMNS[kind]];

  async function exportCsv() {
    setExportError(null);
    try {
      const rows: Row[] = [];
      for (let at = 0; ; at += EXPORT_PAGE) {
        const q = new URLSearchParams({ limit: String(EXPORT_PAGE), offset: String(at), ...(query ? { search: query } : {}), ...filter });
        const page = await getJson<{ items: Row[]; total: number }>(`/records/${kind}?${q}`);
        rows.push(...page.items);
        if (rows.length >= page.total || page.items.length === 0) break;
      }
      const csv = recordsCsv(rows, columns);
      const url = URL.createObjectURL(new Blob(['\uFEFF', csv], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${kind}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setExportError(errorText(err));
    }
  }

  return (
    <section>
      <h1>{t('nav.records')}</h1>
      <div role="tablist" className="tabs">
        {KINDS.map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            aria-selected={k === kind}
            onClick={() => {
              setKind(k);
              setOffset(0);
              setFilter({});
              history.replaceState(null, '', `?kind=${k}`);
            }}
          >
            {t(`records.${k}`)}
          </button>
        ))}
      </div>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setQuery(search.trim());
        }}
      >
        <input type="search" aria-label={t('records.search')} placeholder={t('records.search')} value={search} onChange={(e) => setSearch(e.target.value)} />
        <button type="submit">{t('records.searchButton')}</button>
        <button type="button" onClick={() => void exportCsv()}>
          {t('records.export')}
        </button>
      </form>
      <RecordFilters
        key={kind}
        tickets={kind === 'tickets'}
        onApply={(f) => {
          setOffset(0);
          setFilter(f);
        }}
      />
      {(error ?? exportError) && (
        <p role="alert" className="error">
          {error ?? exportError}
        </p>
      )}
      <table className="records" data-kind={kind}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c}>{t(`column.${c}`, { defaultValue: c })}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data?.items.map((r) => (
            <tr key={String(r['id'])}>
              {columns.map((c, i) => (
                <td key={c}>
                  {i === 0 ? (
                    <Link to={`/records/${kind}/${encodeURIComponent(String(r['id']))}`}>{cell(r[c])}</Link>
                  ) : c === 'createdAt' ? (
                    <Time value={String(r[c])} />
                  ) : c === 'closingDate' && typeof r[c] === 'string' ? (
                    format.date(r[c])
                  ) : (
                    cell(r[c])
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {data && (
        <div className="pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            {t('records.previous')}
          </button>
          <span>{t('records.range', { from: data.total === 0 ? 0 : offset + 1, to: offset + data.items.length, total: data.total })}</span>
          <button type="button" disabled={offset + PAGE >= data.total} onClick={() => setOffset(offset + PAGE)}>
            {t('records.next')}
          </button>
        </div>
      )}
    </section>
  );
}
