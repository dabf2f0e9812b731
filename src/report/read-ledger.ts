/**
 * Streams every ledger segment in large chunks (io/line-reader.ts): each chunk of whole
 * lines is decoded once and split as a string (a decode per line costs more), each
 * non-blank line is handed on, and nothing is kept. A segment is read up to its size when
 * opened (lines appended meanwhile wait for the next report). A last line without its
 * newline is a write in progress or a torn one: it is not counted, and the file is named
 * so the report can say so.
 */
import path from 'node:path';
import { ioError } from '../io/fs.js';
import { forEachLine, lineChunks, lineStartAtOrAfter } from '../io/line-reader.js';
import { openFile, type ReadableFile } from '../io/open-file.js';
import { listSegments, segmentSize } from '../ledger/store.js';

const CHUNK = 4 << 20;

export interface ReadLedgerOptions {
  /** Called after each chunk with bytes read so far and the ledger's size at the start. */
  onProgress?: (done: number, total: number) => void;
}

export interface ReadLedgerResult {
  lines: number;
  /** Segments whose last line has no newline (left uncounted). */
  torn: string[];
  bytes: number;
}

export function readLedger(ledgerDir: string, onLine: (line: string) => void, options: ReadLedgerOptions = {}): ReadLedgerResult {
  const files = listSegments(ledgerDir);
  const total = files.reduce((sum, f) => sum + segmentSize(ledgerDir, f), 0);
  const whole = files.map((file) => ({ file, start: 0, end: Infinity }));
  return readLedgerPieces(ledgerDir, whole, onLine, (_, done) => options.onProgress?.(done, total));
}

/** Part of one segment: the lines that start at a byte offset in [start, end). */
export interface LedgerPiece {
  file: string;
  start: number;
  end: number;
}

/**
 * readLedger for pieces of segments (a worker thread's share of a big ledger, parallel.ts):
 * each piece hands on exactly the lines that start inside it, so pieces cut anywhere
 * together hand on every line once. A segment's last line without its newline is torn, as
 * in readLedger, and named by the piece that holds its start.
 */
/** `onBytes(n, done)`: n bytes more were read, done in all. */
export function readLedgerPieces(ledgerDir: string, pieces: readonly LedgerPiece[], onLine: (line: string) => void, onBytes?: (bytes: number, done: number) => void): ReadLedgerResult {
  const result: ReadLedgerResult = { lines: 0, torn: [], bytes: 0 };
  for (const piece of pieces) {
    const full = path.join(ledgerDir, piece.file);
    let segment: ReadableFile;
    try {
      segment = openFile(full);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw ioError(error, full, 'read');
    }
    try {
      const size = segment.size();
      const from = lineStartAtOrAfter(segment, piece.start, size);
      const to = lineStartAtOrAfter(segment, Math.min(piece.end, size), size);
      readLines(segment, from, to, size, onLine, result, piece.file, onBytes);
    } finally {
      segment.close();
    }
  }
  return result;
}

/** Hands on the lines in [from, to) (both line starts); torn when `to` is the end and the last line has no newline. */
function readLines(segment: ReadableFile, from: number, to: number, size: number, onLine: (line: string) => void, result: ReadLedgerResult, file: string, onBytes?: (bytes: number, done: number) => void): void {
  const chunks = lineChunks(segment, {
    from,
    to,
    chunkSize: CHUNK,
    onBytes: (n) => {
      result.bytes += n;
      onBytes?.(n, result.bytes);
    },
  });
  for (;;) {
    const next = chunks.next();
    if (!next.done) {
      result.lines += forEachLine(next.value, onLine);
      continue;
    }
    // Bytes after the last newline: only at the segment's end (a torn write), never mid-file.
    const tail = next.value;
    if (tail.end > tail.start && to === size && tail.buf.toString('utf8', tail.start, tail.end).trim() !== '') result.torn.push(file);
    return;
  }
}
