/**
 * A month log, work_journal/log/YYYY-MM.md: a row per session that started in that UTC
 * month, in start order (patched in place like the main journal's rows), and the month's
 * totals. The main journal links every month's log; it lists only the latest sessions.
 */
import type { MonthTotals } from '../core/journal-state.js';
import type { SessionState } from '../core/session-state.js';
import { paragraph, strong, text } from '../markdown/build.js';
import { headingText } from '../markdown/direct.js';
import type { BlockSpec } from '../markdown/locate.js';
import { serializeNode } from '../markdown/serialize.js';
import type { OpenedView } from '../markdown/view.js';
import { plural, totalCostText } from './format.js';
import { LOG_ALIGN, LOG_HEADER, logCells } from './journal-view.js';
import { replaceKeyedTable, upsertKeyedRow } from './tables.js';

export const MONTH_LOG_BLOCKS: BlockSpec[] = [
  { name: 'total', section: 'Month Summary', kind: 'paragraph', label: 'Month Total' },
  { name: 'log', section: 'Detailed Usage Log', kind: 'table', header: LOG_HEADER, rowsByKey: true, owned: true },
];

/** A new month log: the template with its title naming the month. */
export function monthLogSkeleton(template: string, month: string): string {
  const title = headingText(1, `Sessions of ${month}`);
  return /^# .*$/m.test(template) ? template.replace(/^# .*$/m, title) : `${title}\n\n${template}`;
}

function monthTotalText(m: MonthTotals | undefined): string {
  const line = m ? `: ${plural(m.sessions, 'session')}, ${plural(m.calls, 'call')}, ${plural(m.total_tokens, 'token')}, ${totalCostText(m)}` : ': no sessions (they moved to another month)';
  return serializeNode(paragraph([strong('Month Total'), text(line)]));
}

export interface MonthChanges {
  /** Sessions of this month whose row may have changed. */
  sessions: SessionState[];
  /** The month's rows are rendered whole (a session arrived out of order, or moved away). */
  whole: boolean;
  /** Every session of the month, in start order. */
  allSessions: () => SessionState[];
}

export function updateMonthLogView(view: OpenedView, m: MonthTotals | undefined, changes: MonthChanges): void {
  const { editor } = view;
  editor.replace('total', monthTotalText(m));
  if (view.reparsed || changes.whole) {
    replaceKeyedTable(editor, 'log', LOG_HEADER, changes.allSessions().map((s) => ({ key: s.session, cells: logCells(s) })), [...LOG_ALIGN]);
  } else {
    for (const s of changes.sessions) upsertKeyedRow(editor, 'log', LOG_HEADER, s.session, logCells(s));
  }
}
