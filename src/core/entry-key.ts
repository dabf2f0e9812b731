/**
 * The order of ledger entries in every view: by timestamp, then by segment file name (month
 * and host), then by position in the file. It depends only on the ledger's contents, never on
 * the order in which lines reached this machine (a git pull can bring another host's older
 * lines after this host's newer ones), so a journal updated line by line and one replayed
 * from scratch list sessions and calls in the same order.
 *
 * A key is a string that sorts as that order: 15 digits of milliseconds since 1970, the
 * segment's name, 15 digits of byte offset.
 */
import type { Cursor } from '../ledger/cursor.js';

const pad = (n: number): string => String(Math.max(0, Math.trunc(n))).padStart(15, '0');

export function entryKey(timestamp: string, at: Cursor): string {
  const ms = Date.parse(timestamp);
  return `${pad(Number.isNaN(ms) ? 0 : ms)} ${at.file} ${pad(at.offset)}`;
}

/** The UTC month ("2026-12") of the entry a key was made for: the month log a session is listed in. */
export function monthOfKey(key: string): string {
  return new Date(Number(key.slice(0, 15))).toISOString().slice(0, 7);
}
