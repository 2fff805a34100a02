import { describe, expect, it } from 'vitest';
import { businessHoursSchema, defaultBusinessHours, holidayOn, localTime, withinBusinessHours, type BusinessHours } from './business-hours.ts';

const tokyo: BusinessHours = { ...defaultBusinessHours('ja'), enabled: true, closedDates: ['2026-12-29'] };

describe('business hours', () => {
  it('are open all the time until turned on', () => {
    expect(withinBusinessHours(defaultBusinessHours('ja'), new Date('2026-01-01T15:00:00Z'))).toBe(true);
  });

  it('read the clock in their time zone: 9:00 in Tokyo is 0:00 UTC', () => {
    // Tuesday 2026-12-08.
    expect(withinBusinessHours(tokyo, new Date('2026-12-08T00:00:00Z'))).toBe(true); // 09:00 JST
    expect(withinBusinessHours(tokyo, new Date('2026-12-07T23:59:00Z'))).toBe(false); // 08:59 JST
    expect(withinBusinessHours(tokyo, new Date('2026-12-08T08:59:00Z'))).toBe(true); // 17:59 JST
    expect(withinBusinessHours(tokyo, new Date('2026-12-08T09:00:00Z'))).toBe(false); // 18:00 JST, closed
    expect(localTime(new Date('2026-12-08T00:00:00Z'), 'Asia/Tokyo')).toEqual({ date: '2026-12-08', weekday: 'tue', minutes: 540 });
  });

  it('are closed at weekends, on Japanese public holidays and on closed dates', () => {
    expect(withinBusinessHours(tokyo, new Date('2026-12-12T02:00:00Z'))).toBe(false); // Saturday 11:00 JST
    // 2026-11-23 (Monday) is 勤労感謝の日.
    expect(holidayOn(tokyo, '2026-11-23')).toBe('勤労感謝の日');
    expect(withinBusinessHours(tokyo, new Date('2026-11-23T02:00:00Z'))).toBe(false);
    expect(withinBusinessHours({ ...tokyo, holidays: 'none' }, new Date('2026-11-23T02:00:00Z'))).toBe(true);
    expect(withinBusinessHours(tokyo, new Date('2026-12-29T02:00:00Z'))).toBe(false); // closed date, a Tuesday
  });

  it('refuse an unknown time zone, a malformed time and an interval that closes before it opens, naming the field', () => {
    const bad = businessHoursSchema.safeParse({
      ...tokyo,
      timeZone: 'Mars/Olympus',
      week: { ...tokyo.week, mon: [{ open: '18:00', close: '09:00' }], tue: [{ open: '9am', close: '18:00' }] },
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['timeZone', 'week.mon.0.close', 'week.tue.0.open']));
  });
});
