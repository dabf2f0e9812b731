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
