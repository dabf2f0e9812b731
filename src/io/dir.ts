/**
 * Directories and what is in them: listing one, what is at a path, removing a tree. Kinds
 * and sizes come back as plain values, so callers outside io/ never hold Node's Stats or
 * Dirent objects.
 *
 * Errors are Node's own, with their `code`, for the caller to judge: a missing ledger folder
 * is an empty ledger, a billing report folder named on the command line that cannot be read
 * is exit 3, an unreadable Claude Code folder is a warning. Each function says what it makes
 * of a path where nothing is.
 */
import { existsSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';

export type EntryKind = 'file' | 'directory' | 'symlink' | 'other';

export interface DirEntry {
  name: string;
  /** The entry itself: a symbolic link is 'symlink', whatever it points to (statIfExists follows it). */
  kind: EntryKind;
}

/** The names in `dir`, in the order the file system gives them (sort them for a stable order); ENOENT when it is missing. */
export function listNames(dir: string): string[] {
  return readdirSync(dir);
}

/**
 * The entries of `dir` with their kinds, for walking a tree: the kinds come from the same
 * readdir where the file system reports them, instead of a stat per entry.
 */
export function listEntries(dir: string): DirEntry[] {
  return readdirSync(dir, { withFileTypes: true }).map((d) => ({
    name: d.name,
    kind: d.isFile() ? 'file' : d.isDirectory() ? 'directory' : d.isSymbolicLink() ? 'symlink' : 'other',
  }));
}

export interface PathInfo {
  /** What the path leads to, symbolic links followed. */
  kind: 'file' | 'directory' | 'other';
  size: number;
  mtime: Date;
}

/** What is at `p` (links followed), or null when nothing is (ENOENT); other errors are Node's. */
export function statIfExists(p: string): PathInfo | null {
  let stats;
  try {
    stats = statSync(p);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return { kind: stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : 'other', size: stats.size, mtime: stats.mtime };
}

/** Whether anything is at `p`; never throws (a path that cannot be looked at counts as absent). */
export function pathExists(p: string): boolean {
  return existsSync(p);
}

/** `p` with every symbolic link resolved: one name per file, to read each file once. */
export function realPath(p: string): string {
  return realpathSync(p);
}

/** Removes `dir` and everything under it; nothing to do when it is missing. */
export function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
