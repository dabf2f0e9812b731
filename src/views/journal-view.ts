/**
 * The main journal, work_journal/token_usage.md: a usage summary per provider and model
 * with a TOTAL row, the total cost line, a row per month linking its log, the latest
 * sessions, a short analysis and the alerts. Every block is bounded whatever the history
 * (a row per session is in the month logs, month-log-view.ts), so a record costs the same
 * after years as on the first day.
 */
import type { JournalState } from '../core/journal-state.js';
import { modelsInOrder, type SessionState } from '../core/session-state.js';
import { formatUsd, parseMoney } from '../core/money.js';
import { paragraph, strong, text } from '../markdown/build.js';
import { alignedTableText, labelledListText, type DirectCell } from '../markdown/direct.js';
import type { BlockSpec } from '../markdown/locate.js';
import { serializeNode } from '../markdown/serialize.js';
import { wrappedText } from '../markdown/wrap.js';
import type { OpenedView } from '../markdown/view.js';
import { averageCount, count, percentText, timeText, totalCostCell, totalCostText } from './format.js';
import { replaceKeyedTable, rowLine, upsertKeyedRow, type Cells } from './tables.js';
import type { Alert } from '../core/alert.js';
import { ALERT_HEADER, alertCells, alertsBlockText, NO_ALERTS } from './alert-cells.js';

export const SUMMARY_HEADER = ['Provider', 'Model', 'Sessions', 'Calls', 'Input Tokens', 'Output Tokens', 'Total Tokens', 'Avg Tokens/Call', 'Cost'];
export const LOG_HEADER = ['Session', 'Started', 'Status', 'Provider/Model', 'Calls', 'Tokens', 'Cost'];
export const LOG_ALIGN = [null, null, null, null, 'right', 'right', 'right'] as const;
export const MONTH_HEADER = ['Month', 'Sessions', 'Calls', 'Total Tokens', 'Cost', 'Log'];
export { ALERT_HEADER };

export const JOURNAL_BLOCKS: BlockSpec[] = [
  { name: 'summary', section: 'Usage Summary', kind: 'table', header: SUMMARY_HEADER, owned: true },
  { name: 'total', section: 'Usage Summary', kind: 'paragraph', label: 'Total Estimated Cost' },
  { name: 'months', section: 'Monthly Summary', kind: 'table', header: MONTH_HEADER, owned: true },
  { name: 'recent', section: 'Recent Sessions', kind: 'table', header: LOG_HEADER, rowsByKey: true, owned: true },
  { name: 'analysis', section: 'Usage Analysis', kind: 'list' },
  { name: 'alerts', section: 'Alerts', kind: 'table', header: ALERT_HEADER, owned: true, placeholder: NO_ALERTS },
  // Journals written before the month logs listed every session here: the table is
  // replaced by a pointer to the month logs (which list them all), never inserted.
  { name: 'old-log', section: 'Detailed Usage Log', kind: 'table', header: LOG_HEADER, owned: true, retired: true },
];

const OLD_LOG_MOVED = 'Moved: every session is listed in its month log (work_journal/log/), linked from the Monthly Summary above.';

/** Models by provider, then name: the summary's rows, and the first of equals wins a tie. */
function modelsByName(j: JournalState): JournalState['by_model'][string][] {
  return Object.values(j.by_model).sort((a, b) => (a.provider === b.provider ? (a.model < b.model ? -1 : 1) : a.provider < b.provider ? -1 : 1));
}

function summaryTable(j: JournalState): string {
  const models = modelsByName(j);
  const rows: DirectCell[][] = models.map((m) => [
    m.provider,
    m.model,
    count(m.sessions),
    count(m.calls),
    count(m.input_tokens),
    count(m.output_tokens),
    count(m.total_tokens),
    averageCount(m.total_tokens, m.calls),
    m.calls > 0 && m.unpriced_calls === m.calls ? 'n/a' : totalCostCell(m),
  ]);
  const t = j.totals;
  rows.push([{ strong: 'TOTAL' }, '', count(j.sessions), count(t.calls), count(t.input_tokens), count(t.output_tokens), count(t.total_tokens), averageCount(t.total_tokens, t.calls), totalCostCell(t)]);
  return alignedTableText(SUMMARY_HEADER, rows, [null, null, 'right', 'right', 'right', 'right', 'right', 'right', 'right']);
}

/** The month log's path from the main journal. */
export const monthLogLink = (month: string): string => `log/${month}.md`;

function monthsTable(j: JournalState): string {
  const rows: DirectCell[][] = Object.keys(j.months)
    .sort()
    .reverse()
    .map((month) => {
      const m = j.months[month]!;
      return [month, count(m.sessions), count(m.calls), count(m.total_tokens), m.calls > 0 && m.unpriced_calls === m.calls ? 'n/a' : totalCostCell(m), { link: monthLogLink(month) }];
    });
  // Written directly (no serializer run): the main journal is rewritten on every record.
  return alignedTableText(MONTH_HEADER, rows, [null, 'right', 'right', 'right', 'right', null]);
}

export function logCells(s: SessionState): Cells {
  const models = modelsInOrder(s);
  const model = models.length > 1 ? `${s.provider ?? models[0]!.provider}/${s.model ?? models[0]!.model} +${models.length - 1} more` : models[0] ? `${models[0].provider}/${models[0].model}` : `${s.provider ?? 'n/a'}/${s.model ?? 'n/a'}`;
  return [s.session, timeText(s.started), s.status, model, count(s.totals.calls), count(s.totals.total_tokens), s.totals.calls > 0 && s.totals.unpriced_calls === s.totals.calls ? 'n/a' : totalCostCell(s.totals)];
}

function analysisItems(j: JournalState): Array<[string, string]> {
  const t = j.totals;
  const models = modelsByName(j);
  const total = parseMoney(t.cost_usd);
  const top = models.reduce<(typeof models)[number] | null>((best, m) => (best === null || parseMoney(m.cost_usd).gt(parseMoney(best.cost_usd)) ? m : best), null);
  const items: Array<[string, string]> = [
    ['Sessions', count(j.sessions)],
    ['Calls', count(t.calls)],
    ['Average Tokens per Call', averageCount(t.total_tokens, t.calls)],
    ['Average Cost per Session', j.sessions === 0 ? 'n/a' : formatUsd(total.div(j.sessions))],
    ['Most Expensive Model', // The model id last: a long one is the only text past the line length (markdownlint's
    // MD013 allows a line whose overflow is one word).
    top && total.gt(0) ? `${formatUsd(top.cost_usd)} (${percentText(parseMoney(top.cost_usd), total)} of cost), ${top.provider}/${top.model}` : 'n/a'],
    ['Cache Read Share of Input', percentText(t.cache_read_tokens, t.input_tokens)],
    ['Reasoning Share of Output', percentText(t.reasoning_tokens, t.output_tokens)],
  ];
  if (t.unpriced_calls > 0) items.push(['Unpriced Calls', `${count(t.unpriced_calls)} (add a price: see token_collection_config.md)`]);
  return items;
}

/** Whether the block at `span` is a table with a body row (header, delimiter, row: three lines). */
function hasRows(text: string, [from, to]: [number, number]): boolean {
  const second = text.indexOf('\n', from);
  const third = second === -1 ? -1 : text.indexOf('\n', second + 1);
  return text.startsWith('|', from) && third !== -1 && third < to;
}

export interface JournalChanges {
  /** Sessions whose row may have changed. */
  sessions: SessionState[];
  /** The Recent Sessions list changed (members or order): the table is rendered whole. */
  wholeRecent: boolean;
  /** The states of the sessions in `recent`, in its order. */
  recentSessions: () => SessionState[];
  alerts: Alert[];
  allAlerts: () => Alert[];
}

export function updateJournalView(view: OpenedView, j: JournalState, changes: JournalChanges): void {
  const { editor } = view;
  editor.replace('summary', summaryTable(j));
  editor.replace('total', serializeNode(paragraph([strong('Total Estimated Cost'), text(`: ${totalCostText(j.totals)}`)])));
  editor.replace('months', monthsTable(j));
  if (view.reparsed || changes.wholeRecent) {
    replaceKeyedTable(editor, 'recent', LOG_HEADER, changes.recentSessions().map((s) => ({ key: s.session, cells: logCells(s) })), [...LOG_ALIGN]);
  } else {
    const listed = new Set(j.recent.map(([, id]) => id));
    for (const s of changes.sessions) if (listed.has(s.session)) upsertKeyedRow(editor, 'recent', LOG_HEADER, s.session, logCells(s));
  }
  editor.replace('analysis', labelledListText(analysisItems(j)));
  // The block is a sentence until the first alert, then a table that grows a row per alert.
  if (view.reparsed || (changes.alerts.length > 0 && !hasRows(editor.text, editor.span('alerts')))) editor.replace('alerts', alertsBlockText(changes.allAlerts()));
  else for (const a of changes.alerts) editor.appendTo('alerts', `\n${rowLine(ALERT_HEADER, alertCells(a))}`);
  // Written once (the table it replaces is not found again): wrapped like the reports' prose.
  if (editor.has('old-log')) editor.replace('old-log', serializeNode(paragraph([wrappedText(OLD_LOG_MOVED, 0)])));
}
