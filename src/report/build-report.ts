/**
 * One report: stream the ledger through the aggregator, read the alerts log, compute
 * suggestions when asked, and summarize. The ledger is read once, in chunks; memory holds
 * per-group totals only.
 */
import { loadPriceTable, type PriceTable, type UserPrice } from '../pricing/index.js';
import { Aggregator, type AggregateOptions } from './aggregate.js';
import { aggregateOnThreads } from './parallel.js';
import { alertsInRange } from './alerts.js';
import { parseDateLabel } from './calendar.js';
import { readLedger } from './read-ledger.js';
import { computeSuggestions } from './suggestions.js';
import { summarize } from './summarize.js';
import type { ReportData, ReportOptions } from './types.js';
import { ZoneDays } from './zone.js';

export interface BuildReportInput {
  ledgerDir: string;
  /** The text of monitoring/usage_alerts.log, or null when there is none. */
  alertsLog: string | null;
  options: ReportOptions;
  now: Date;
  /** The price table for suggestions (default: the shipped one). */
  priceTable?: () => PriceTable;
  /** The journal's Custom Prices, for suggestions. */
  userPrices?: readonly UserPrice[];
  onProgress?: (done: number, total: number) => void;
}

function aggregateOptions(options: ReportOptions): AggregateOptions {
  return {
    zone: new ZoneDays(options.timeZone),
    period: options.period,
    weekStart: options.weekStart,
    sinceDay: options.since === null ? null : parseDateLabel(options.since),
    untilDay: options.until === null ? null : parseDateLabel(options.until),
    labelKey: options.by?.kind === 'label' ? options.by.key : null,
    byTier: options.by?.kind === 'tier',
  };
}

/** One report, the ledger read in one pass on this thread. */
export function buildReport(input: BuildReportInput): ReportData {
  const aggOptions = aggregateOptions(input.options);
  const agg = new Aggregator(aggOptions);
  const scan = readLedger(input.ledgerDir, (line) => agg.consumeLine(line), { onProgress: input.onProgress });
  return finishReport(input, aggOptions, agg, scan.torn);
}

/** The same report, a big ledger read on worker threads (parallel.ts) when they help. */
export async function buildReportThreaded(input: BuildReportInput, env: NodeJS.ProcessEnv): Promise<ReportData> {
  const aggOptions = aggregateOptions(input.options);
  const threaded = await aggregateOnThreads(input.ledgerDir, input.options.timeZone, aggOptions, env, input.onProgress);
  return threaded === null ? buildReport(input) : finishReport(input, aggOptions, threaded.agg, threaded.scan.torn);
}

function finishReport(input: BuildReportInput, aggOptions: AggregateOptions, agg: Aggregator, tornFiles: string[]): ReportData {
  const { options } = input;
  agg.finish();
  const suggestions = options.suggestions
    ? computeSuggestions({ agg, table: (input.priceTable ?? loadPriceTable)(), today: input.now.toISOString().slice(0, 10), userPrices: input.userPrices })
    : null;
  return summarize({
    agg,
    options,
    now: input.now,
    alerts: alertsInRange(input.alertsLog, aggOptions.zone, aggOptions.sinceDay, aggOptions.untilDay),
    suggestions,
    skippedLines: agg.skipped,
    tornFiles,
  });
}
