/**
 * A new file that never replaces one: the first free name of a sequence, created by
 * hard-linking a finished temp file, so the name appears complete or not at all (a reader
 * never sees half a file) and two writers at once take two names. A file system without
 * hard links gets an exclusive create instead, still never overwriting.
 */
import { linkSync, unlinkSync, writeFileSync } from 'node:fs';
import { ensureDir, ioError } from './fs.js';
import { inside } from './paths.js';

/** Writes `text` under root/dir as the first of `names` not taken; returns its path. */
export function writeNewFile(root: string, dir: string[], names: Iterable<string>, text: string): string {
  ensureDir(inside(root, ...dir));
  const tmp = inside(root, ...dir, `.new.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
  } catch (error) {
    throw ioError(error, tmp);
  }
  try {
    for (const name of names) {
      const target = inside(root, ...dir, name);
      try {
        linkSync(tmp, target);
        return target;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw ioError(error, target);
        try {
          writeFileSync(target, text, { flag: 'wx' });
          return target;
        } catch (fallback) {
          if ((fallback as NodeJS.ErrnoException).code === 'EEXIST') continue;
          throw ioError(fallback, target);
        }
      }
    }
    throw new Error('writeNewFile: the names ran out');
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
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
