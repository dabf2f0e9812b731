/**
 * A report over a big ledger on worker threads (io/worker-pool.ts): the ledger's bytes are
 * cut into one run per thread (at any byte: each piece takes the lines that start in it),
 * each thread gathers its lines into an aggregator, and the parts are merged in ledger
 * order, which gives what one pass gives (a test holds the two to the same report).
 * JSON.parse of every line is the cost; it splits cleanly. Small ledgers, and --by label:KEY (a call without the label
 * takes its session's, which may sit in another piece), are read in one pass.
 */
import { trace } from '../io/trace.js';
import { resultsInOrder } from '../io/worker-pool.js';
import { threadCount, workerScript } from '../io/workers.js';
import { listSegments, segmentSize } from '../ledger/store.js';
import { Aggregator, type AggregateOptions } from './aggregate.js';
import { mergePart, type AggregatePart } from './aggregate-part.js';
import type { LedgerPiece, ReadLedgerResult } from './read-ledger.js';

/** Below this many bytes of ledger one thread is as fast (threads take ~40 ms to start). */
const WORTH_THREADS = 48 * 1024 * 1024;

export interface ReportPartTask {
  ledgerDir: string;
  pieces: LedgerPiece[];
  timeZone: string;
  options: Omit<AggregateOptions, 'zone' | 'labelKey' | 'onBilledCall'>;
}

/** TOKJ_REPORT_WORKERS when set (0: one pass), else one per core for a big ledger. */
export function reportThreads(env: NodeJS.ProcessEnv, bytes: number): number {
  return threadCount(env.TOKJ_REPORT_WORKERS, bytes >= WORTH_THREADS);
}

/** The segments' bytes cut into `n` runs of about equal size, in ledger order. */
export function cutLedger(ledgerDir: string, n: number): LedgerPiece[][] {
  const files = listSegments(ledgerDir).map((file) => ({ file, size: segmentSize(ledgerDir, file) }));
  const total = files.reduce((sum, f) => sum + f.size, 0);
  // Run r takes the bytes [edges[r], edges[r + 1]) of the segments laid end to end.
  const edges = Array.from({ length: n + 1 }, (_, r) => Math.round((r * total) / n));
  const runs: LedgerPiece[][] = Array.from({ length: n }, () => []);
  let base = 0;
  for (const { file, size } of files) {
    for (let r = 0; r < n; r++) {
      const start = Math.max(edges[r]!, base);
      const end = Math.min(edges[r + 1]!, base + size);
      if (end > start) runs[r]!.push({ file, start: start - base, end: end - base });
    }
    base += size;
  }
  return runs;
}

/** What a thread answers: its part of the aggregate, and the segments it found torn. */
export interface ReportPart {
  part: AggregatePart;
  torn: string[];
}

/**
 * The aggregator over the whole ledger, gathered on threads; null when one pass is the
 * better way (small ledger, --by label, threads unavailable or turned off).
 */
export async function aggregateOnThreads(
  ledgerDir: string,
  timeZone: string,
  options: AggregateOptions,
  env: NodeJS.ProcessEnv,
  onProgress?: (done: number, total: number) => void,
): Promise<{ agg: Aggregator; scan: ReadLedgerResult } | null> {
  if (options.labelKey !== null || options.byTier || options.onBilledCall !== undefined) return null;
  const total = listSegments(ledgerDir).reduce((sum, f) => sum + segmentSize(ledgerDir, f), 0);
  const n = reportThreads(env, total);
  if (n < 1) return null;
  const script = workerScript('report-worker.cjs', env);
  if (script === null) return null;
  const { zone: _zone, labelKey: _labelKey, onBilledCall: _onBilledCall, ...plain } = options;
  const tasks = cutLedger(ledgerDir, n).map((pieces): ReportPartTask => ({ ledgerDir, pieces, timeZone, options: plain }));
  let done = 0;
  const results = resultsInOrder<ReportPartTask, ReportPart>({
    script,
    threads: n,
    tasks,
    what: 'a report worker',
    describe: () => 'reading the ledger',
    onNote: (bytes) => {
      done += bytes as number;
      onProgress?.(done, total);
    },
  });
  // Merged in ledger order, as each part comes back.
  const agg = new Aggregator(options);
  const scan: ReadLedgerResult = { lines: 0, torn: [], bytes: 0 };
  for await (const { part, torn } of results) {
    mergePart(agg, part);
    scan.torn.push(...torn);
  }
  scan.bytes = done;
  // Said once every thread has handed in its part (tests check the threads ran).
  trace(`ledger read on ${n} worker threads`);
  return { agg, scan };
}
