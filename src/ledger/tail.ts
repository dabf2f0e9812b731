/**
 * Reads the ledger from its end backwards, newest entry first, a chunk at a time: the
 * rolling-average check needs only the last few calls, whatever the history size. A last
 * line without its newline is read too (when it parses, it is an entry like any other).
 */
import path from 'node:path';
import { forEachLine, lineChunksBackward } from '../io/line-reader.js';
import { openFile } from '../io/open-file.js';
import { listSegments } from './store.js';
import { parseEntry, type LedgerEntry } from './record.js';

const CHUNK = 64 * 1024;

export function* readBackwards(ledgerDir: string): Generator<LedgerEntry> {
  const files = listSegments(ledgerDir).reverse();
  for (const file of files) {
    const segment = openFile(path.join(ledgerDir, file));
    try {
      for (const chunk of lineChunksBackward(segment, { chunkSize: CHUNK })) {
        const lines: string[] = [];
        forEachLine(chunk, (line) => lines.push(line));
        for (let i = lines.length - 1; i >= 0; i--) {
          const entry = parseEntry(lines[i]!);
          if (entry) yield entry;
        }
      }
    } finally {
      segment.close();
    }
  }
}
