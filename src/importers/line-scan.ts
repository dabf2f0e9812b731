/**
 * Reads a file in chunks (io/line-reader.ts) and hands over only the lines that contain a
 * needle, as bytes. Agent logs are mostly lines an importer does not want (prompts, tool
 * results of many kilobytes); finding the needle with Buffer#indexOf (memchr-fast) and
 * leaving decoding to the caller keeps a gigabyte of logs from becoming a gigabyte of
 * strings.
 *
 * Lines are split on \n (a \r before it is left to JSON.parse, which treats it as
 * whitespace). A last line without its newline is still handed over: a log being written
 * while we read ends mid-line, and its caller decides what a torn line is worth.
 */
import { lineChunks } from '../io/line-reader.js';
import { openFile } from '../io/open-file.js';

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

export interface ScanOptions {
  /** Bytes per read (a longer line is carried across reads). */
  chunkSize?: number;
}

/**
 * A line, as bytes: buf[start, end), without its newline. Valid only during the call (the
 * buffer is reused); decode what is needed (`buf.toString('utf8', start, end)`).
 */
export type OnLine = (buf: Buffer, start: number, end: number) => void;

/**
 * Calls onLine for every line of `file` that contains `needle`, in file order. Synchronous:
 * reads of a local file from the page cache cost less than the event-loop round trips that
 * would hide them (open, read, close for each of thousands of small transcripts).
 */
export function scanLinesContaining(file: string, needle: string, onLine: OnLine, options: ScanOptions = {}): void {
  const pattern = Buffer.from(needle, 'utf8');
  const log = openFile(file);
  try {
    const chunks = lineChunks(log, { chunkSize: options.chunkSize ?? CHUNK });
    for (;;) {
      const next = chunks.next();
      // At the end of the file the rest is a line too.
      const { buf, start, end } = next.value;
      if (end > start) scanRange(buf, start, end, pattern, onLine);
      if (next.done) return;
    }
  } finally {
    log.close();
  }
}

/** The lines within buf[from, to) (to is a line end) that contain pattern. */
function scanRange(buf: Buffer, from: number, to: number, pattern: Buffer, onLine: OnLine): void {
  let pos = from;
  while (pos < to) {
    const hit = buf.indexOf(pattern, pos);
    // (past `to` the buffer holds stale bytes: a match must lie wholly inside)
    if (hit === -1 || hit + pattern.length > to) return;
    const start = hit === 0 ? 0 : buf.lastIndexOf(NEWLINE, hit - 1) + 1;
    let stop = buf.indexOf(NEWLINE, hit);
    if (stop === -1 || stop > to) stop = to;
    onLine(buf, Math.max(start, pos), stop);
    pos = stop + 1;
  }
}
