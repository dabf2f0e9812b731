/**
 * The ledger on disk: monitoring/ledger/YYYY-MM.<host>.jsonl, one segment per month of
 * writing and host (the record's own timestamp may be older, as in an import; segments of
 * older versions, YYYY-MM.jsonl, are read too). Lines are only appended.
 */
import path from 'node:path';
import { listNames, statIfExists } from '../io/dir.js';
import { appendChunks, ensureDir } from '../io/fs.js';
import { forEachLineAt, lineChunks } from '../io/line-reader.js';
import { openFile } from '../io/open-file.js';
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

/** The segments' file names in name order (month, then host); none when there is no ledger yet. */
export function listSegments(ledgerDir: string): string[] {
  try {
    return listNames(ledgerDir).filter((f) => SEGMENT.test(f)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** A segment's size in bytes; 0 when it is missing. */
export function segmentSize(ledgerDir: string, file: string): number {
  return statIfExists(path.join(ledgerDir, file))?.size ?? 0;
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

/**
 * Reads complete lines of one segment from `offset` (blank ones skipped). A last line with
 * no newline (a torn write) is not yielded; its position is returned so callers can move it
 * aside.
 */
export function* scanSegment(ledgerDir: string, file: string, offset = 0): Generator<ScannedLine, Cursor | null> {
  const segment = openFile(path.join(ledgerDir, file));
  const chunks = lineChunks(segment, { from: offset });
  try {
    for (;;) {
      const next = chunks.next();
      if (next.done) return next.value.end > next.value.start ? { file, offset: next.value.at } : null;
      // Lines are gathered a chunk at a time: the generator yields outside the reader's callback.
      const lines: ScannedLine[] = [];
      forEachLineAt(next.value, (text, at, end) => lines.push({ entry: null, text, at: { file, offset: at }, end: { file, offset: end } }));
      for (const line of lines) {
        line.entry = parseEntry(line.text);
        yield line;
      }
    }
  } finally {
    segment.close();
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
