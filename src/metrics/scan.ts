/**
 * Streams every complete ledger line into an aggregate (io/line-reader.ts: 1 MiB reads,
 * one UTF-8 decode per chunk rather than per line), memory bounded by the number of
 * series. A last line without its newline is a write in progress (or a torn one `tokj
 * doctor` deals with): not counted. No lock is taken: the ledger is append-only, so any
 * prefix of it is a consistent state.
 */
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { forEachLine, lineChunks } from '../io/line-reader.js';
import { listSegments } from '../ledger/store.js';
import type { LedgerAggregate } from './aggregate.js';

export function scanLedgerInto(ledgerDir: string, aggregate: LedgerAggregate): void {
  for (const file of listSegments(ledgerDir)) {
    let fd: number;
    try {
      fd = openSync(path.join(ledgerDir, file), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // moved aside meanwhile
      throw error;
    }
    aggregate.beginSegment();
    try {
      for (const chunk of lineChunks(fd)) forEachLine(chunk, (line) => aggregate.acceptLine(line));
    } finally {
      closeSync(fd);
    }
  }
}
