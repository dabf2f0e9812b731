/**
 * The one chunked line reader: a file's bytes read a chunk at a time and handed over as
 * runs of whole lines, for the ledger (replay, doctor, budgets, reports, metrics, the
 * rolling average read from the end) and for other tools' logs (importers). Lines are
 * split on \n; a \r before it is left to the caller (JSON.parse treats it as whitespace).
 *
 * What a caller does with the bytes differs, so this hands over bytes and leaves decoding
 * to it: a report decodes a whole chunk at once and splits the string (a decode per line
 * costs more), a transcript scan looks for a needle in the bytes and decodes only the lines
 * holding it. A line longer than the buffer grows the buffer. The bytes after the last
 * newline (a last line without its newline: a write in progress, or a torn one) are never
 * part of a run; they are returned, and each caller decides what they are worth.
 */
import type { ReadableFile } from './open-file.js';

const NEWLINE = 0x0a;
const DEFAULT_CHUNK = 1 << 20;

/**
 * Bytes of a file in the read buffer, buf[start, end), the first at offset `at` of the file.
 * Valid only until the next chunk is asked for: the buffer is reused.
 */
export interface LineChunk {
  buf: Buffer;
  start: number;
  end: number;
  at: number;
}

export interface LineChunkOptions {
  /** Where to start: a line start (default 0). */
  from?: number;
  /** Where to stop: a line start or the file's size (default: read until the end of the file). */
  to?: number;
  /** Bytes per read at most (default 1 MiB). */
  chunkSize?: number;
  /** Called after each read with the number of bytes it read. */
  onBytes?: (bytes: number) => void;
}

/** The read buffer, kept between files: an importer reads thousands of small transcripts. */
let spare: Buffer | null = null;

function takeBuffer(size: number): Buffer {
  const buf = spare !== null && spare.length >= size ? spare : Buffer.allocUnsafe(size);
  spare = null;
  return buf;
}

/** A buffer twice the size holding the same bytes, at its start or (`atEnd`) at its end. */
function grow(buf: Buffer, atEnd: boolean): Buffer {
  const bigger = Buffer.allocUnsafe(buf.length * 2);
  buf.copy(bigger, atEnd ? buf.length : 0);
  return bigger;
}

/**
 * Runs of whole lines of `file` in file order: each chunk holds one or more lines, each
 * ending in its \n. Returns (as the generator's value) what followed the last newline,
 * empty (start === end) when the file ended in a newline.
 */
export function* lineChunks(file: ReadableFile, options: LineChunkOptions = {}): Generator<LineChunk, LineChunk> {
  const from = options.from ?? 0;
  const to = options.to ?? Infinity;
  const onBytes = options.onBytes;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  let buf = takeBuffer(Math.min(chunkSize, Math.max(1, to - from)));
  // buf[0, have) holds bytes not handed over yet (no newline among them), from file offset `at`.
  let have = 0;
  let at = from;
  let position = from;
  const chunk: LineChunk = { buf, start: 0, end: 0, at };
  try {
    while (position < to) {
      if (have === buf.length) buf = grow(buf, false);
      // (the buffer may be bigger than a chunk: a spare one, or grown for a long line)
      const n = file.read(buf, have, Math.min(buf.length - have, chunkSize, to - position), position);
      if (n === 0) break;
      position += n;
      onBytes?.(n);
      const filled = have + n;
      const lastNewline = buf.lastIndexOf(NEWLINE, filled - 1);
      if (lastNewline < 0) {
        have = filled;
        continue;
      }
      chunk.buf = buf;
      chunk.start = 0;
      chunk.end = lastNewline + 1;
      chunk.at = at;
      yield chunk;
      buf.copy(buf, 0, lastNewline + 1, filled);
      have = filled - lastNewline - 1;
      at += lastNewline + 1;
    }
    return { buf, start: 0, end: have, at };
  } finally {
    spare = buf;
  }
}

/**
 * The same from the end of the file backwards, newest first: each chunk holds whole lines
 * in file order (walk them from the end), the first chunk also what follows the last
 * newline. The rolling-average check needs only the last few calls, whatever the history.
 */
export function* lineChunksBackward(file: ReadableFile, options: { chunkSize?: number } = {}): Generator<LineChunk, void> {
  let position = file.size();
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  let buf = takeBuffer(Math.min(chunkSize, Math.max(1, position)));
  // buf[lo, hi) holds file bytes [position, position + hi - lo) not handed over yet: the
  // start of a line whose beginning is not read yet.
  let lo = buf.length;
  let hi = buf.length;
  const chunk: LineChunk = { buf, start: 0, end: 0, at: 0 };
  try {
    while (position > 0) {
      if (lo === 0) {
        // No room before the kept bytes: move them to the end of the buffer, or grow it.
        const kept = hi - lo;
        if (kept === buf.length) buf = grow(buf, true);
        else buf.copy(buf, buf.length - kept, lo, hi);
        lo = buf.length - kept;
        hi = buf.length;
      }
      const n = Math.min(lo, chunkSize, position);
      position -= n;
      for (let got = 0; got < n; ) {
        const read = file.read(buf, lo - n + got, n - got, position + got);
        // The file was cut short meanwhile (a torn tail moved aside): what is left was read.
        if (read === 0) return;
        got += read;
      }
      lo -= n;
      // Lines start after a newline, or at the start of the file.
      let first = lo;
      if (position > 0) {
        const newline = buf.indexOf(NEWLINE, lo);
        if (newline < 0 || newline >= hi) continue;
        first = newline + 1;
      }
      if (first < hi) {
        chunk.buf = buf;
        chunk.start = first;
        chunk.end = hi;
        chunk.at = position + (first - lo);
        yield chunk;
      }
      hi = first;
    }
  } finally {
    spare = buf;
  }
}

/** Whether a line holds anything but whitespace (a ledger line starts with '{'). */
const isBlank = (line: string): boolean => line.charCodeAt(0) !== 123 && line.trim() === '';

/**
 * Each non-blank line of a chunk, decoded (the chunk in one go), without its \n; a chunk's
 * last line may lack one (the bytes after a file's last newline). Returns how many lines
 * it handed on.
 */
export function forEachLine(chunk: LineChunk, onLine: (line: string) => void): number {
  let end = chunk.end;
  if (end > chunk.start && chunk.buf[end - 1] === NEWLINE) end--;
  const text = chunk.buf.toString('utf8', chunk.start, end);
  let count = 0;
  let from = 0;
  for (;;) {
    const newline = text.indexOf('\n', from);
    const line = newline === -1 ? text.slice(from) : text.slice(from, newline);
    if (!isBlank(line)) {
      count++;
      onLine(line);
    }
    if (newline === -1) return count;
    from = newline + 1;
  }
}

/**
 * Each non-blank line of a chunk with its place in the file: the offset of its first byte
 * and of the byte after its \n. A chunk in ASCII (the usual ledger) is decoded once, its
 * string offsets being byte offsets; otherwise each line is decoded on its own.
 */
export function forEachLineAt(chunk: LineChunk, onLine: (line: string, at: number, end: number) => void): void {
  const { buf, start, end, at } = chunk;
  const text = buf.toString('utf8', start, end);
  if (text.length === end - start) {
    // One character per byte: every byte decoded to one UTF-16 unit (none can give more).
    for (let from = 0; from < text.length; ) {
      const newline = text.indexOf('\n', from);
      const stop = newline === -1 ? text.length : newline + 1;
      const line = text.slice(from, newline === -1 ? stop : newline);
      if (!isBlank(line)) onLine(line, at + from, at + stop);
      from = stop;
    }
    return;
  }
  for (let from = start; from < end; ) {
    const newline = buf.indexOf(NEWLINE, from);
    const stop = newline === -1 || newline >= end ? end : newline + 1;
    const line = buf.toString('utf8', from, stop === end && buf[stop - 1] !== NEWLINE ? stop : stop - 1);
    if (!isBlank(line)) onLine(line, at + (from - start), at + (stop - start));
    from = stop;
  }
}

/** The first offset >= `at` where a line starts (0, or just after a newline), or `size`. */
export function lineStartAtOrAfter(file: ReadableFile, at: number, size: number): number {
  if (at <= 0) return 0;
  if (at >= size) return size;
  const probe = Buffer.allocUnsafe(64 * 1024);
  for (let pos = at - 1; pos < size; pos += probe.length) {
    const n = file.read(probe, 0, probe.length, pos);
    if (n === 0) break;
    const newline = probe.subarray(0, n).indexOf(NEWLINE);
    if (newline !== -1) return pos + newline + 1;
  }
  return size;
}
