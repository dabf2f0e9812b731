/**
 * Which periodic reports are due (`tokj report --due`). A period is complete once its end —
 * local midnight after its last day, in the report's time zone — is at or before now. A
 * complete period is due when it had calls and monitoring/reports/ holds no report for it,
 * by name: usage_report_YYYYMMDD_<daily|weekly|monthly>.md, the date being the period's
 * first day (the hand-run report's usage_report_YYYYMMDD[_HHMMSS].md, with the kind added).
 * --due looks back at most DUE_LOOKBACK periods, and never before the first call's period;
 * --since moves the start (any distance back), --until the end.
 */
import { dateLabel, periodBounds, periodLabeller, type PeriodKind, type WeekStart } from './calendar.js';

export type DueKind = Exclude<PeriodKind, 'session'>;

/** Complete periods --due considers without --since: a month of days, ~7 months of weeks, 2.5 years of months. */
export const DUE_LOOKBACK = 31;

export interface Period {
  kind: DueKind;
  first: number;
  last: number;
  /** As the report's period column names it ("2026-W48", "2026-11", "2026-11-23"). */
  label: string;
}

/** usage_report_20261116_weekly.md */
export function dueFileName(p: Pick<Period, 'kind' | 'first'>): string {
  return `usage_report_${dateLabel(p.first).replace(/-/g, '')}_${p.kind}.md`;
}

export interface DueScope {
  kind: DueKind;
  weekStart: WeekStart;
  /** Today, a local day number in the report's time zone. */
  today: number;
  /** Local day of the first call in the ledger (null: no calls). */
  firstCallDay: number | null;
  /** --since / --until as local day numbers. */
  sinceDay: number | null;
  untilDay: number | null;
}

/** The last day a due period may end on: yesterday, or --until when earlier. */
export function lastDueDay(s: Pick<DueScope, 'today' | 'untilDay'>): number {
  return s.untilDay === null ? s.today - 1 : Math.min(s.today - 1, s.untilDay);
}

/**
 * The complete periods to consider, newest first: from the latest complete one back to the
 * one holding the first call (or --since), at most DUE_LOOKBACK of them without --since.
 * `older` counts the periods the lookback left out (they may still have calls).
 */
export function candidatePeriods(s: DueScope): { periods: Period[]; older: Period[] } {
  const periods: Period[] = [];
  const older: Period[] = [];
  if (s.firstCallDay === null) return { periods, older };
  const label = periodLabeller(s.kind, s.weekStart);
  const start = Math.max(s.firstCallDay, s.sinceDay === null ? -Infinity : periodBounds(s.kind, s.weekStart, s.sinceDay)[0]);
  let [first, last] = periodBounds(s.kind, s.weekStart, lastDueDay(s));
  if (last > lastDueDay(s)) [first, last] = periodBounds(s.kind, s.weekStart, first - 1);
  while (last >= start) {
    const p: Period = { kind: s.kind, first, last, label: label(first) };
    if (s.sinceDay === null && periods.length >= DUE_LOOKBACK) older.push(p);
    else periods.push(p);
    [first, last] = periodBounds(s.kind, s.weekStart, first - 1);
  }
  return { periods, older };
}
