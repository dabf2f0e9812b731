/**
 * How an alert reads in the markdown (the journal's Alerts block, the report's Alerts
 * table): numbers for people, by what they measure — tokens with thousands separators
 * ("52,000 tokens"), money as dollars with a cost column's four decimals ("$0.5543"), the
 * value against its average or budget as a percentage ("748.8% of average"). The raw values
 * stay in monitoring/usage_alerts.log for scripts. With no alert there is no table, only a
 * sentence (NO_ALERTS); the first alert replaces it with the table.
 */
import Big from 'big.js';
import { formatCount, formatUsdCell } from '../core/money.js';
import { table } from '../markdown/build.js';
import { serializeNode } from '../markdown/serialize.js';
import { percentText, timeText } from './format.js';
import type { AlertLine } from '../core/alert.js';

export const ALERT_HEADER = ['Time', 'Kind', 'Session', 'Model', 'Value', 'Threshold', 'Average'];

/** What the Alerts block says while there is no alert (locate.ts finds it by this text). */
export const NO_ALERTS = 'No alerts.';

/** The fields of a logged alert the cells are made of. */
export type AlertFields = AlertLine;

const DECIMAL = /^\d+(?:\.\d+)?$/;

/**
 * Dollars or tokens. Budgets are dollars; a high-usage alert's identity names its metric.
 * Lines logged before alerts had an identity say it only through the value: token counts
 * are whole numbers, costs have decimals.
 */
export function alertUnit(a: AlertFields): 'usd' | 'tokens' {
  if (a.kind.startsWith('budget_')) return 'usd';
  const metric = /(?:^| )metric=(\w+)/.exec(a.id ?? '')?.[1];
  if (metric !== undefined) return metric === 'cost' ? 'usd' : 'tokens';
  return a.value.includes('.') ? 'usd' : 'tokens';
}

/** One number as people read it; text that is not a plain number is shown as it is. */
function amount(raw: string, unit: 'usd' | 'tokens'): string {
  const v = raw.trim();
  if (!DECIMAL.test(v)) return v;
  return unit === 'usd' ? formatUsdCell(v) : `${formatCount(Number(new Big(v).round(0, Big.roundHalfUp)))} tokens`;
}

/** "2026-11-24 09:00:04 UTC"; a time that is not a date is shown as logged. */
function alertTime(time: string): string {
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? time : timeText(new Date(ms).toISOString());
}

export function alertCells(a: AlertFields): string[] {
  const unit = alertUnit(a);
  const budget = a.kind.startsWith('budget_');
  // The value against what it is judged by: a budget's limit, a spike's rolling average.
  const base = budget ? a.threshold : a.average;
  const ratio = DECIMAL.test(a.value.trim()) && DECIMAL.test(base.trim()) && !new Big(base.trim()).eq(0) ? ` (${percentText(new Big(a.value.trim()), new Big(base.trim()))} of ${budget ? 'budget' : 'average'})` : '';
  return [alertTime(a.time), a.kind, a.session, a.model, `${amount(a.value, unit)}${ratio}`, amount(a.threshold, unit), amount(a.average, unit)];
}

/** The Alerts block: the sentence while there is none, else the table (compact rows, appended one by one). */
export function alertsBlockText(alerts: AlertFields[]): string {
  if (alerts.length === 0) return NO_ALERTS;
  return serializeNode(table(ALERT_HEADER, alerts.map(alertCells)), { alignTables: false });
}
