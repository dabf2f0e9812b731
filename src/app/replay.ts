/**
 * Reading the ledger back into derived state: the lines past the journal's cursor (a
 * killed process's, another host's after a git pull, or all of them when the state is new),
 * one session's lines when its state must be refolded, and a torn last line moved aside.
 * The folding itself is core/fold.ts.
 */
import path from 'node:path';
import { isApplied, type Applied, type Cursor } from '../ledger/cursor.js';
import type { CallRecord, LedgerEntry } from '../ledger/record.js';
import { listSegments, scanLedger, scanSegment, segmentSize } from '../ledger/store.js';
import { entryKey } from '../core/entry-key.js';
import { foldEntry, type FoldTarget } from '../core/fold.js';
import { newJournalState } from '../core/journal-state.js';
import type { SessionState } from '../core/session-state.js';
import { ensureDir, truncateFile, writeAtomic } from '../io/fs.js';
import { readBytesFrom } from '../io/open-file.js';

export interface ReplaySink {
  entry(entry: LedgerEntry, at: Cursor, end: Cursor): void;
  /** A line that is not a ledger entry (doctor reports it): skipped, its bytes counted as read. */
  garbage(at: Cursor, end: Cursor): void;
  /** A last line without its newline, at `torn`. */
  torn(torn: Cursor): void;
}

/** Feeds every complete ledger line past `applied` to the sink, segment by segment in name order. */
export function replayPast(ledgerDir: string, applied: Applied, sink: ReplaySink): void {
  for (const file of listSegments(ledgerDir)) {
    const from = applied[file] ?? 0;
    if (segmentSize(ledgerDir, file) <= from) continue;
    const lines = scanSegment(ledgerDir, file, from);
    for (;;) {
      const next = lines.next();
      if (next.done) {
        if (next.value) sink.torn(next.value);
        break;
      }
      const { entry, at, end } = next.value;
      if (entry) sink.entry(entry, at, end);
      else sink.garbage(at, end);
    }
  }
}

export interface KeyedEntry<T extends LedgerEntry = LedgerEntry> {
  entry: T;
  key: string;
}

/** The entries of one session that lie before `upTo` (the journal's cursor), in ledger-scan order. */
export function sessionEntries(ledgerDir: string, session: string, upTo: Applied): KeyedEntry[] {
  const out: KeyedEntry[] = [];
  // A cheap filter before JSON.parse: every line of the session names it this way.
  const needle = `"session":${JSON.stringify(session)}`;
  for (const line of scanLedger(ledgerDir)) {
    if (!line.text.includes(needle)) continue;
    if (line.entry?.session === session && isApplied(upTo, line.at)) out.push({ entry: line.entry, key: entryKey(line.entry.timestamp, line.at) });
  }
  return out;
}

/**
 * Every session as the ledger's lines up to `upTo` fold it, in a scratch journal: the slow
 * way to list sessions, for when a derived list was lost. Lines that do not fold are skipped.
 */
export function sessionsFolded(ledgerDir: string, upTo: Applied): SessionState[] {
  const sessions = new Map<string, SessionState>();
  const target: FoldTarget = { journal: newJournalState(), session: (id) => sessions.get(id) ?? null, adopt: (s) => sessions.set(s.session, s) };
  for (const line of scanLedger(ledgerDir)) {
    if (!line.entry || !isApplied(upTo, line.at)) continue;
    try {
      foldEntry(target, line.entry, entryKey(line.entry.timestamp, line.at));
    } catch {
      // a line past 2^53-1: skipped here as everywhere (doctor reports it)
    }
  }
  return [...sessions.values()];
}

/** A session's calls in view order (by entry key). */
export function callsInOrder(entries: KeyedEntry[]): CallRecord[] {
  const calls = entries.filter((e): e is KeyedEntry<CallRecord> => e.entry.type === 'call');
  // Already in order (the usual case: one host, a clock that only moves forward): no sort.
  if (calls.some((c, i) => i > 0 && c.key < calls[i - 1]!.key)) calls.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return calls.map((c) => c.entry);
}

/** Moves a torn last line to ledger/torn/ and cuts it off the segment; returns where it went. */
export function moveTornTail(ledgerDir: string, torn: Cursor): string {
  const file = path.join(ledgerDir, torn.file);
  const tail = readBytesFrom(file, torn.offset);
  const aside = path.join(ledgerDir, 'torn', `${torn.file}.${torn.offset}.partial`);
  ensureDir(path.dirname(aside));
  writeAtomic(aside, tail.toString('utf8'));
  truncateFile(file, torn.offset);
  return aside;
}
