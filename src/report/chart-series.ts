/**
 * The bars of the report's cost chart: every day of the report's range, days without calls
 * as zeros, so a quiet day shows as a gap and not as a missing bar. A range of more than
 * MAX_BARS days is drawn by week, more than MAX_BARS weeks by month, then by year: the
 * chart keeps at most MAX_BARS bars, each with a short label that no other bar shares
 * ("Mon 11-23" within a week, "11-23" within a month, the week's first day for weeks,
 * "2026-11" for months).
 */
import Big from 'big.js';
import { civilFromDays, daysFromCivil, monthLabel, weekdayName, weekStartDay, type WeekStart } from './calendar.js';

/** Bars a chart draws at most (a month of days). */
export const MAX_BARS = 31;

export type BarUnit = 'day' | 'week' | 'month' | 'year';

export interface CostSeries {
  unit: BarUnit;
  labels: string[];
  /** Exact sums, one per label. */
  costs: Big[];
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const monthDay = (days: number): string => {
  const c = civilFromDays(days);
  return `${pad2(c.month)}-${pad2(c.day)}`;
};

interface Bucketing {
  unit: BarUnit;
  /** The first day of the bucket holding `days`. */
  start: (days: number) => number;
  /** The first day of the next bucket. */
  next: (start: number) => number;
  label: (start: number) => string;
}

function monthStart(days: number): number {
  const c = civilFromDays(days);
  return daysFromCivil(c.year, c.month, 1);
}

function bucketings(weekStart: WeekStart, days: number): Bucketing[] {
  return [
    { unit: 'day', start: (d) => d, next: (d) => d + 1, label: days <= 7 ? (d) => `${weekdayName(d)} ${monthDay(d)}` : monthDay },
    { unit: 'week', start: (d) => weekStartDay(d, weekStart), next: (d) => d + 7, label: monthDay },
    {
      unit: 'month',
      start: monthStart,
      next: (d) => {
        const c = civilFromDays(d);
        return c.month === 12 ? daysFromCivil(c.year + 1, 1, 1) : daysFromCivil(c.year, c.month + 1, 1);
      },
      label: monthLabel,
    },
    { unit: 'year', start: (d) => daysFromCivil(civilFromDays(d).year, 1, 1), next: (d) => daysFromCivil(civilFromDays(d).year + 1, 1, 1), label: (d) => String(civilFromDays(d).year) },
  ];
}

/**
 * Cost per bar from `first` to `last` (local day numbers, inclusive); `costs` are the days
 * that had priced calls, as exact decimal strings.
 */
export function costSeries(costs: ReadonlyArray<readonly [day: number, cost: string]>, first: number, last: number, weekStart: WeekStart): CostSeries {
  const all = bucketings(weekStart, last - first + 1);
  for (const b of all) {
    const starts: number[] = [];
    for (let d = b.start(first); d <= last && (starts.length <= MAX_BARS || b.unit === 'year'); d = b.next(d)) starts.push(d);
    if (starts.length > MAX_BARS && b.unit !== 'year') continue;
    const index = new Map(starts.map((s, i) => [s, i]));
    const sums = starts.map(() => new Big(0));
    for (const [day, cost] of costs) {
      const i = day >= first && day <= last ? index.get(b.start(day)) : undefined;
      if (i !== undefined) sums[i] = sums[i]!.plus(cost);
    }
    return { unit: b.unit, labels: starts.map(b.label), costs: sums };
  }
  throw new Error('unreachable: years always bucket');
}

const STEPS = ['1', '1.2', '1.5', '2', '2.5', '3', '4', '5', '6', '8', '10'];

/**
 * The y-axis top: the smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten
 * at or above the tallest bar, so the axis ends on a round number just above it.
 */
export function axisTop(max: Big): Big {
  if (max.lte(0)) return new Big(1);
  const power = new Big(10).pow(max.e);
  const mantissa = max.div(power);
  const step = STEPS.find((s) => new Big(s).gte(mantissa)) ?? '10';
  return power.times(step);
}
