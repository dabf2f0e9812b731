/**
 * A worker thread of report/parallel.ts (io/worker-pool.ts): gathers its pieces of the
 * ledger into an aggregator and answers with the part (plain data), noting bytes read as
 * it goes.
 */
import { serveTasks } from '../io/worker-pool.js';
import { Aggregator } from './aggregate.js';
import { exportPart } from './aggregate-part.js';
import type { ReportPart, ReportPartTask } from './parallel.js';
import { readLedgerPieces } from './read-ledger.js';
import { ZoneDays } from './zone.js';

serveTasks('the report worker', (task: ReportPartTask, note): ReportPart => {
  const agg = new Aggregator({ ...task.options, zone: new ZoneDays(task.timeZone), labelKey: null });
  let pending = 0;
  const scan = readLedgerPieces(task.ledgerDir, task.pieces, (line) => agg.consumeLine(line), (n) => {
    pending += n;
    if (pending >= 8 << 20) {
      note(pending);
      pending = 0;
    }
  });
  if (pending > 0) note(pending);
  return { part: exportPart(agg), torn: scan.torn };
});
