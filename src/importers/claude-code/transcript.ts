/**
 * One transcript file read into the API responses it holds: usage lines scanned as bytes,
 * parsed (bytes.ts), the lines of one response merged (mergeEntries). Files are independent,
 * so several threads read them at once (parallel.ts); which file's copy of a response
 * counts is decided by the order the caller takes them in, oldest file first (read.ts).
 *
 * A transcript is read while Claude Code may still be writing it, and a response's lines
 * grow until its last one: the result says which responses may still be written to (`open`),
 * so that the caller records them only once they are complete (read.ts).
 */
import path from 'node:path';
import { pathExists } from '../../io/dir.js';
import { scanLinesContaining } from '../line-scan.js';
import { TranscriptLines } from './bytes.js';
import { mergeEntries, type ClaudeEntry, type Skip } from './entry.js';

export interface TranscriptResult {
  file: string;
  /** One entry per response, in the order the file first mentions each. */
  entries: ClaudeEntry[];
  /**
   * Keys of the responses that may not be complete: in each thread (the main conversation,
   * each subagent), the last response, unless one of its lines carries a stop reason. Any
   * other response is complete: its thread went on to a next request, which Claude Code
   * sends only once a response has ended. (Other lines are no sign: tool results and
   * progress lines are written between the lines of a response still streaming.)
   */
  open: string[];
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
  const result: TranscriptResult = { file, entries: [], open: [], lines: 0, duplicates: 0, skipped: {} };
  const pending = new Map<string, ClaudeEntry>();
  // thread -> its latest response, and whether a line of it carried a stop reason
  const latest = new Map<string, { key: string; stopped: boolean }>();
  const ownTranscript = new Map<string, boolean>();
  const lines = new TranscriptLines();
  // the latest response of the thread of the line parsed last: the one a repeat repeats
  let repeated: { key: string; stopped: boolean } | undefined;
  try {
    scanLinesContaining(file, NEEDLE, (buf, start, end) => {
      result.lines += 1;
      const parsed = lines.parse(buf, start, end);
      if (parsed === null) {
        result.duplicates += 1;
        if (lines.repeatStopped && repeated !== undefined) repeated.stopped = true;
        return;
      }
      repeated = undefined;
      if (!parsed.ok) {
        result.skipped[parsed.skip] = (result.skipped[parsed.skip] ?? 0) + 1;
        return;
      }
      if (parsed.copyOf !== null) {
        let own = ownTranscript.get(parsed.copyOf);
        if (own === undefined) ownTranscript.set(parsed.copyOf, (own = hasOwnTranscript(file, parsed.copyOf)));
        // The subagent's own lines count (complete, with their final counts), not the copy.
        if (own) {
          result.duplicates += 1;
          return;
        }
      }
      const entry = parsed.entry;
      repeated = latest.get(parsed.thread);
      if (repeated !== undefined && repeated.key === entry.key) repeated.stopped ||= parsed.stopped;
      else latest.set(parsed.thread, (repeated = { key: entry.key, stopped: parsed.stopped }));
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
  for (const { key, stopped } of latest.values()) if (!stopped) result.open.push(key);
  return result;
}

/**
 * Whether the subagent `agentId` of this transcript has its own: `<session>/subagents/
 * agent-<id>.jsonl` beside the session's file, or `agent-<id>.jsonl` in the same folder
 * (older versions, and a subagent's own file). A copy without an agentId has none.
 */
function hasOwnTranscript(file: string, agentId: string): boolean {
  if (agentId === '' || /[\\/]/.test(agentId)) return false;
  const dir = path.dirname(file);
  const name = `agent-${agentId}.jsonl`;
  return pathExists(path.join(dir, path.basename(file, '.jsonl'), 'subagents', name)) || pathExists(path.join(dir, name));
}
