/**
 * The session file, monitoring/sessions/<id>.md. Headings keep the reference design's
 * names so existing readers find them; the tool owns one list or table per section and
 * leaves everything else a person wrote alone.
 */
import type { AlignType } from 'mdast';
import type { CallRecord } from '../ledger/record.js';
import type { ModelTotals, SessionState } from '../core/session-state.js';
import { formatUsd, parseMoney } from '../core/money.js';
import { alignedTableText, headingText, labelledListText, type DirectCell } from '../markdown/direct.js';
import type { DocEditor, Span } from '../markdown/editor.js';
import { locateBlocks, type BlockSpec, type LocatedDoc } from '../markdown/locate.js';
import { parseMarkdownLazily } from '../markdown/lazy-parse.js';
import type { LocatedSource, OpenedView } from '../markdown/view.js';
import { averageCost, averageCount, costCell, costPer1k, count, durationText, percentText, ratioText, timeText, totalCostCell, totalCostText } from './format.js';
import { compactTable, rowLine, rowLines } from './tables.js';

export const USAGE_HEADER = ['Call', 'Timestamp', 'Provider', 'Model', 'Input Tokens', 'Cached', 'Output Tokens', 'Reasoning', 'Total Tokens', 'Cost', 'Note'];
/** Numbers read right-aligned on GitHub and in editors' previews. */
const USAGE_ALIGN: AlignType[] = ['right', null, null, null, 'right', 'right', 'right', 'right', 'right', 'right', null];
export const BREAKDOWN_HEADER = ['Provider', 'Model', 'Calls', 'Input Tokens', 'Output Tokens', 'Total Tokens', 'Cost', 'Share'];

export const SESSION_BLOCKS: BlockSpec[] = [
  { name: 'info', section: 'Session Information', kind: 'list' },
  // Rendered whole from the ledger after a parse, never read back: a usage table of 256
  // rows and more is parsed without its middle rows (elide.ts).
  { name: 'usage', section: 'Usage Tracking', kind: 'table', header: USAGE_HEADER, owned: true, elideRowsFrom: 256 },
  { name: 'summary', section: 'Session Summary', kind: 'list' },
];

export const FINAL_BLOCKS: BlockSpec[] = [
  { name: 'completion', section: 'Session Completion', kind: 'list' },
  { name: 'breakdown', section: 'Cost Breakdown', kind: 'table', header: BREAKDOWN_HEADER, owned: true },
  { name: 'efficiency', section: 'Efficiency Metrics', kind: 'list' },
];

export function sessionBlocks(state: SessionState): BlockSpec[] {
  return state.status === 'active' ? SESSION_BLOCKS : [...SESSION_BLOCKS, ...FINAL_BLOCKS];
}

/** The template parsed once per process (and per block list), with its title's span. */
const templates = new Map<string, { located: LocatedDoc; title: Span | null }>();

/**
 * A new session file: the template with its title naming the session, its blocks located.
 * The template is parsed once; each session's skeleton differs only in the title, so the
 * blocks after it are the template's, shifted by the title's change in length.
 */
export async function sessionSkeleton(template: string, session: string, specs: BlockSpec[]): Promise<LocatedSource> {
  const key = `${specs.map((s) => s.name).join(',')}\u0000${template}`;
  let parsed = templates.get(key);
  if (!parsed) {
    const root = await parseMarkdownLazily(template);
    const title = root.children.find((n) => n.type === 'heading' && n.depth === 1)?.position;
    const span: Span | null = title?.start.offset !== undefined && title.end.offset !== undefined ? [title.start.offset, title.end.offset] : null;
    parsed = { located: locateBlocks(root, specs, 'templates/session.md', template), title: span };
    templates.set(key, parsed);
  }
  const line = headingText(1, `Token Usage Session: ${session}`);
  if (parsed.title === null) return { text: `${line}\n\n${template}`, located: shiftLocated(parsed.located, 0, line.length + 2) };
  const [start, end] = parsed.title;
  return { text: template.slice(0, start) + line + template.slice(end), located: shiftLocated(parsed.located, end, line.length - (end - start)) };
}

/** Moves every offset at or past `from` by `delta` (a copy: the parsed template is shared). */
function shiftLocated(doc: LocatedDoc, from: number, delta: number): LocatedDoc {
  const at = (n: number): number => (n >= from ? n + delta : n);
  const spans = (r: Record<string, Span>): Record<string, Span> => Object.fromEntries(Object.entries(r).map(([k, [a, b]]) => [k, [at(a), at(b)]]));
  return {
    regions: spans(doc.regions),
    missing: doc.missing,
    sectionEnds: Object.fromEntries(Object.entries(doc.sectionEnds).map(([k, n]) => [k, at(n)])),
    rows: Object.fromEntries(Object.entries(doc.rows).map(([k, r]) => [k, spans(r)])),
    rowCells: doc.rowCells,
    rowCounts: doc.rowCounts,
    foreign: {},
  };
}

function noteText(r: CallRecord): string {
  const parts: string[] = [];
  if (r.note) parts.push(r.note);
  if (r.attempt) parts.push(`attempt ${r.attempt}`);
  if (r.operation) parts.push(`op: ${r.operation}`);
  if (r.estimated) parts.push('estimated');
  parts.push(...billingNotes(r));
  return parts.join('; ');
}

/**
 * What the cost holds beyond tokens, in the Note cell so the table gets no wider for calls
 * without it: "batch", "tier flex", "tools $0.02 (web_search 2)", "incl. claude-opus-4-7
 * $0.03549". A call with none of these fields adds nothing (the views read as before).
 */
function billingNotes(r: CallRecord): string[] {
  const notes: string[] = [];
  if (r.batch) notes.push('batch');
  else if (r.service_tier) notes.push(`tier ${r.service_tier}`);
  if (r.tool_calls) {
    const uses = Object.entries(r.tool_calls).map(([tool, n]) => `${tool} ${count(n)}`).join(', ');
    notes.push(r.tool_cost_usd === undefined ? `tools: ${uses}` : `tools ${formatUsd(r.tool_cost_usd)} (${uses})`);
  }
  for (const sub of r.sub_calls ?? []) notes.push(`incl. ${sub.model} ${formatUsd(sub.cost_usd)}`);
  return notes;
}

function cachedText(r: CallRecord): string {
  if (r.cache_write_tokens === 0) return count(r.cache_read_tokens);
  return `${count(r.cache_read_tokens)} (+${count(r.cache_write_tokens)} written)`;
}

export function usageCells(r: CallRecord, n: number): string[] {
  const est = r.estimated ? '~' : '';
  return [
    String(n),
    timeText(r.timestamp),
    r.provider,
    r.model,
    `${est}${count(r.input_tokens)}`,
    cachedText(r),
    `${est}${count(r.output_tokens)}`,
    count(r.reasoning_tokens),
    `${est}${count(r.total_tokens)}`,
    costCell(r.cost_usd, r.estimated),
    noteText(r),
  ];
}

function infoItems(s: SessionState): Array<[string, string]> {
  const items: Array<[string, string]> = [
    ['Session ID', s.session],
    ['Model Provider', s.provider ?? 'n/a'],
    ['Model Name', s.model ?? 'n/a'],
    ['Agent', s.agent ?? 'n/a'],
    ['Started', timeText(s.started)],
    ['Status', s.status],
    ['Budget', s.budget_usd === null ? 'none' : formatUsd(s.budget_usd)],
  ];
  const labels = Object.entries(s.labels);
  if (labels.length > 0) items.push(['Labels', labels.map(([k, v]) => `${k}=${v}`).join(', ')]);
  return items;
}

function summaryItems(s: SessionState): Array<[string, string]> {
  const t = s.totals;
  const items: Array<[string, string]> = [
    ['Total Calls', count(t.calls)],
    ['Total Input Tokens', count(t.input_tokens)],
    ['Total Output Tokens', count(t.output_tokens)],
    ['Total Tokens', count(t.total_tokens)],
    ['Total Cost', totalCostText(t)],
  ];
  if (t.cache_read_tokens || t.cache_write_tokens) items.push(['Cache Tokens', `${count(t.cache_read_tokens)} read, ${count(t.cache_write_tokens)} written`]);
  if (t.reasoning_tokens) items.push(['Reasoning Tokens', count(t.reasoning_tokens)]);
  if (s.budget_usd !== null) items.push(['Budget Used', `${formatUsd(t.cost_usd)} of ${formatUsd(s.budget_usd)} (${percentText(parseMoney(t.cost_usd), parseMoney(s.budget_usd))})`]);
  if (t.estimated_calls) items.push(['Estimated Calls', count(t.estimated_calls)]);
  return items;
}

function completionItems(s: SessionState): Array<[string, string]> {
  const items: Array<[string, string]> = [
    ['Status', s.status],
    ['Completed', s.ended ? timeText(s.ended) : 'n/a'],
    ['Duration', s.ended ? durationText(s.started, s.ended) : 'n/a'],
    ['Notes', s.notes ?? 'none'],
  ];
  s.errors.forEach((e, i) => items.push([`Error ${i + 1} of ${s.errors.length}`, e]));
  return items;
}

/**
 * The model, and what its cost holds beyond standard-rate tokens: "gpt-4o (flex 2, batch 1;
 * tools $0.02)". A model without tiers or tool fees reads as before (the table gets no wider).
 */
function modelBilling(m: ModelTotals): string {
  const parts: string[] = [];
  const tiers = Object.entries(m.tiers ?? {}).map(([tier, n]) => `${tier} ${count(n)}`);
  if (tiers.length > 0) parts.push(tiers.join(', '));
  if (m.tool_cost_usd !== undefined) parts.push(`tools ${formatUsd(m.tool_cost_usd)}`);
  return parts.length === 0 ? m.model : `${m.model} (${parts.join('; ')})`;
}

function breakdownTable(s: SessionState): string {
  const models = Object.values(s.by_model).sort((a, b) => (a.provider + a.model < b.provider + b.model ? -1 : 1));
  const total = parseMoney(s.totals.cost_usd);
  const rows: DirectCell[][] = models.map((m) => [m.provider, modelBilling(m), count(m.calls), count(m.input_tokens), count(m.output_tokens), count(m.total_tokens), m.unpriced_calls === m.calls && m.calls > 0 ? 'n/a' : totalCostCell(m), percentText(parseMoney(m.cost_usd), total)]);
  const t = s.totals;
  // The TOTAL label is bold like the journal's: strong text, not literal stars.
  rows.push([{ strong: 'TOTAL' }, '', count(t.calls), count(t.input_tokens), count(t.output_tokens), count(t.total_tokens), totalCostCell(t), t.calls ? '100.0%' : 'n/a']);
  return alignedTableText(BREAKDOWN_HEADER, rows, [null, null, 'right', 'right', 'right', 'right', 'right', 'right']);
}

function efficiencyItems(s: SessionState): Array<[string, string]> {
  const t = s.totals;
  return [
    ['Average Input Tokens per Call', averageCount(t.input_tokens, t.calls)],
    ['Average Output Tokens per Call', averageCount(t.output_tokens, t.calls)],
    ['Average Cost per Call', averageCost(t)],
    ['Input/Output Ratio', t.output_tokens === 0 ? 'n/a (no output tokens)' : `${ratioText(t.input_tokens, t.output_tokens)} : 1`],
    ['Cost per 1K Tokens', costPer1k(t.cost_usd, pricedTokens(s))],
    ['Cache Read Share of Input', percentText(t.cache_read_tokens, t.input_tokens)],
  ];
}

function pricedTokens(s: SessionState): number {
  return Object.values(s.by_model).reduce((sum, m) => sum + (m.unpriced_calls === 0 ? m.total_tokens : 0), 0);
}

const list = labelledListText;

/**
 * Brings the view up to date. `newCalls` are appended as rows when they all sort after the
 * rows already there; null renders the usage table whole from every call of the session
 * (after a parse, or when a call arrived out of order), in view order.
 */
export function updateSessionView(view: OpenedView, s: SessionState, newCalls: CallRecord[] | null, allCalls: () => CallRecord[]): void {
  const { editor } = view;
  editor.replace('info', list(infoItems(s)));
  if (newCalls === null) {
    editor.replace('usage', compactTable(USAGE_HEADER, allCalls().map((r, i) => usageCells(r, i + 1)), USAGE_ALIGN));
  } else {
    // One splice for all new rows: a big import must not copy the file once per row.
    let n = s.totals.calls - newCalls.length;
    const lines = newCalls.length === 1 ? [rowLine(USAGE_HEADER, usageCells(newCalls[0]!, n + 1))] : rowLines(newCalls.map((r) => usageCells(r, ++n)));
    if (lines.length > 0) editor.appendTo('usage', `\n${lines.join('\n')}`);
  }
  editor.replace('summary', list(summaryItems(s)));
  if (s.status !== 'active') writeFinalSections(editor, s);
}

function writeFinalSections(editor: DocEditor, s: SessionState): void {
  upsertSection(editor, 'completion', 'Session Completion', list(completionItems(s)));
  upsertSection(editor, 'breakdown', 'Cost Breakdown', breakdownTable(s));
  upsertSection(editor, 'efficiency', 'Efficiency Metrics', list(efficiencyItems(s)));
}

/** Replaces a block, or adds its section at the end of the file (fast path, no parse). */
function upsertSection(editor: DocEditor, name: string, title: string, content: string): void {
  if (editor.has(name)) {
    editor.replace(name, content);
    return;
  }
  editor.insert(name, editor.text.length, content, `${editor.appendLead()}${headingText(2, title)}\n\n`, '\n');
}
