/**
 * The markdown report, built as an mdast tree and serialized (cells are text nodes, so a
 * `|` or `<script>` in a model, agent or session name is escaped by the serializer, never
 * by hand). Sections, in order: the report's scope, Totals, Usage by Period (+ a bar chart),
 * Cost by Model (+ a pie), Cost by Provider, Cost by Agent, the --by breakdown when it is
 * another one, Top Sessions, Efficiency Metrics, Alerts, Suggestions (with --suggestions),
 * Notes (lines skipped).
 */
import type { AlignType, Root, RootContent } from 'mdast';
import { formatCount, formatUsd, parseMoney } from '../core/money.js';
import type { List, Paragraph } from 'mdast';
import { bulletList, heading, paragraph, table } from '../markdown/build.js';
import { wrappedLabelledList, wrappedText } from '../markdown/wrap.js';
import { ALERT_HEADER, alertCells } from '../views/alert-cells.js';
import { serializeNode } from '../markdown/serialize.js';
import { averageCount, percentText, ratioText, timeText } from '../views/format.js';
import { MAX_ALERTS } from './alerts.js';
import { barChart, pieChart } from './mermaid.js';
import { costCellText, costText, rangeText, shareText } from './text.js';
import { parseDateLabel } from './calendar.js';
import { costSeries } from './chart-series.js';
import type { Group, ReportData, SummaryJson } from './types.js';

const R: AlignType = 'right';
const figures = (s: SummaryJson): string[] => [formatCount(s.calls), formatCount(s.input_tokens), formatCount(s.output_tokens), formatCount(s.total_tokens), costCellText(s)];
const keyText = (key: string | null): string => key ?? '(none)';

/*
 * The report's prose is wrapped at the line length of the journal's markdownlint config
 * (markdown/wrap.ts): a report is written once, so its lines can be broken anywhere.
 */
const prose = (value: string): Paragraph => paragraph([wrappedText(value, 0)]);
const bullets = (values: string[]): List => bulletList(values.map((v) => [wrappedText(v, 2, 2)]));

function scopeItems(d: ReportData): Array<[string, string]> {
  return [
    ['Period', d.period === 'session' ? 'per session' : d.period],
    ['Time Zone', d.timezone],
    ['Range', rangeText(d)],
    ...(d.period === 'weekly' ? ([['Weeks', d.week_start === 'sun' ? 'Sunday to Saturday, named by the Sunday' : 'ISO 8601, Monday to Sunday']] as Array<[string, string]>) : []),
    ['Generated', timeText(d.generated)],
  ];
}

function totalItems(d: ReportData): Array<[string, string]> {
  const s = d.summary;
  return [
    ['Calls', formatCount(s.calls)],
    ['Input Tokens', formatCount(s.input_tokens)],
    ['Output Tokens', formatCount(s.output_tokens)],
    ['Cache Read Tokens', formatCount(s.cache_read_tokens)],
    ['Cache Write Tokens', formatCount(s.cache_write_tokens)],
    ['Reasoning Tokens', formatCount(s.reasoning_tokens)],
    ['Total Tokens', formatCount(s.total_tokens)],
    ['Total Cost', costText(s)],
    // Only when some call paid tool fees: a report without them reads as before.
    ...(d.tool_fees === null ? [] : ([['Tool Fees', toolFeeText(d.tool_fees)]] as Array<[string, string]>)),
    ['Unpriced Calls', formatCount(s.unpriced_calls)],
    ['Estimated Calls', formatCount(s.estimated_calls)],
    ['Sessions', formatCount(d.session_count)],
  ];
}

/** "$0.04 of the total, 2 calls (web_search 3, file_search 1)". */
function toolFeeText(t: NonNullable<ReportData['tool_fees']>): string {
  const uses = Object.entries(t.uses).map(([tool, n]) => `${tool} ${formatCount(n)}`).join(', ');
  return `${formatUsd(t.cost_usd)} of the total, ${formatCount(t.calls)} call${t.calls === 1 ? '' : 's'}${uses ? ` (${uses})` : ''}`;
}

function periodSection(d: ReportData): RootContent[] {
  const first = d.period === 'session' ? 'Session' : 'Period';
  const rows = d.periods.map((p) => [p.period, ...figures(p), formatCount(p.unpriced_calls)]);
  const out: RootContent[] = [heading(2, 'Usage by Period'), table([first, 'Calls', 'Input Tokens', 'Output Tokens', 'Total Tokens', 'Cost', 'Unpriced Calls'], rows, [null, R, R, R, R, R, R])];
  const chart = costChart(d);
  if (chart) out.push(chart);
  return out;
}

const UNIT_TITLES = { day: 'Cost per day', week: 'Cost per week', month: 'Cost per month', year: 'Cost per year' } as const;

/** Cost over every day of the report's range (by week or month when that is long), whatever its period. */
function costChart(d: ReportData): RootContent | null {
  const first = d.since === null ? null : parseDateLabel(d.since);
  const last = d.until === null ? null : parseDateLabel(d.until);
  if (first === null || last === null || last < first) return null;
  const series = costSeries(d.daily_costs, first, last, d.week_start);
  const weeks = series.unit === 'week' ? (d.week_start === 'sun' ? ', weeks from Sunday' : ', weeks from Monday') : '';
  return barChart(`${UNIT_TITLES[series.unit]} (USD${weeks})`, series, 'USD');
}

function groupTable(first: string[], groups: Group[], cells: (g: Group) => string[]): RootContent {
  const rows = groups.map((g) => [...cells(g), ...figures(g), shareText(g.share)]);
  return table([...first, 'Calls', 'Input Tokens', 'Output Tokens', 'Total Tokens', 'Cost', 'Share'], rows, [...first.map(() => null), R, R, R, R, R, R]);
}

function breakdowns(d: ReportData): RootContent[] {
  const out: RootContent[] = [heading(2, 'Cost by Model'), groupTable(['Provider', 'Model'], d.models, (g) => [g.provider ?? '', keyText(g.key)])];
  const ambiguous = new Set(d.models.map((m) => m.key)).size < d.models.length;
  const pie = pieChart(
    'Cost by model (% of total cost)',
    d.models.map((m) => ({ label: ambiguous ? `${m.provider}/${m.key}` : keyText(m.key), percent: m.share ?? '0' })),
  );
  if (pie) out.push(pie);
  out.push(heading(2, 'Cost by Provider'), groupTable(['Provider'], d.providers, (g) => [keyText(g.key)]));
  out.push(heading(2, 'Cost by Agent'), groupTable(['Agent'], d.agents, (g) => [keyText(g.key)]));
  const by = d.by;
  if (by !== null && !['model', 'provider', 'agent'].includes(by.dimension)) {
    const title = by.dimension.startsWith('label:') ? `Cost by Label ${by.dimension.slice('label:'.length)}` : `Cost by ${by.dimension[0]!.toUpperCase()}${by.dimension.slice(1)}`;
    const column = by.dimension.startsWith('label:') ? by.dimension.slice('label:'.length) : `${by.dimension[0]!.toUpperCase()}${by.dimension.slice(1)}`;
    out.push(heading(2, title), groupTable([column], by.rows, (g) => [keyText(g.key)]));
  }
  return out;
}

function sessionSection(d: ReportData): RootContent[] {
  const rows = d.top_sessions.map((s) => [s.key, s.status, ...figures(s), shareText(s.share), timeText(s.first)]);
  const out: RootContent[] = [heading(2, 'Top Sessions')];
  if (d.session_count > d.top_sessions.length) out.push(prose(`The ${d.top_sessions.length} most expensive of ${formatCount(d.session_count)} sessions.`));
  out.push(table(['Session', 'Status', 'Calls', 'Input Tokens', 'Output Tokens', 'Total Tokens', 'Cost', 'Share', 'First Call'], rows, [null, null, R, R, R, R, R, R, null]));
  return out;
}

function efficiencyItems(d: ReportData): Array<[string, string]> {
  const s = d.summary;
  const priced = s.calls - s.unpriced_calls;
  const pricedTokens = d.models.reduce((sum, m) => sum + (m.unpriced_calls === 0 ? m.total_tokens : 0), 0);
  const cost = parseMoney(s.total_cost_usd);
  return [
    ['Average Input Tokens per Call', averageCount(s.input_tokens, s.calls)],
    ['Average Output Tokens per Call', averageCount(s.output_tokens, s.calls)],
    ['Average Cost per Priced Call', priced === 0 ? 'n/a' : formatUsd(cost.div(priced))],
    ['Input/Output Ratio', s.output_tokens === 0 ? 'n/a (no output tokens)' : `${ratioText(s.input_tokens, s.output_tokens)} : 1`],
    ['Cost per 1K Tokens', pricedTokens === 0 ? 'n/a' : formatUsd(cost.times(1000).div(pricedTokens))],
    ['Cache Read Share of Input', percentText(s.cache_read_tokens, s.input_tokens)],
    ['Reasoning Share of Output', percentText(s.reasoning_tokens, s.output_tokens)],
    ['Retried Calls', `${formatCount(d.retries.calls)} (${formatUsd(d.retries.cost_usd)})`],
  ];
}

function alertSection(d: ReportData): RootContent[] {
  const out: RootContent[] = [heading(2, 'Alerts')];
  if (d.alerts_total === 0) return [...out, prose('No alerts were raised in this period.')];
  if (d.alerts_total > d.alerts.length) out.push(prose(`The latest ${d.alerts.length} of ${formatCount(d.alerts_total)} alerts (at most ${MAX_ALERTS} are listed).`));
  out.push(table(ALERT_HEADER, d.alerts.map(alertCells)));
  return out;
}

function suggestionSection(d: ReportData): RootContent[] {
  if (d.suggestions === null) return [];
  const out: RootContent[] = [heading(2, 'Suggestions')];
  if (d.suggestions.length === 0) return [...out, prose('Nothing to suggest: no cheaper model of the same provider, no unusually heavy operation, no large prompts missing the cache, no retries.')];
  out.push(bullets(d.suggestions.map((s) => s.text)));
  return out;
}

function notes(d: ReportData): RootContent[] {
  const items: string[] = [];
  if (d.skipped_lines > 0) items.push(`${formatCount(d.skipped_lines)} ledger line${d.skipped_lines === 1 ? ' was' : 's were'} not a usable ledger entry and ${d.skipped_lines === 1 ? 'was' : 'were'} skipped.`);
  for (const f of d.torn_files) items.push(`The last line of ledger/${f} is incomplete (a write in progress, or torn) and was not counted.`);
  return items.length === 0 ? [] : [heading(2, 'Notes'), bullets(items)];
}

export function reportTree(d: ReportData): Root {
  return {
    type: 'root',
    children: [
      heading(1, 'Usage Report'),
      wrappedLabelledList(scopeItems(d)),
      heading(2, 'Totals'),
      wrappedLabelledList(totalItems(d)),
      ...periodSection(d),
      ...breakdowns(d),
      ...sessionSection(d),
      heading(2, 'Efficiency Metrics'),
      wrappedLabelledList(efficiencyItems(d)),
      ...alertSection(d),
      ...suggestionSection(d),
      ...notes(d),
    ],
  };
}

export function renderMarkdown(d: ReportData): string {
  return `${serializeNode(reportTree(d))}\n`;
}
