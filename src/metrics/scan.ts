/**
 * Streams every complete ledger line into an aggregate with the report's reader
 * (report/read-ledger.ts), a segment at a time (metrics note where each starts); memory is
 * bounded by the number of series. A last line without its newline is a write in progress
 * (or a torn one `tokj doctor` deals with): not counted. No lock is taken: the ledger is
 * append-only, so any prefix of it is a consistent state.
 */
import { listSegments } from '../ledger/store.js';
import { readLedgerPieces } from '../report/read-ledger.js';
import type { LedgerAggregate } from './aggregate.js';

export function scanLedgerInto(ledgerDir: string, aggregate: LedgerAggregate): void {
  const accept = (line: string): void => aggregate.acceptLine(line);
  for (const file of listSegments(ledgerDir)) {
    aggregate.beginSegment();
    readLedgerPieces(ledgerDir, [{ file, start: 0, end: Infinity }], accept);
  }
}
