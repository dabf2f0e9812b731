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
