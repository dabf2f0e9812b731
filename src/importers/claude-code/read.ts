/**
 * `tokj import --from claude-code [DIR]`: Claude Code's transcripts as usage records.
 *
 * Files are taken oldest first (by their first timestamp), each read on its own
 * (transcript.ts; on worker threads when the logs are big, parallel.ts): only lines that
 * mention `"usage"` are parsed, and the lines of one response are merged in the file that
 * holds them (mergeEntries). A response already yielded from an earlier file (a resumed
 * session repeats its history) is not yielded again. Each record's request id is
 * `${message.id}:${requestId}`, so importing the same logs again, or logs that have grown
 * since, records only calls the journal does not hold yet.
 *
 * The journal keeps one entry per response, written once: a response is yielded only when
 * complete, with its final usage. The last response of a conversation that Claude Code may
 * still be writing (transcript.ts: `open`) is held back, and its file is not reported as
 * read whole, so the next import reads it again; once its transcript has gone a quiet period
 * without a write (Claude Code stopped mid-response), it is taken as it stands.
 */
import path from 'node:path';
import { usageError } from '../../core/errors.js';
import { stampOf } from '../../io/fs.js';
import { trace } from '../../io/trace.js';
import type { ImportRecord, Warn } from '../types.js';
import { loggedCost, type ClaudeEntry, type Skip } from './entry.js';
import { readTranscripts } from './parallel.js';
import { findTranscripts, firstTimestamp } from './paths.js';

export interface ClaudeCodeOptions {
  /**
   * `auto` (default, as ccusage): a `costUSD` the log holds (versions of 2025) is kept as
   * the call's frozen cost; otherwise tokj prices the call. `calculate`: always priced by
   * tokj from the tokens.
   */
  costs?: 'auto' | 'calculate';
  /** Filled in while reading, for the command's summary. */
  stats?: ClaudeCodeStats;
  /** Skipped lines, summed per file and reason. */
  warn?: Warn;
  /** TOKJ_IMPORT_WORKERS: how many threads read transcripts (see parallel.ts). */
  env?: NodeJS.ProcessEnv;
  /** Bytes of transcripts read so far, of all: for a progress bar. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Transcripts (path -> stamp: size, mtime, inode) already imported whole into this journal:
   * one still with that stamp is not read again (its calls are in the journal already).
   */
  unchanged?: ReadonlyMap<string, string>;
  /** The time now (ms), for the quiet period: the command's clock (TOKJ_NOW). */
  now?: number;
}

export interface ClaudeCodeStats {
  files: number;
  /** Lines that mention usage (the others are not even decoded). */
  lines: number;
  /** Records yielded: one per API response. */
  calls: number;
  /** Lines merged into a response already seen (streaming snapshots, resumed sessions). */
  duplicates: number;
  skipped: Partial<Record<Skip, number>>;
  /** Transcripts not read: as they were when last imported (options.unchanged). */
  unchanged: number;
  /** Responses not yielded because they may still be written to (read again next time). */
  heldBack: number;
  /**
   * Every transcript read whole, with its stamp taken before reading it: not those holding a
   * response held back (they must be read again while unchanged).
   */
  read: Map<string, string>;
  /** Transcripts read but not whole: an earlier import's memo of them no longer holds. */
  unsettled: Set<string>;
}

export function newClaudeCodeStats(): ClaudeCodeStats {
  return { files: 0, lines: 0, calls: 0, duplicates: 0, skipped: {}, unchanged: 0, heldBack: 0, read: new Map(), unsettled: new Set() };
}

/** Default quiet period: a transcript not written for this long is no longer being written. */
export const QUIET_SECONDS = 600;

/** TOKJ_IMPORT_QUIET_SECONDS, else 600: seconds without a write after which an open response is final. */
export function quietPeriodMs(env: NodeJS.ProcessEnv): number {
  const text = env.TOKJ_IMPORT_QUIET_SECONDS;
  if (text === undefined || text === '') return QUIET_SECONDS * 1000;
  if (!/^\d{1,9}$/.test(text)) throw usageError(`TOKJ_IMPORT_QUIET_SECONDS must be a whole number of seconds (got ${JSON.stringify(text)})`, 'bad_env');
  return Number(text) * 1000;
}

const SESSION_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Claude's session ids are UUIDs; anything else is made safe for a file name. */
export function sessionIdFor(raw: string | null, file: string): string {
  const id = raw ?? path.basename(file, '.jsonl');
  if (SESSION_ID.test(id) && id !== '.' && id !== '..') return id;
  const safe = id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 128).replace(/^\.+$/, '');
  return safe === '' ? 'claude-code' : safe;
}

/**
 * Reads one directory (a config dir, `projects/`, a project) or transcript file, or several;
 * see paths.ts for the defaults a command uses when none is given.
 */
export async function* readClaudeCode(where: string | readonly string[], options: ClaudeCodeOptions = {}): AsyncGenerator<ImportRecord> {
  const stats = options.stats ?? newClaudeCodeStats();
  const costs = options.costs ?? 'auto';
  const quietMs = quietPeriodMs(options.env ?? {});
  const now = options.now ?? Date.now();
  const found = findTranscripts(typeof where === 'string' ? [where] : where, options.warn);
  // A stamp taken before reading: a file that grows meanwhile is read again next time.
  const stamps = new Map<string, string>();
  const toRead = found.filter((file) => {
    const stamp = stampIfExists(file);
    if (stamp !== null && options.unchanged?.get(file) === stamp) {
      stats.unchanged += 1;
      return false;
    }
    if (stamp !== null) stamps.set(file, stamp);
    return true;
  });
  const files = orderOldestFirst(toRead);
  trace(`transcripts found: ${found.length}, to read: ${files.length}`);
  // Responses yielded, or held back, by an earlier file: a later copy is not yielded.
  const done = new Set<string>();
  const held = new Set<string>();
  const interned = new Map<string, string>();
  const intern = (s: string): string => {
    const known = interned.get(s);
    if (known !== undefined) return known;
    interned.set(s, s);
    return s;
  };
  for await (const result of readTranscripts(files, options.env ?? {}, options.onProgress)) {
    const { file } = result;
    stats.files += 1;
    stats.lines += result.lines;
    stats.duplicates += result.duplicates;
    for (const [why, n] of Object.entries(result.skipped) as Array<[Skip, number]>) stats.skipped[why] = (stats.skipped[why] ?? 0) + n;
    if (result.unreadable !== undefined) {
      options.warn?.(`${file} ${result.unreadable === 'ENOENT' ? 'disappeared while it was read' : 'cannot be read (permission denied)'}; skipped`);
      continue;
    }
    reportSkips(file, result.skipped, options.warn);
    const stamp = stamps.get(file);
    const open = result.open.length === 0 || (stamp !== undefined && isQuiet(file, stamp, now - quietMs)) ? null : new Set(result.open);
    // Read whole unless a response in it waits for a later import (here, or held by an
    // earlier file: this file's copy must then be read again too).
    let whole = stamp !== undefined;
    for (const entry of result.entries) {
      if (done.has(entry.key)) {
        if (held.has(entry.key)) whole = false;
        stats.duplicates += 1;
        continue;
      }
      done.add(entry.key);
      if (open?.has(entry.key)) {
        held.add(entry.key);
        stats.heldBack += 1;
        whole = false;
        continue;
      }
      stats.calls += 1;
      yield toRecord(entry, file, costs, intern);
    }
    if (whole) stats.read.set(file, stamp!);
    else stats.unsettled.add(file);
  }
}

/**
 * A transcript not written since `before` (ms): its stamp taken before it was read is still
 * its stamp (nothing was appended while it was read) and holds an older mtime.
 */
function isQuiet(file: string, stamp: string, before: number): boolean {
  if (stampIfExists(file) !== stamp) return false;
  const mtimeMs = BigInt(stamp.split(':')[1]!) / 1_000_000n;
  return mtimeMs <= BigInt(Math.floor(before));
}

function toRecord(entry: ClaudeEntry, file: string, costs: 'auto' | 'calculate', intern: (s: string) => string): ImportRecord {
  const u = entry.usage;
  const record: ImportRecord = {
    session: intern(sessionIdFor(entry.sessionId, file)),
    timestamp: entry.timestamp,
    provider: entry.provider,
    model: intern(entry.model),
    input_tokens: u.inputTokens,
    output_tokens: u.outputTokens,
    cache_read_tokens: u.cacheReadTokens,
    cache_write_tokens: u.cacheWriteTokens,
    reasoning_tokens: u.reasoningTokens,
    request_id: entry.key,
    // Always set, so a session whose first call is a subagent's is not named after it.
    agent: intern(entry.agent ?? 'claude-code'),
  };
  if (u.cacheWrite1hTokens) record.cache_write_1h_tokens = u.cacheWrite1hTokens;
  const project = entry.cwd ?? projectDirName(file);
  if (project !== null) record.labels = { project: intern(project) };
  const cost = costs === 'auto' ? loggedCost(entry) : null;
  if (cost !== null) {
    record.cost_usd = cost;
    record.price_source = 'claude-code costUSD';
  }
  return record;
}

/** `projects/<project>/…`: the project folder's name (Claude Code's encoding of the cwd). */
function projectDirName(file: string): string | null {
  const parts = file.split(path.sep);
  const at = parts.lastIndexOf('projects');
  return at >= 0 && at + 2 < parts.length ? parts[at + 1]! : null;
}

function stampIfExists(file: string): string | null {
  try {
    return stampOf(file);
  } catch {
    return null;
  }
}

/** Oldest file first (by its first timestamp; files without one last), then by name. */
function orderOldestFirst(files: string[]): string[] {
  const firsts = files.map((file) => ({ file, first: firstTimestamp(file) }));
  const key = (t: number): number => (Number.isNaN(t) ? Infinity : t);
  firsts.sort((a, b) => key(a.first) - key(b.first) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return firsts.map((f) => f.file);
}

const SKIP_TEXT: Record<Skip, string> = {
  not_json: 'not JSON (torn or edited)',
  no_usage: 'without message.usage',
  synthetic: '<synthetic> (API errors and notices, not calls)',
  no_model: 'without a model',
  no_timestamp: 'without a valid timestamp',
  bad_usage: 'with token counts that are not whole numbers or do not add up',
  zero: 'with no tokens at all',
};

/** Lines skipped for reasons a person may want to know about (not the expected ones). */
function reportSkips(file: string, skipped: Partial<Record<Skip, number>>, warn: Warn | undefined): void {
  if (!warn) return;
  for (const why of ['not_json', 'no_model', 'no_timestamp', 'bad_usage'] as const) {
    const n = skipped[why];
    if (n) warn(`${file}: skipped ${n} line${n === 1 ? '' : 's'} ${SKIP_TEXT[why]}`);
  }
}
