/**
 * A worker thread of report/parallel.ts: gathers its pieces of the ledger into an
 * aggregator and answers with the part (plain data), posting bytes read as it goes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Aggregator } from './aggregate.js';
import type { ReportPartTask } from './parallel.js';
import { readLedgerPieces } from './read-ledger.js';
import { ZoneDays } from './zone.js';

const port = parentPort;
if (port === null) throw new Error('the report worker runs as a worker thread');
const task = workerData as ReportPartTask;
try {
  const agg = new Aggregator({ ...task.options, zone: new ZoneDays(task.timeZone), labelKey: null });
  let pending = 0;
  const scan = readLedgerPieces(task.ledgerDir, task.pieces, (line) => agg.consumeLine(line), (n) => {
    pending += n;
    if (pending >= 8 << 20) {
      port.postMessage({ bytes: pending });
      pending = 0;
    }
  });
  port.postMessage({ bytes: pending, part: agg.exportPart(), torn: scan.torn });
} catch (error) {
  port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
