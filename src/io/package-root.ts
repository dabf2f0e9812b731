/**
 * The installed package's root (where templates/ and pricing/ live), found by walking up
 * from a module's file to the directory holding package.json and templates/: the same code
 * runs bundled from dist/ and unbundled from src/ in tests, at different depths. The one
 * lookup of it: templates (app/layout.ts) and the price tables (pricing/table.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, TokjError } from '../core/errors.js';

let cached: string | null = null;

/** The root above `from` (default: this module, cached). */
export function packageRoot(from?: string): string {
  if (from === undefined && cached !== null) return cached;
  const start = path.dirname(from ?? fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'templates'))) {
      if (from === undefined) cached = dir;
      return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new TokjError(`cannot find the tokenjournal package above ${start} (no package.json beside templates/); reinstall tokenjournal`, EXIT.internal, 'package-root-missing');
    }
  }
}
