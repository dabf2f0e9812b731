/**
 * Aggregator totals -> the report's data: exact strings for money, groups sorted by cost,
 * cost shares as percentages. Every renderer (markdown, table, JSON, CSV, YAML) reads this.
 */
import { moneyToString, type Money } from '../core/money.js';
import { dateLabel } from './calendar.js';
import type { Aggregator, SessionTally } from './aggregate.js';
import { Tally } from './tally.js';
import type { Alert, Group, PeriodRow, ReportData, ReportOptions, SessionRow, Suggestion, SummaryJson } from './types.js';

export const TOP_SESSIONS = 10;

export function summaryOf(t: Tally): SummaryJson {
  t.checkExact();
  return {
    calls: t.calls,
    input_tokens: t.input,
    output_tokens: t.output,
    cache_read_tokens: t.cacheRead,
    cache_write_tokens: t.cacheWrite,
    reasoning_tokens: t.reasoning,
    total_tokens: t.input + t.output,
    total_cost_usd: t.cost.toString(),
    unpriced_calls: t.unpriced,
  };
}

/** Percent of `whole`, two decimals, rounded half up ("42.50"); null when whole is 0. */
export function shareOf(part: Money, whole: Money): string | null {
  if (whole.eq(0)) return null;
  return part.times(100).div(whole).toFixed(2);
}

interface Keyed {
  key: string | null;
  provider?: string;
  tally: Tally;
}

/** Groups sorted by cost (exact), then calls, then key; each with its share of `whole`. */
export function groupsOf(items: Keyed[], whole: Money): Group[] {
  const rows = items.map((item) => ({ item, cost: item.tally.cost.toMoney() }));
  rows.sort((a, b) => b.cost.cmp(a.cost) || b.item.tally.calls - a.item.tally.calls || compareKeys(a.item, b.item));
  return rows.map(({ item, cost }) => ({
    key: item.key,
    ...(item.provider === undefined ? {} : { provider: item.provider }),
    ...summaryOf(item.tally),
    share: shareOf(cost, whole),
    estimated_calls: item.tally.estimated,
  }));
}

function compareKeys(a: Keyed, b: Keyed): number {
  const x = `${a.provider ?? ''}\u0000${a.key ?? ''}`;
  const y = `${b.provider ?? ''}\u0000${b.key ?? ''}`;
  return x < y ? -1 : x > y ? 1 : 0;
}

const keyed = <K extends string | null>(map: Map<K, Tally>): Keyed[] => [...map].map(([key, tally]) => ({ key, tally }));

export function modelItems(agg: Aggregator): Keyed[] {
  const items: Keyed[] = [];
  for (const [provider, models] of agg.models) for (const [model, tally] of models) items.push({ key: model, provider, tally });
  return items;
}

/** The most expensive sessions; ranked roughly by float first so only a few costs are made exact. */
function topSessions(agg: Aggregator, whole: Money, n: number): SessionRow[] {
  const all = [...agg.sessions];
  const rough = all.map(([key, s]) => ({ key, s, approx: s.cost.approximate() }));
  rough.sort((a, b) => b.approx - a.approx);
  const cutoff = rough[Math.min(n, rough.length) - 1]?.approx ?? 0;
  // Near-equal float costs may sort either way: keep every candidate within rounding of the cutoff.
  const candidates = rough.filter((r, i) => i < n || r.approx >= cutoff * (1 - 1e-9));
  const rows = groupsOf(
    candidates.map((r) => ({ key: r.key, tally: r.s })),
    whole,
  ).slice(0, n);
  return rows.map((row) => {
    const s = agg.sessions.get(row.key!) as SessionTally;
    return { ...row, key: row.key!, status: agg.sessionStatus.get(row.key!) ?? 'unknown', first: s.first, last: s.last };
  });
}

function periodRows(agg: Aggregator, options: ReportOptions): PeriodRow[] {
  if (options.period === 'session') {
    const sessions = [...agg.sessions].sort(([a, x], [b, y]) => (x.first < y.first ? -1 : x.first > y.first ? 1 : a < b ? -1 : a > b ? 1 : 0));
    return sessions.map(([period, t]) => ({ period, ...summaryOf(t) }));
  }
  return [...agg.periods].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([period, t]) => ({ period, ...summaryOf(t) }));
}

function byRows(agg: Aggregator, options: ReportOptions, whole: Money): ReportData['by'] {
  const by = options.by;
  if (by === null) return null;
  const providers = providerTallies(agg);
  const items: Keyed[] =
    by.kind === 'model'
      ? modelItems(agg)
      : by.kind === 'provider'
        ? keyed(providers)
        : by.kind === 'agent'
          ? keyed(agg.agents)
          : by.kind === 'operation'
            ? keyed(agg.operations)
            : by.kind === 'session'
              ? keyed(agg.sessions as Map<string, Tally>)
              : by.kind === 'tier'
                ? keyed(agg.tiers)
                : keyed(agg.labels);
  return { dimension: by.kind === 'label' ? `label:${by.key}` : by.kind, rows: groupsOf(items, whole) };
}

export function providerTallies(agg: Aggregator): Map<string, Tally> {
  const out = new Map<string, Tally>();
  for (const [provider, models] of agg.models) {
    const t = new Tally();
    for (const m of models.values()) t.addTally(m);
    out.set(provider, t);
  }
  return out;
}

export interface SummarizeInput {
  agg: Aggregator;
  options: ReportOptions;
  now: Date;
  alerts: { alerts: Alert[]; total: number };
  suggestions: Suggestion[] | null;
  skippedLines: number;
  tornFiles: string[];
}

export function summarize({ agg, options, now, alerts, suggestions, skippedLines, tornFiles }: SummarizeInput): ReportData {
  const whole = agg.total.cost.toMoney();
  const total = summaryOf(agg.total);
  return {
    period: options.period,
    timezone: options.timeZone,
    week_start: options.weekStart,
    since: options.since ?? (agg.total.calls ? dateLabel(agg.minDay) : null),
    until: options.until ?? (agg.total.calls ? dateLabel(agg.maxDay) : null),
    generated: now.toISOString(),
    summary: { ...total, estimated_calls: agg.total.estimated, cache_write_1h_tokens: agg.total.cacheWrite1h },
    tool_fees: agg.toolFees.calls === 0 ? null : { cost_usd: moneyToString(agg.toolFees.usd), calls: agg.toolFees.calls, uses: Object.fromEntries(agg.toolFees.uses) },
    periods: periodRows(agg, options),
    daily_costs: [...agg.dayCosts].sort(([a], [b]) => a - b).map(([day, sum]) => [day, sum.toString()]),
    by: byRows(agg, options, whole),
    models: groupsOf(modelItems(agg), whole),
    providers: groupsOf(keyed(providerTallies(agg)), whole),
    agents: groupsOf(keyed(agg.agents), whole),
    operations: groupsOf(keyed(agg.operations), whole),
    top_sessions: topSessions(agg, whole, TOP_SESSIONS),
    session_count: agg.sessions.size,
    retries: { calls: agg.retries.calls, cost_usd: agg.retries.cost.toString(), tokens: agg.retries.input + agg.retries.output },
    alerts: alerts.alerts,
    alerts_total: alerts.total,
    suggestions,
    skipped_lines: skippedLines,
    torn_files: tornFiles,
  };
}
