/** The report's options once checked, and the data every renderer works from. */
import type { AlertLine } from '../core/alert.js';
import type { Totals } from '../core/totals.js';
import type { TokenField } from '../ledger/record.js';
import type { PeriodKind, WeekStart } from './calendar.js';

export type ReportFormat = 'markdown' | 'table' | 'json' | 'csv' | 'yaml';

export type ByDimension =
  | { kind: 'model' | 'provider' | 'agent' | 'operation' | 'session' | 'tier' }
  | { kind: 'label'; key: string };

export interface ReportOptions {
  period: PeriodKind;
  /** Canonical IANA name. */
  timeZone: string;
  weekStart: WeekStart;
  /** Inclusive local dates, "YYYY-MM-DD", or null for open ends. */
  since: string | null;
  until: string | null;
  by: ByDimension | null;
  format: ReportFormat;
  suggestions: boolean;
}

/**
 * Totals of a group of calls as the JSON output spells them (the stable shape): the
 * journal's Totals (core/totals.ts) with the cost named total_cost_usd.
 */
export type SummaryJson = Pick<Totals, 'calls' | TokenField | 'unpriced_calls'> & {
  /** Exact decimal string, priced calls only. */
  total_cost_usd: string;
};

export interface PeriodRow extends SummaryJson {
  period: string;
}

export interface ByRow extends SummaryJson {
  /** The group's value; null for calls without one (no agent, no operation, no such label). */
  key: string | null;
  /** Only when grouping by model: the same model name may be served by several providers. */
  provider?: string;
  /** Percent of the report's total cost, 2 decimals, as a string ("42.50"); null when that total is 0. */
  share: string | null;
}

/** A group inside the report with the extra figures the markdown shows. */
export interface Group extends SummaryJson {
  key: string | null;
  provider?: string;
  share: string | null;
  estimated_calls: number;
}

export interface SessionRow extends Group {
  key: string;
  status: string;
  first: string;
  last: string;
}

/** An alert line of monitoring/usage_alerts.log, as a report reads it. */
export type Alert = AlertLine;

export interface Suggestion {
  kind: 'cheaper-model' | 'heavy-operation' | 'prompt-caching' | 'retries';
  /** One sentence for people, figures included. */
  text: string;
  /** Dollars this could save (or, for retries, spent on retries), exact decimal string. */
  saving_usd: string;
  /** The figures the text is made from. */
  detail: Record<string, string | number | null>;
}

export interface ReportData {
  period: PeriodKind;
  timezone: string;
  week_start: 'mon' | 'sun';
  since: string | null;
  until: string | null;
  generated: string;
  summary: SummaryJson & { estimated_calls: number; cache_write_1h_tokens: number };
  /** The tool fees inside summary.total_cost_usd; null when no call had any. */
  tool_fees: { cost_usd: string; calls: number; uses: Record<string, number> } | null;
  periods: PeriodRow[];
  /** Cost per local day number of the days with priced calls, by day (the markdown's chart). */
  daily_costs: Array<[day: number, cost_usd: string]>;
  by: { dimension: string; rows: Group[] } | null;
  models: Group[];
  providers: Group[];
  agents: Group[];
  operations: Group[];
  top_sessions: SessionRow[];
  session_count: number;
  retries: { calls: number; cost_usd: string; tokens: number };
  alerts: Alert[];
  alerts_total: number;
  suggestions: Suggestion[] | null;
  /** Lines that were not ledger entries, and torn last lines, so the reader can see what was skipped. */
  skipped_lines: number;
  torn_files: string[];
}
