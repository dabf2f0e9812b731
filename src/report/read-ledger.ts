/**
 * Streams every ledger segment in large chunks: the bytes up to the chunk's last newline
 * are decoded once and split as a string (a decode per line costs more), each non-blank
 * line is handed on, and nothing is kept. A line longer than a chunk grows the
 * buffer. A segment is read up to its size when opened (lines appended meanwhile wait for
 * the next report). A last line without its newline is a write in progress or a torn one:
 * it is not counted, and the file is named so the report can say so.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { ioError } from '../io/fs.js';
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

/** `text` holds whole lines, the last one without its newline. */
function splitLines(text: string, onLine: (line: string) => void, result: ReadLedgerResult): void {
  let from = 0;
  for (;;) {
    const newline = text.indexOf('\n', from);
    const line = newline === -1 ? text.slice(from) : text.slice(from, newline);
    // A ledger line starts with '{'; anything else may be blank.
    if (line.charCodeAt(0) === 123 || (line.length > 0 && line.trim() !== '')) {
      result.lines++;
      onLine(line);
    }
    if (newline === -1) return;
    from = newline + 1;
  }
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
    let fd: number;
    try {
      fd = openSync(full, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw ioError(error, full);
    }
    try {
      const size = fstatSync(fd).size;
      const from = lineStartAtOrAfter(fd, piece.start, size);
      const to = lineStartAtOrAfter(fd, Math.min(piece.end, size), size);
      readLines(fd, from, to, size, (line) => onLine(line), result, piece.file, onBytes);
    } finally {
      closeSync(fd);
    }
  }
  return result;
}

/** The first offset >= `at` where a line starts (0, or just after a newline), or `size`. */
function lineStartAtOrAfter(fd: number, at: number, size: number): number {
  if (at <= 0) return 0;
  if (at >= size) return size;
  const probe = Buffer.allocUnsafe(64 * 1024);
  for (let pos = at - 1; pos < size; pos += probe.length) {
    const n = readSync(fd, probe, 0, probe.length, pos);
    if (n === 0) break;
    const newline = probe.subarray(0, n).indexOf(10);
    if (newline !== -1) return pos + newline + 1;
  }
  return size;
}

/** Hands on the lines in [from, to) (both line starts); torn when `to` is the end and the last line has no newline. */
function readLines(fd: number, from: number, to: number, size: number, onLine: (line: string) => void, result: ReadLedgerResult, file: string, onBytes?: (bytes: number, done: number) => void): void {
  let buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, to - from)));
  let have = 0;
  let position = from;
  while (position < to) {
    if (have === buffer.length) {
      const bigger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(bigger, 0, 0, have);
      buffer = bigger;
    }
    const n = readSync(fd, buffer, have, Math.min(buffer.length - have, to - position), position);
    if (n === 0) break;
    position += n;
    result.bytes += n;
    onBytes?.(n, result.bytes);
    const end = have + n;
    const lastNewline = buffer.lastIndexOf(10, end - 1);
    if (lastNewline < 0) {
      have = end;
      continue;
    }
    splitLines(buffer.toString('utf8', 0, lastNewline), onLine, result);
    buffer.copy(buffer, 0, lastNewline + 1, end);
    have = end - lastNewline - 1;
  }
  // Bytes after the last newline: only at the segment's end (a torn write), never mid-file.
  if (have > 0 && to === size && buffer.toString('utf8', 0, have).trim() !== '') result.torn.push(file);
}
