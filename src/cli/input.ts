/**
 * Reading what a person points a command at: a file, or standard input for `-`. A file that
 * is missing, a directory or not readable is bad input (exit 3, nothing written), not a bug.
 */
import { readFile } from 'node:fs/promises';
import { rejectedInput } from '../core/errors.js';
import { ioError } from '../io/fs.js';
import { readAll } from '../io/stdin.js';
import type { Ctx } from './context.js';

const UNREADABLE = new Set(['ENOENT', 'EISDIR', 'EACCES', 'ENOTDIR', 'EPERM']);

/** The error for an input file that could not be read (`what` says what was not done). */
export function unreadableInput(error: unknown, file: string, what = 'nothing was recorded'): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && UNREADABLE.has(code)) return rejectedInput(`cannot read ${file}: ${code}; ${what}`, 'unreadable');
  return ioError(error, file, 'read');
}

export async function readInputText(file: string, ctx: Ctx, what?: string): Promise<string> {
  if (file === '-') return readAll(ctx.stdin);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw unreadableInput(error, file, what);
  }
}
