import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

/** Formats times the way the admin reads them: their language, their browser's time zone. */
export interface TimeFormat {
  /** An instant (ISO 8601 from the API): date and time, in the browser's time zone. */
  dateTime(iso: string): string;
  /** A calendar date (`YYYY-MM-DD`, a deal's closing date): no time zone shifts it. */
  date(ymd: string): string;
}

export function timeFormat(language: string): TimeFormat {
  const instant = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
  const calendar = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' });
  return {
    dateTime: (iso) => {
      const time = Date.parse(iso);
      return Number.isNaN(time) ? iso : instant.format(time);
    },
    date: (ymd) => {
      const time = /^\d{4}-\d{2}-\d{2}$/.test(ymd) ? Date.parse(`${ymd}T00:00:00Z`) : Number.NaN;
      return Number.isNaN(time) ? ymd : calendar.format(time);
    },
  };
}

export function useTimeFormat(): TimeFormat {
  const { i18n } = useTranslation();
  return useMemo(() => timeFormat(i18n.language), [i18n.language]);
}

/** An instant shown in the admin's language and time zone, keeping the exact value for machines. */
export function Time({ value }: { value: string }) {
  const format = useTimeFormat();
  return <time dateTime={value}>{format.dateTime(value)}</time>;
}
