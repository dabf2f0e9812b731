/**
 * `tokj import --from seed-markdown [FILE]`: the journal the older bash scripts wrote,
 * default `.ai_workflow/work_journal/token_usage.md`. Reads the file, parses it with the
 * project's markdown parser (loaded lazily, as everywhere) and yields one record per entry.
 * Entries without a timestamp get the file's modification time unless told otherwise.
 */
import { usageError } from '../../core/errors.js';
import { statIfExists, type PathInfo } from '../../io/dir.js';
import { readText } from '../../io/fs.js';
import { parseMarkdownLazily } from '../../markdown/lazy-parse.js';
import type { ImportRecord, Warn } from '../types.js';
import { parseSeedMarkdown } from './parse.js';

export interface SeedMarkdownOptions {
  /** For entries without a readable timestamp (ISO 8601); default: the file's mtime. */
  fallbackTimestamp?: string;
  /** See SeedOptions.costs: `price` (default) or `recorded`. */
  costs?: 'price' | 'recorded';
  warn?: Warn;
}

export async function* readSeedMarkdown(file: string, options: SeedMarkdownOptions = {}): AsyncGenerator<ImportRecord> {
  const notAFile = (): Error => usageError(`${file} is not a file; give the old journal, e.g. .ai_workflow/work_journal/token_usage.md`, 'no_source');
  let text: string;
  let info: PathInfo | null;
  try {
    text = readText(file);
    info = statIfExists(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') throw notAFile();
    throw error;
  }
  // (removed between the read and the stat)
  if (info === null) throw notAFile();
  let fallbackTimestamp = info.mtime.toISOString();
  if (options.fallbackTimestamp !== undefined) {
    const time = Date.parse(options.fallbackTimestamp);
    if (Number.isNaN(time)) throw usageError(`"${options.fallbackTimestamp}" is not an ISO date-time (for example 2025-06-01T10:00:00Z)`, 'bad_timestamp');
    fallbackTimestamp = new Date(time).toISOString();
  }
  const root = await parseMarkdownLazily(text);
  const { records, warnings } = parseSeedMarkdown(root, { fallbackTimestamp, costs: options.costs ?? 'price', source: file });
  for (const warning of warnings) options.warn?.(warning);
  yield* records;
}
