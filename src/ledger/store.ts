/**
 * The ledger on disk: monitoring/ledger/YYYY-MM.jsonl, one segment per month of writing
 * (the record's own timestamp may be older, as in an import). Lines are only appended.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { appendChunks, ensureDir } from '../io/fs.js';
import type { Cursor } from './cursor.js';
import { parseEntry, type LedgerEntry } from './record.js';

const SEGMENT = /^\d{4}-\d{2}(?:\.[A-Za-z0-9_-]+)?\.jsonl$/;

/** This host's segment for the month of `now`: YYYY-MM.<host>.jsonl. */
export function segmentName(now: Date, host: string): string {
  return `${now.toISOString().slice(0, 7)}.${host}.jsonl`;
}

/** A host name usable in a file name: TOKJ_HOST, else the machine's, reduced to [A-Za-z0-9_-]. */
export function hostLabel(raw: string): string {
  const label = raw.replace(/\..*$/, '').replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 63);
  return label || 'host';
}

export function listSegments(ledgerDir: string): string[] {
  try {
    return readdirSync(ledgerDir).filter((f) => SEGMENT.test(f)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export function segmentSize(ledgerDir: string, file: string): number {
  try {
    return statSync(path.join(ledgerDir, file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}


/**
 * Appends entries as JSON lines in one append (appendChunks: on an I/O error the segment is
 * cut back to where it was). Lines are encoded a few megabytes at a time: an import of
 * hundreds of thousands of calls never holds the whole text, or its bytes, at once.
 */
export function appendEntries(ledgerDir: string, file: string, entries: LedgerEntry[]): Array<{ entry: LedgerEntry; at: Cursor; end: Cursor }> {
  ensureDir(ledgerDir);
  const placed: Array<{ entry: LedgerEntry; at: Cursor; end: Cursor }> = [];
  let next = 0;
  appendChunks(path.join(ledgerDir, file), (offset) => {
    if (next === entries.length) return null;
    const lines: string[] = [];
    let size = 0;
    const first = next;
    while (next < entries.length && size < CHUNK_CHARS) {
      const line = `${JSON.stringify(entries[next++])}\n`;
      lines.push(line);
      size += line.length;
    }
    const text = lines.join('');
    const bytes = Buffer.from(text, 'utf8');
    // All ASCII (the usual case): each line's bytes are its characters, no counting needed.
    const ascii = bytes.length === text.length;
    let at = offset;
    lines.forEach((line, i) => {
      const end = at + (ascii ? line.length : Buffer.byteLength(line, 'utf8'));
      placed.push({ entry: entries[first + i]!, at: { file, offset: at }, end: { file, offset: end } });
      at = end;
    });
    return bytes;
  });
  return placed;
}

const CHUNK_CHARS = 4 << 20;

export interface ScannedLine {
  entry: LedgerEntry | null;
  text: string;
  at: Cursor;
  end: Cursor;
}

const CHUNK = 1 << 20;

/**
 * Reads complete lines of one segment from `offset`. A last line with no newline (a torn
 * write) is not yielded; its position is returned so callers can move it aside.
 */
export function* scanSegment(ledgerDir: string, file: string, offset = 0): Generator<ScannedLine, Cursor | null> {
  let position = offset;
  const fd = openSync(path.join(ledgerDir, file), 'r');
  try {
    let pending = Buffer.alloc(0);
    let pendingAt = position;
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, position);
      if (n === 0) break;
      position += n;
      const data = pending.length ? Buffer.concat([pending, buffer.subarray(0, n)]) : buffer.subarray(0, n);
      let lineStart = 0;
      for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, lineStart)) {
        const text = data.toString('utf8', lineStart, nl);
        const at = { file, offset: pendingAt + lineStart };
        const end = { file, offset: pendingAt + nl + 1 };
        lineStart = nl + 1;
        if (text.trim() === '') continue;
        yield { entry: parseEntry(text), text, at, end };
      }
      pending = Buffer.from(data.subarray(lineStart));
      pendingAt += lineStart;
    }
    return pending.length > 0 ? { file, offset: pendingAt } : null;
  } finally {
    closeSync(fd);
  }
}

/** Every segment whose name sorts at or after `fromFile`, in name order; torn tails are returned. */
export function* scanLedger(ledgerDir: string, fromFile = ''): Generator<ScannedLine, { torn: Cursor[] }> {
  const torn: Cursor[] = [];
  for (const file of listSegments(ledgerDir)) {
    if (file < fromFile) continue;
    const tail = yield* scanSegment(ledgerDir, file);
    if (tail) torn.push(tail);
  }
  return { torn };
}
