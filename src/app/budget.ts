/**
 * Budgets: a session's (init --budget) from its state; daily and monthly ones (config)
 * from the ledger's calls in the current day or month of the configured time zone.
 */
import Big from 'big.js';
import type { SessionState } from '../core/session-state.js';
import { DecimalSum } from '../core/decimal-sum.js';
import { formatUsd } from '../core/money.js';
import { listSegments, scanLedger } from '../ledger/store.js';
import { dateLabel, monthLabel } from '../report/calendar.js';
import { ZoneDays } from '../report/zone.js';
import type { Alert } from './alerts.js';
import type { JournalConfig } from './config.js';
import { settingValue } from './settings.js';

export type BudgetScope = 'session' | 'day' | 'month';

export interface BudgetStatus {
  scope: BudgetScope;
  /** What the budget covers: the session id, "2026-11-24", "2026-11". */
  label: string;
  spent: Big;
  limit: Big;
  state: 'ok' | 'warning' | 'exceeded';
  /** Spend as a percentage of the limit. */
  percent: Big;
}

export function budgetState(spent: Big, limit: Big, warnPercent: number): BudgetStatus['state'] {
  if (spent.gt(limit)) return 'exceeded';
  if (limit.eq(0) ? spent.gt(0) : spent.times(100).div(limit).gte(warnPercent)) return 'warning';
  return 'ok';
}

function status(scope: BudgetScope, label: string, spent: Big, limit: Big, warnPercent: number): BudgetStatus {
  const percent = limit.eq(0) ? new Big(spent.gt(0) ? 100 : 0) : spent.times(100).div(limit);
  return { scope, label, spent, limit, state: budgetState(spent, limit, warnPercent), percent };
}

export function sessionBudget(s: SessionState, warnPercent: number): BudgetStatus | null {
  if (s.budget_usd === null) return null;
  return status('session', s.session, new Big(s.totals.cost_usd), new Big(s.budget_usd), warnPercent);
}

/** The label of a local day: "2026-11-24" (day) or "2026-11" (month). */
const labelOfDay = (day: number, period: 'day' | 'month'): string => (period === 'day' ? dateLabel(day) : monthLabel(day));

/** "2026-11-24" (day) or "2026-11" (month) of an instant in a time zone (the machine's when undefined). */
export function periodLabel(at: Date, period: 'day' | 'month', timeZone: string | undefined): string {
  return labelOfDay(new ZoneDays(timeZone).dayOfMs(at.getTime()), period);
}

/**
 * Spend of the day or month containing `now`, in `timeZone`, scanning recent ledger segments
 * only. Calls are put in local days as the report does (report/zone.ts), so a budget and a
 * report of the same day agree.
 */
export function periodSpend(ledgerDir: string, period: 'day' | 'month', now: Date, timeZone: string | undefined): { label: string; spent: Big } {
  const zone = new ZoneDays(timeZone);
  const label = labelOfDay(zone.dayOfMs(now.getTime()), period);
  // Segments are named by the month they were written in; a call of this period was written
  // this month or (time zones) at the end of the previous one.
  const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  const first = listSegments(ledgerDir).find((f) => f >= previous) ?? '';
  // Days already known to be in (or out of) the period: a label per call would cost more.
  let inDay = NaN;
  let outDay = NaN;
  const spent = new DecimalSum();
  for (const line of scanLedger(ledgerDir, first)) {
    const e = line.entry;
    if (e?.type !== 'call' || e.cost_usd === null) continue;
    const day = zone.dayOf(e.timestamp);
    if (day === outDay || Number.isNaN(day)) continue;
    if (day !== inDay) {
      if (labelOfDay(day, period) !== label) {
        outDay = day;
        continue;
      }
      inDay = day;
    }
    spent.addDecimal(e.cost_usd);
  }
  return { label, spent: spent.toMoney() };
}

export function periodBudget(ledgerDir: string, period: 'day' | 'month', limit: string, now: Date, timeZone: string | undefined, warnPercent: number): BudgetStatus {
  const { label, spent } = periodSpend(ledgerDir, period, now, timeZone);
  return status(period, label, spent, new Big(limit), warnPercent);
}

/**
 * The budgets that apply now, as record's checks, `budget check` and `status` all see them:
 * the session's own (when it has one and `session` is given), then the configured daily and
 * monthly ones, in the configured time zone. `only` keeps one scope.
 */
export function budgetsInForce(ledgerDir: string, session: SessionState | null, config: JournalConfig, now: Date, only?: BudgetScope): BudgetStatus[] {
  const warn = Number(settingValue(config.settings, 'budget.warn_percent'));
  const tz = settingValue(config.settings, 'report.timezone') || undefined;
  const budgets: BudgetStatus[] = [];
  const own = session && (only === undefined || only === 'session') ? sessionBudget(session, warn) : null;
  if (own) budgets.push(own);
  for (const period of ['day', 'month'] as const) {
    if (only !== undefined && only !== period) continue;
    const limit = settingValue(config.settings, periodBudgetKey(period));
    if (limit !== '') budgets.push(periodBudget(ledgerDir, period, limit, now, tz, warn));
  }
  return budgets;
}

/** The config setting of a day's or a month's budget. */
export const periodBudgetKey = (period: 'day' | 'month'): 'budget.daily' | 'budget.monthly' => (period === 'day' ? 'budget.daily' : 'budget.monthly');

/** A budget as `budget check --json` and `status --json` print it (exact decimals as strings). */
export function budgetJson(b: BudgetStatus): { scope: BudgetScope; label: string; spent_usd: string; limit_usd: string; percent: string; state: BudgetStatus['state'] } {
  return { scope: b.scope, label: b.label, spent_usd: b.spent.toString(), limit_usd: b.limit.toString(), percent: b.percent.toFixed(1), state: b.state };
}

export function budgetMessage(b: BudgetStatus): string {
  const head = b.state === 'exceeded' ? 'BUDGET EXCEEDED' : b.state === 'warning' ? 'BUDGET WARNING' : 'Within budget';
  const what = b.scope === 'session' ? `session ${b.label}` : `${b.scope} ${b.label}`;
  return `${head}: ${what} spent ${formatUsd(b.spent)} of ${formatUsd(b.limit)} (${b.percent.toFixed(1)}%)`;
}

/**
 * The alert a budget in warning or exceeded raises, or null when it is ok. Its identity (see
 * alerts.ts) is the budget — scope, period, limit — and the state it reached, not the call that
 * crossed it: record, --enforce and budget check all name the same alert, whoever looks
 * first logs it, and a changed limit is a new line to cross.
 */
export function budgetAlert(b: BudgetStatus, about: { time: string; session: string; model: string }): Alert | null {
  if (b.state === 'ok') return null;
  const kind = b.state === 'exceeded' ? 'budget_exceeded' : 'budget_warning';
  return { ...about, kind, id: `${kind} ${b.scope}=${b.label} limit=${b.limit.toString()}`, value: b.spent.toString(), threshold: b.limit.toString(), average: '', message: budgetMessage(b) };
}

/**
 * What `tokj status` says of a budget: "budget $1.00 — used $1.10 (110%), over by $0.10",
 * "daily budget $25.00 (2026-11-24) — used $4.40 (17.6%), $20.60 left".
 */
export function budgetUsedText(b: BudgetStatus): string {
  const what = b.scope === 'session' ? 'budget' : `${b.scope === 'day' ? 'daily' : 'monthly'} budget`;
  const period = b.scope === 'session' ? '' : ` (${b.label})`;
  const percent = b.limit.eq(0) ? '' : ` (${b.spent.times(100).div(b.limit).toFixed(1).replace(/\.0$/, '')}%)`;
  const rest = b.spent.gt(b.limit) ? `over by ${formatUsd(b.spent.minus(b.limit))}` : `${formatUsd(b.limit.minus(b.spent))} left`;
  return `${what} ${formatUsd(b.limit)}${period} — used ${formatUsd(b.spent)}${percent}, ${rest}`;
}
