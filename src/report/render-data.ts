/**
 * The machine formats. JSON is the documented, stable shape CI scripts read with jq:
 *   { period, timezone, since, until, summary, periods: [{ period, ...totals }],
 *     by?: [{ key, provider?, ...totals, share }], suggestions? }
 * where totals are calls, input_tokens, output_tokens, cache_read_tokens,
 * cache_write_tokens, reasoning_tokens, total_tokens (input + output), total_cost_usd (an
 * exact decimal string, priced calls only) and unpriced_calls; share is the group's percent
 * of the total cost as a string with two decimals ("42.50"), null when that total is 0.
 * YAML is the same data; CSV is one header row and a row per period, or per --by group.
 */
import { stringify as csvStringify } from 'csv-stringify/sync';
import YAML from 'yaml';
import type { ByRow, Group, ReportData, SummaryJson } from './types.js';

const TOTAL_FIELDS = [
  'calls',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'total_tokens',
  'total_cost_usd',
  'unpriced_calls',
] as const satisfies ReadonlyArray<keyof SummaryJson>;

function totals(s: SummaryJson): SummaryJson {
  const out = {} as Record<string, unknown>;
  for (const f of TOTAL_FIELDS) out[f] = s[f];
  return out as unknown as SummaryJson;
}

function byRow(g: Group): ByRow {
  return { key: g.key, ...(g.provider === undefined ? {} : { provider: g.provider }), ...totals(g), share: g.share };
}

export interface ReportJson {
  period: string;
  timezone: string;
  since: string | null;
  until: string | null;
  summary: SummaryJson;
  periods: Array<{ period: string } & SummaryJson>;
  by?: ByRow[];
  /** Only when some call paid tool fees: the part of summary.total_cost_usd they are. */
  tool_fees?: NonNullable<ReportData['tool_fees']>;
  suggestions?: ReportData['suggestions'];
}

export function reportJson(data: ReportData): ReportJson {
  return {
    period: data.period,
    timezone: data.timezone,
    since: data.since,
    until: data.until,
    summary: totals(data.summary),
    periods: data.periods.map((p) => ({ period: p.period, ...totals(p) })),
    ...(data.by === null ? {} : { by: data.by.rows.map(byRow) }),
    ...(data.tool_fees === null ? {} : { tool_fees: data.tool_fees }),
    ...(data.suggestions === null ? {} : { suggestions: data.suggestions }),
  };
}

export function renderJson(data: ReportData): string {
  return `${JSON.stringify(reportJson(data), null, 2)}\n`;
}

export function renderYaml(data: ReportData): string {
  return YAML.stringify(reportJson(data));
}

export function renderCsv(data: ReportData): string {
  if (data.by !== null) {
    const withProvider = data.by.dimension === 'model';
    const columns = ['key', ...(withProvider ? ['provider'] : []), ...TOTAL_FIELDS, 'share'];
    const rows = data.by.rows.map(byRow).map((r) => columns.map((c) => (r as unknown as Record<string, unknown>)[c] ?? ''));
    return csvStringify(rows, { header: true, columns });
  }
  const columns = ['period', ...TOTAL_FIELDS];
  const rows = data.periods.map((p) => columns.map((c) => (p as unknown as Record<string, unknown>)[c]));
  return csvStringify(rows, { header: true, columns });
}
