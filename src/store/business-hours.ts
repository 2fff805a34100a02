import holidayJp from '@holiday-jp/holiday_jp';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from './schema.ts';

/**
 * The team's business hours: a weekly schedule in a time zone, public holidays (Japan's, from
 * @holiday-jp/holiday_jp, which follows the Cabinet Office's list) and dates the team is closed.
 * Kept in the `settings` table as JSON. Until an admin turns them on, the team counts as open at
 * all hours, so a hand-off behaves as it did before business hours existed.
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const TIME = /^([01]\d|2[0-4]):[0-5]\d$/;
const time = z.string().regex(TIME, 'must be a time HH:MM (00:00–24:00)');
const interval = z.strictObject({ open: time, close: time }).refine((i) => i.open < i.close, { message: 'must close after it opens', path: ['close'] });

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const businessHoursSchema = z.strictObject({
  enabled: z.boolean(),
  timeZone: z.string().refine(validTimeZone, 'must be an IANA time zone such as Asia/Tokyo'),
  week: z.strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(interval).max(8)])) as Record<Weekday, z.ZodArray<typeof interval>>),
  /** `jp`: Japan's public holidays are closed days; `none`: no public holidays. */
  holidays: z.enum(['jp', 'none']),
  closedDates: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')).max(366),
});
export type BusinessHours = z.output<typeof businessHoursSchema>;

const NINE_TO_SIX = [{ open: '09:00', close: '18:00' }];

/** Off until turned on; Monday to Friday 9 to 6 in Tokyo with Japan's holidays for a `ja` installation, UTC otherwise. */
export function defaultBusinessHours(locale: 'en' | 'ja' = 'ja'): BusinessHours {
  return {
    enabled: false,
    timeZone: locale === 'ja' ? 'Asia/Tokyo' : 'UTC',
    week: { mon: NINE_TO_SIX, tue: NINE_TO_SIX, wed: NINE_TO_SIX, thu: NINE_TO_SIX, fri: NINE_TO_SIX, sat: [], sun: [] },
    holidays: locale === 'ja' ? 'jp' : 'none',
    closedDates: [],
  };
}

const SETTING = 'business_hours';

export async function readBusinessHours(db: Kysely<Database>, locale: 'en' | 'ja' = 'ja'): Promise<BusinessHours> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', SETTING).executeTakeFirst();
  if (!row) return defaultBusinessHours(locale);
  const parsed = businessHoursSchema.safeParse(JSON.parse(row.value));
  return parsed.success ? parsed.data : defaultBusinessHours(locale);
}

export async function writeBusinessHours(db: Kysely<Database>, hours: BusinessHours): Promise<void> {
  const value = JSON.stringify(hours);
  await db
    .insertInto('settings')
    .values({ key: SETTING, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

/** The date (YYYY-MM-DD), weekday and minutes since midnight of `at` in `timeZone`. */
export function localTime(at: Date, timeZone: string): { date: string; weekday: Weekday; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = part('weekday').toLowerCase().slice(0, 3) as Weekday;
  return { date: `${part('year')}-${part('month')}-${part('day')}`, weekday, minutes: Number(part('hour')) * 60 + Number(part('minute')) };
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The public holiday on `date` (YYYY-MM-DD), when the schedule observes one. */
export function holidayOn(hours: BusinessHours, date: string): string | null {
  if (hours.holidays !== 'jp') return null;
  const holiday = (holidayJp.holidays as Readonly<Record<string, { name: string } | undefined>>)[date];
  return holiday?.name ?? null;
}

/** Whether the team is open at `at`. */
export function withinBusinessHours(hours: BusinessHours, at: Date): boolean {
  if (!hours.enabled) return true;
  const local = localTime(at, hours.timeZone);
  if (hours.closedDates.includes(local.date) || holidayOn(hours, local.date) !== null) return false;
  return hours.week[local.weekday].some((i) => local.minutes >= minutesOf(i.open) && local.minutes < minutesOf(i.close));
}
