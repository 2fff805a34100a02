import type { TimeFormat } from '../time.tsx';

export { RECORD_KINDS, type RecordKind } from '../../../../src/store/record-schemas.ts';

/** What every record has (src/store/record-schemas.ts): shown after the kind's own fields. */
const COMMON = ['id', 'createdAt', 'botId'];

/**
 * Every field of a record as the API gives it, for its page: the kind's own fields in the API's
 * order, then the id, time and bot; `fields` (a lead's extra CRM fields) is shown on its own.
 */
export function fieldsOf(record: Readonly<Record<string, unknown>>, format: TimeFormat): { key: string; value: string }[] {
  const keys = Object.keys(record).filter((k) => k !== 'fields');
  const ordered = [...keys.filter((k) => !COMMON.includes(k)), ...COMMON.filter((k) => keys.includes(k))];
  return ordered.map((key) => ({ key, value: shown(key, record[key], format) }));
}

function shown(key: string, value: unknown, format: TimeFormat): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'object') {
    const parts = Object.values(value as Record<string, unknown>).filter((v) => v !== null && v !== '');
    return parts.length === 0 ? '—' : parts.join(' · ');
  }
  if (key === 'createdAt' && typeof value === 'string') return format.dateTime(value);
  if (key === 'closingDate' && typeof value === 'string') return format.date(value);
  return String(value);
}
