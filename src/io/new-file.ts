/**
 * A new file that never replaces one: the first free name of a sequence under the journal
 * (a reconciliation of the same day gets _2, _3 …), created complete or not at all
 * (io/fs.ts createFirstFree), so a reader never sees half a file and two writers at once
 * take two names. Every name is checked against the journal's path rules as it is tried.
 */
import { createFirstFree, ensureDir } from './fs.js';
import { inside } from './paths.js';

/** Writes `text` under root/dir as the first of `names` not taken; returns its path. */
export function writeNewFile(root: string, dir: string[], names: Iterable<string>, text: string): string {
  const folder = inside(root, ...dir);
  ensureDir(folder);
  function* targets(): Generator<string> {
    for (const name of names) yield inside(root, ...dir, name);
  }
  const written = createFirstFree(folder, targets(), text);
  if (written === null) throw new Error('writeNewFile: the names ran out');
  return written;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * PREFIX_YYYYMMDD.md, then PREFIX_YYYYMMDD_HHMMSS.md, then _2, _3 … after it: the names of a
 * file made at `wallClock`, a time whose UTC fields are the clock a person reads (shift it
 * into a time zone first for local names).
 */
export function* stampedNames(prefix: string, wallClock: Date): Generator<string, never> {
  const day = `${pad(wallClock.getUTCFullYear(), 4)}${pad(wallClock.getUTCMonth() + 1)}${pad(wallClock.getUTCDate())}`;
  const time = `${pad(wallClock.getUTCHours())}${pad(wallClock.getUTCMinutes())}${pad(wallClock.getUTCSeconds())}`;
  yield `${prefix}_${day}.md`;
  yield `${prefix}_${day}_${time}.md`;
  for (let i = 2; ; i++) yield `${prefix}_${day}_${time}_${i}.md`;
}
