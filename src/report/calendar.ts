/**
 * Calendar arithmetic on day numbers (days since 1970-01-01 in the report's time zone):
 * civil dates, ISO weeks, Sunday weeks, months. Integer math only, so bucketing a million
 * calls never formats a date; labels are cached per day by the caller.
 */

export const DAY_MS = 86_400_000;

export type PeriodKind = 'daily' | 'weekly' | 'monthly' | 'session';
export type WeekStart = 'mon' | 'sun';

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** Day number -> year, month (1-12), day (Howard Hinnant's civil_from_days). */
export function civilFromDays(days: number): CivilDate {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Year, month (1-12), day -> day number (days_from_civil; no Date, whose years 0-99 mean 19xx). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad4 = (n: number): string => String(n).padStart(4, '0');

/** Day number -> "2026-11-24". */
export function dateLabel(days: number): string {
  const c = civilFromDays(days);
  return `${pad4(c.year)}-${pad2(c.month)}-${pad2(c.day)}`;
}

/** Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday). */
export function isoWeekday(days: number): number {
  return (((days + 3) % 7) + 7) % 7;
}

/** ISO 8601 week label: the week belongs to the year of its Thursday ("2026-W53"). */
export function isoWeekLabel(days: number): string {
  const thursday = days - isoWeekday(days) + 3;
  const year = civilFromDays(thursday).year;
  const week = Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1;
  return `${pad4(year)}-W${pad2(week)}`;
}

/** A week starting on Sunday is named by that Sunday's date. */
export function sundayWeekLabel(days: number): string {
  return dateLabel(days - ((isoWeekday(days) + 1) % 7));
}

export function monthLabel(days: number): string {
  const c = civilFromDays(days);
  return `${pad4(c.year)}-${pad2(c.month)}`;
}

/** The labeller of a time period; `session` periods are labelled by session id instead. */
export function periodLabeller(period: Exclude<PeriodKind, 'session'>, weekStart: WeekStart): (days: number) => string {
  if (period === 'daily') return dateLabel;
  if (period === 'monthly') return monthLabel;
  return weekStart === 'sun' ? sundayWeekLabel : isoWeekLabel;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2026-11-24" -> day number, or null when it is not a real calendar date. */
export function parseDateLabel(text: string): number | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const days = daysFromCivil(year, month, day);
  const back = civilFromDays(days);
  return back.year === year && back.month === month && back.day === day ? days : null;
}

/** The first day of the week holding `days` (Monday, or Sunday with week start sun). */
export function weekStartDay(days: number, weekStart: WeekStart): number {
  return weekStart === 'sun' ? days - ((isoWeekday(days) + 1) % 7) : days - isoWeekday(days);
}

/** The first and last day of the period of this kind that holds `days`. */
export function periodBounds(period: Exclude<PeriodKind, 'session'>, weekStart: WeekStart, days: number): [first: number, last: number] {
  if (period === 'daily') return [days, days];
  if (period === 'weekly') {
    const first = weekStartDay(days, weekStart);
    return [first, first + 6];
  }
  const c = civilFromDays(days);
  const first = daysFromCivil(c.year, c.month, 1);
  return [first, (c.month === 12 ? daysFromCivil(c.year + 1, 1, 1) : daysFromCivil(c.year, c.month + 1, 1)) - 1];
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** "Mon" … "Sun". */
export function weekdayName(days: number): string {
  return WEEKDAYS[isoWeekday(days)]!;
}
