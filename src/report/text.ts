/** Figures for people, shared by the markdown and table renderers (exact values are in JSON). */
import { formatCount, formatUsd, formatUsdCell } from '../core/money.js';
import type { ReportData, SummaryJson } from './types.js';

/** "$1.25", "$1.25 + 3 unpriced calls", or "n/a" when no call of the group had a price. */
export function costText(s: SummaryJson, format: (usd: string) => string = formatUsd): string {
  if (s.calls > 0 && s.unpriced_calls === s.calls) return 'n/a';
  const base = format(s.total_cost_usd);
  if (s.unpriced_calls === 0) return base;
  return `${base} + ${formatCount(s.unpriced_calls)} unpriced call${s.unpriced_calls === 1 ? '' : 's'}`;
}

/** costText for a table's cost column: four decimals in every row ("$1.2500"). */
export const costCellText = (s: SummaryJson): string => costText(s, formatUsdCell);

export function shareText(share: string | null): string {
  return share === null ? 'n/a' : `${share}%`;
}

export function rangeText(data: Pick<ReportData, 'since' | 'until'>): string {
  if (data.since === null && data.until === null) return 'no calls recorded';
  return `${data.since ?? 'the first call'} to ${data.until ?? 'the last call'}`;
}

export const PERIOD_NOUN: Record<ReportData['period'], string> = { daily: 'day', weekly: 'week', monthly: 'month', session: 'session' };
