/**
 * A file held open for reads at positions the caller chooses: the ledger's segments, read
 * forwards from a cursor or backwards from the end (io/line-reader.ts), other tools' logs,
 * the head of a file that identifies it. Reads are positioned (pread), so one handle serves
 * readers that jump around, and the file's size is asked of the open file, not its name: a
 * file renamed or replaced meanwhile is still the one opened.
 *
 * Errors are Node's own (with their `code`): what a failure means differs by caller (a
 * transcript that vanished is skipped, a missing price table is a broken install).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface ReadableFile {
  /** The file's size now (it may grow while open: an append by another process). */
  size(): number;
  /** Reads up to `length` bytes at file offset `position` into buf[offset…]; 0 at the end of the file. */
  read(buf: Buffer, offset: number, length: number, position: number): number;
  close(): void;
}

class OpenFile implements ReadableFile {
  constructor(private readonly fd: number) {}

  size(): number {
    return fstatSync(this.fd).size;
  }

  read(buf: Buffer, offset: number, length: number, position: number): number {
    return readSync(this.fd, buf, offset, length, position);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Opens `file` for positioned reads; Node's error when it cannot (ENOENT, EACCES, EISDIR…). Close it when done. */
export function openFile(file: string): ReadableFile {
  return new OpenFile(openSync(file, 'r'));
}

/**
 * The bytes of `file` from offset `from` to its end: a torn last line of a ledger segment,
 * moved aside before the segment is cut back. Node's error when the file cannot be read.
 */
export function readBytesFrom(file: string, from: number): Buffer {
  const handle = openFile(file);
  try {
    const size = handle.size();
    const bytes = Buffer.alloc(Math.max(0, size - from));
    for (let got = 0; got < bytes.length; ) {
      const n = handle.read(bytes, got, bytes.length - got, from + got);
      if (n === 0) return bytes.subarray(0, got);
      got += n;
    }
    return bytes;
  } finally {
    handle.close();
  }
}
