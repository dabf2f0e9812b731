/**
 * Whole files: read (with the stamp that says whether the tool wrote them last), replaced
 * atomically (write a temp file, rename over), so a killed process leaves either the old or
 * the new file, never a torn one, appended to, created once, removed. Errors from a full
 * disk or a read-only directory become a clear message with exit 74. Positioned reads are
 * io/open-file.ts, directories io/dir.ts.
 */
import { closeSync, copyFileSync, fstatSync, ftruncateSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, truncateSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { EXIT, TokjError } from '../core/errors.js';

/**
 * A text file that must be there (a template, the price table, a file named on the command
 * line): Node's error, with its code, when it cannot be read, for the caller to word.
 */
export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}

/** A text file that may be missing: null then; any other failure is an I/O error (exit 74). */
export function readTextIfExists(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw ioError(error, file, 'read');
  }
}

/**
 * A file's identity as last written: size, modification time in nanoseconds and inode.
 * Any write by anyone changes it, so a matching stamp means the bytes are the ones the
 * tool wrote — checked with one fstat instead of hashing a file that grows with history.
 */
export function fileStamp(stat: { size: bigint; mtimeNs: bigint; ino: bigint }): string {
  return `${stat.size}:${stat.mtimeNs}:${stat.ino}`;
}

export interface StampedText {
  text: string;
  stamp: string;
}

export function readStamped(file: string): StampedText | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw ioError(error, file, 'read');
  }
  try {
    const stamp = fileStamp(fstatSync(fd, { bigint: true }));
    return { text: readFileSync(fd, 'utf8'), stamp };
  } finally {
    closeSync(fd);
  }
}

export function stampOf(file: string): string {
  return fileStamp(statSync(file, { bigint: true }));
}

/** Wraps a file-system error (exit 74); anything else (a bug) is passed through untouched. */
export function ioError(error: unknown, file: string, action: 'read' | 'write' = 'write'): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return error as Error;
  const hint: Record<string, string> = {
    ENOSPC: 'the disk is full: free some space and retry',
    EDQUOT: 'the disk quota is exhausted: free some space and retry',
    EROFS: 'the file system is read-only: point --dir (or TOKJ_DIR) at a writable directory',
    EACCES: 'permission denied: check the directory permissions or use --dir',
    EPERM: 'permission denied: check the directory permissions or use --dir',
  };
  return new TokjError(`cannot ${action} ${file}: ${hint[code] ?? (error as Error).message} (${code}); nothing was changed`, EXIT.io, `io_${code}`);
}

/** Removes a file; nothing to do when it is missing. Other errors are Node's. */
export function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Cuts a file back to its first `length` bytes (a torn ledger line moved aside). Node's error when it cannot. */
export function truncateFile(file: string, length: number): void {
  truncateSync(file, length);
}

/** Copies a file's bytes to `to`, replacing it: a template into a new journal. */
export function copyFile(from: string, to: string): void {
  try {
    copyFileSync(from, to);
  } catch (error) {
    throw ioError(error, to);
  }
}

export function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw ioError(error, dir);
  }
}

let tmpCounter = 0;

/**
 * Replaces a file atomically: write a temp file beside it, then rename over it, so a
 * killed process leaves the old file or the new one, never a torn one. (Hand-written
 * rather than write-file-atomic, which loads node:crypto and signal-exit on every run to
 * name its temp file — a cost the record path pays after every model call.) No fsync:
 * power loss is outside the guarantees (README, Reliability) and fsync would slow every
 * record. A temp file left by a killed writer ends in `.tokj-tmp` and is never read.
 */
export function writeAtomic(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.${++tmpCounter}.tokj-tmp`;
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      const bytes = Buffer.from(content, 'utf8');
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // not created, or already renamed
    }
    throw ioError(error, file);
  }
}

/**
 * Appends bytes in one write(2) to a file opened O_APPEND and returns the offsets written.
 * If the write fails part-way (ENOSPC), the file is cut back to its old length so no torn
 * line is left behind.
 */
export function appendBytes(file: string, content: string | Buffer): { start: number; end: number } {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  let done = false;
  return appendChunks(file, () => {
    if (done) return null;
    done = true;
    return bytes;
  });
}

/**
 * Appends chunks (`next(offset)` gives the chunk that goes at `offset`, null when done) as
 * one append: if any write fails, the file is cut back to its size before the first.
 */
export function appendChunks(file: string, next: (offset: number) => Buffer | null): { start: number; end: number } {
  let fd: number;
  try {
    fd = openSync(file, 'a');
  } catch (error) {
    throw ioError(error, file);
  }
  const start = fstatSync(fd).size;
  let end = start;
  try {
    for (let bytes = next(end); bytes !== null; bytes = next(end)) {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      end += bytes.length;
    }
    return { start, end };
  } catch (error) {
    try {
      ftruncateSync(fd, start);
    } catch {
      // the original error is the one to report
    }
    throw ioError(error, file);
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates `file` holding `content`, complete or not at all, and never replaces a file: false
 * when the name exists (another run wrote it first).
 */
export function createFileOnce(file: string, content: string): boolean {
  return createFirstFree(path.dirname(file), [file], content) !== null;
}

/**
 * Creates the first of `files` (all in `dir`) that is not taken, holding `content`, and
 * returns it; null when every one is taken. A finished temp file in `dir` is hard-linked to
 * each name in turn, so the name appears complete or not at all (a reader never sees half a
 * file) and two writers at once take two names; on a file system without hard links, an
 * exclusive create, still never replacing a file. `files` is read lazily: a caller may
 * check each name as it comes (io/new-file.ts refuses a link leading out of the journal).
 */
export function createFirstFree(dir: string, files: Iterable<string>, content: string): string | null {
  const tmp = path.join(dir, `.new.${process.pid}.${++tmpCounter}.tokj-tmp`);
  try {
    writeFileSync(tmp, content, { flag: 'wx' });
  } catch (error) {
    throw ioError(error, tmp);
  }
  try {
    for (const file of files) {
      try {
        linkSync(tmp, file);
        return file;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw ioError(error, file);
        try {
          writeFileSync(file, content, { flag: 'wx' });
          return file;
        } catch (fallback) {
          if ((fallback as NodeJS.ErrnoException).code === 'EEXIST') continue;
          throw ioError(fallback, file);
        }
      }
    }
    return null;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
}
