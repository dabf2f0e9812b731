/**
 * Which Claude Code transcripts an import has read whole into this journal, so a daily
 * `tokj import --from claude-code` reads only the logs that changed since (and those holding
 * a response that was held back because it may still be streaming): a cache in
 * `.state/claude-code-import.json` (path -> stamp: size, mtime, inode). It holds only while
 * the ledger it was written beside is still there: if any segment it saw is gone or shorter
 * (a ledger deleted to start over), it is ignored and every transcript is read.
 */
import path from 'node:path';
import { listSegments, segmentSize } from '../ledger/store.js';
import type { Layout } from './layout.js';
import { readJson, writeJson } from './state-store.js';

interface Memo {
  /** Ledger segment -> its size when the memo was written. */
  ledger: Record<string, number>;
  files: Record<string, string>;
}

const memoPath = (layout: Layout): string => path.join(layout.stateDir, 'claude-code-import.json');

/** The transcripts already imported whole, or null when the memo cannot be trusted. */
export function readImportMemo(layout: Layout): Map<string, string> | null {
  let memo: Memo | null;
  try {
    memo = readJson<Memo>(memoPath(layout));
  } catch {
    return null;
  }
  if (memo === null || typeof memo.ledger !== 'object' || typeof memo.files !== 'object' || memo.ledger === null || memo.files === null) return null;
  const segments = new Set(listSegments(layout.ledgerDir));
  for (const [segment, size] of Object.entries(memo.ledger)) {
    if (!segments.has(segment) || segmentSize(layout.ledgerDir, segment) < size) return null;
  }
  return new Map(Object.entries(memo.files).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * Adds the transcripts just imported whole (call it once their calls are in the ledger), and
 * drops those read but not whole (`unsettled`: a response in them was held back until it is
 * complete), so that the next import reads them again even while their stamp is unchanged.
 */
export function writeImportMemo(layout: Layout, previous: ReadonlyMap<string, string> | null, read: ReadonlyMap<string, string>, unsettled: Iterable<string> = []): void {
  const ledger: Record<string, number> = {};
  for (const segment of listSegments(layout.ledgerDir)) ledger[segment] = segmentSize(layout.ledgerDir, segment);
  const files: Record<string, string> = Object.fromEntries(previous ?? []);
  for (const file of unsettled) delete files[file];
  for (const [file, stamp] of read) files[file] = stamp;
  try {
    writeJson(memoPath(layout), { ledger, files } satisfies Memo);
  } catch {
    // a cache: the next import reads every transcript
  }
}
