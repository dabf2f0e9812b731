/**
 * `tokj report --due`: writes the report of every complete period that had calls and has no
 * report yet (report/due.ts says which), oldest first, and nothing else — so cron or CI can
 * run it as often as they like: a second run finds every report written and writes nothing.
 * Reports are created complete or not at all and never replace a file, so two runs at once
 * write each report once.
 */
import path from 'node:path';
import { pathExists } from '../io/dir.js';
import { createFileOnce, ensureDir, readTextIfExists } from '../io/fs.js';
import { inside } from '../io/paths.js';
import type { UserPrice } from '../pricing/index.js';
import { buildReportThreaded, renderMarkdown, ZoneDays, type ReportOptions } from '../report/index.js';
import { dateLabel, parseDateLabel, periodLabeller } from '../report/calendar.js';
import { candidatePeriods, dueFileName, DUE_LOOKBACK, lastDueDay, type DueKind, type Period } from '../report/due.js';
import type { Layout } from './layout.js';

export interface DueInput {
  layout: Layout;
  /** The report's options; `period` is the due kind (daily, weekly or monthly). */
  options: ReportOptions & { period: DueKind };
  now: Date;
  env: NodeJS.ProcessEnv;
  userPrices: readonly UserPrice[];
}

export interface DueResult {
  /** Reports written, oldest first. */
  written: Array<{ period: Period; file: string }>;
  /** Complete periods with calls that already had a report. */
  existing: number;
  /** Periods with calls and no report that the lookback left out (oldest first). */
  older: Period[];
  /** The last day a due period could end on (yesterday, or --until). */
  upTo: string;
}

export async function writeDueReports(input: DueInput): Promise<DueResult> {
  const { layout, options, now, env } = input;
  const kind = options.period;
  const zone = new ZoneDays(options.timeZone);
  const today = zone.dayOfMs(now.getTime());
  const sinceDay = options.since === null ? null : parseDateLabel(options.since);
  const untilDay = options.until === null ? null : parseDateLabel(options.until);
  const upTo = lastDueDay({ today, untilDay });
  const result: DueResult = { written: [], existing: 0, older: [], upTo: dateLabel(upTo) };
  if (sinceDay !== null && sinceDay > upTo) return result;

  // One pass over the ledger up to the last complete day: which periods had calls.
  const base: ReportOptions = { ...options, since: options.since, until: dateLabel(upTo), by: null, format: 'json', suggestions: false };
  const scan = await buildReportThreaded({ ledgerDir: layout.ledgerDir, alertsLog: null, options: base, now, userPrices: input.userPrices }, env);
  const withCalls = new Set(scan.periods.filter((p) => p.calls > 0).map((p) => p.period));
  const firstCallDay = scan.summary.calls > 0 && scan.since !== null ? parseDateLabel(scan.since) : null;
  const { periods, older } = candidatePeriods({ kind, weekStart: options.weekStart, today, firstCallDay, sinceDay, untilDay });
  const label = periodLabeller(kind, options.weekStart);
  const hasReport = (p: Period): boolean => pathExists(path.join(layout.reportsDir, dueFileName(p)));
  result.older = older.filter((p) => withCalls.has(label(p.first)) && !hasReport(p)).reverse();

  const due = periods.filter((p) => withCalls.has(p.label)).reverse();
  if (due.length > 0) ensureDir(layout.reportsDir);
  const alertsLog = readTextIfExists(layout.alertsLog);
  for (const p of due) {
    if (hasReport(p)) {
      result.existing++;
      continue;
    }
    const data = await buildReportThreaded(
      { ledgerDir: layout.ledgerDir, alertsLog, options: { ...options, since: dateLabel(p.first), until: dateLabel(p.last), format: 'markdown' }, now, userPrices: input.userPrices },
      env,
    );
    const file = inside(layout.root, 'monitoring', 'reports', dueFileName(p));
    // Another run may have written it since the check: then it is theirs, complete.
    if (createFileOnce(file, renderMarkdown(data))) result.written.push({ period: p, file });
    else result.existing++;
  }
  return result;
}

export { DUE_LOOKBACK };
