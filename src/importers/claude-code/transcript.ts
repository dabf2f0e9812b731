/**
 * One transcript file read into the API responses it holds: usage lines scanned as bytes,
 * parsed (bytes.ts), the lines of one response merged (mergeEntries). Files are independent,
 * so several threads read them at once (parallel.ts); which file's copy of a response
 * counts is decided by the order the caller takes them in, oldest file first (read.ts).
 */
import { scanLinesContaining } from '../line-scan.js';
import { TranscriptLines } from './bytes.js';
import { mergeEntries, type ClaudeEntry, type Skip } from './entry.js';

export interface TranscriptResult {
  file: string;
  /** One entry per response, in the order the file first mentions each. */
  entries: ClaudeEntry[];
  /** Lines that mention usage (the others are not even decoded). */
  lines: number;
  /** Lines merged into a response already seen in this file. */
  duplicates: number;
  skipped: Partial<Record<Skip, number>>;
  /** The file vanished or cannot be read: skipped with a warning, not an error. */
  unreadable?: 'ENOENT' | 'EACCES' | 'EPERM';
}

/**
 * Lines worth parsing hold the key `"usage"`; searching for `usage"` (no leading quote)
 * finds every one of them and runs a quarter faster: a quote is the commonest byte in JSON,
 * and the search skips ahead on its first byte.
 */
const NEEDLE = 'usage"';

export function parseTranscript(file: string): TranscriptResult {
  const result: TranscriptResult = { file, entries: [], lines: 0, duplicates: 0, skipped: {} };
  const pending = new Map<string, ClaudeEntry>();
  const lines = new TranscriptLines();
  try {
    scanLinesContaining(file, NEEDLE, (buf, start, end) => {
      result.lines += 1;
      const parsed = lines.parse(buf, start, end);
      if (parsed === null) {
        result.duplicates += 1;
        return;
      }
      if (!parsed.ok) {
        result.skipped[parsed.skip] = (result.skipped[parsed.skip] ?? 0) + 1;
        return;
      }
      const entry = parsed.entry;
      const seen = pending.get(entry.key);
      if (seen === undefined) pending.set(entry.key, entry);
      else {
        result.duplicates += 1;
        pending.set(entry.key, mergeEntries(seen, entry));
      }
    });
  } catch (error) {
    // Claude Code may remove a transcript while we read, and a file may not be ours to
    // read; anything else (a bug) is not ours to hide.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EACCES' && code !== 'EPERM') throw error;
    return { ...result, entries: [], unreadable: code };
  }
  result.entries = [...pending.values()];
  return result;
}
