/**
 * Journal-wide aggregates behind work_journal/token_usage.md, derived from the ledger.
 * Entries are applied together with their session's state (fold.ts), in any order, with the
 * same result: sums commute; a session belongs to the month of its start (its order key),
 * and the latest sessions are the greatest keys whatever order they arrived in.
 */
import type { CallRecord } from '../ledger/record.js';
import type { Applied } from '../ledger/cursor.js';
import type { ViewCache } from './view-cache.js';
import { addCall, addTotals, emptyTotals, modelKey, sortedRecord, type Totals } from './totals.js';
import { monthOfKey } from './entry-key.js';

export interface JournalModelTotals extends Totals {
  provider: string;
  model: string;
  sessions: number;
}

/** The sessions that started in one UTC month (their month log), and their totals. */
export interface MonthTotals extends Totals {
  sessions: number;
}

/** The main journal lists this many of the latest sessions; every session is in its month's log. */
export const RECENT_SESSIONS = 20;

/** Bumped when the derived state's shape changes: older state is rebuilt from the ledger. */
export const STATE_VERSION = 4;

export interface JournalState {
  v: typeof STATE_VERSION;
  /** Per ledger segment, the offset applied so far. */
  applied: Applied;
  sessions: number;
  /** Per UTC month of a session's start ("2026-12"): the rows and totals of that month's log. */
  months: Record<string, MonthTotals>;
  /** The latest sessions by start, as [order key, id], oldest first: the main journal's Recent Sessions. */
  recent: Array<[string, string]>;
  /** Sessions not yet finalized, by id, so `record` finds "the only active session" cheaply. */
  active_sessions: string[];
  /**
   * Sessions whose states the last transaction wrote after this file: the next one checks
   * that each was written (a crash in between leaves it behind; it is then refolded).
   */
  pending_sessions: string[];
  totals: Totals;
  by_model: Record<string, JournalModelTotals>;
  view: ViewCache | null;
  /** Each month log's view spans (bookkeeping, like `view`). */
  month_views: Record<string, ViewCache>;
}

export function newJournalState(): JournalState {
  return { v: STATE_VERSION, applied: {}, sessions: 0, months: {}, recent: [], active_sessions: [], pending_sessions: [], totals: emptyTotals(), by_model: {}, view: null, month_views: {} };
}

export function applyCallToJournal(state: JournalState, record: CallRecord, newModelInSession: boolean, month: string): void {
  addCall(state.totals, record);
  const key = modelKey(record.provider, record.model);
  const perModel = (state.by_model[key] ??= { ...emptyTotals(), provider: record.provider, model: record.model, sessions: 0 });
  addCall(perModel, record);
  if (newModelInSession) perModel.sessions += 1;
  addCall(monthOf(state, month), record);
}

function monthOf(state: JournalState, month: string): MonthTotals {
  return (state.months[month] ??= { ...emptyTotals(), sessions: 0 });
}

/** How a session's place in the logs changed: which views can be patched and which are rendered whole. */
export interface Placed {
  /** Months whose log must be rendered whole (a session arrived out of order, or left). */
  reorderedMonths: string[];
  /** The Recent Sessions list changed members or order. */
  recentChanged: boolean;
  /** A listed session moved back behind sessions the list no longer holds: recompute it (recentFrom). */
  recentStale: boolean;
}

/** A session seen for the first time, with its order key. */
export function addSessionToJournal(state: JournalState, session: string, orderKey: string): Placed {
  state.sessions += 1;
  state.active_sessions.push(session);
  const month = monthOfKey(orderKey);
  monthOf(state, month).sessions += 1;
  // After every session there is, it is the last row of its month's log (the latest session
  // is always in `recent`); anywhere else, the month's rows are rendered again in order.
  const latest = state.recent.at(-1);
  const last = latest === undefined || before(latest, [orderKey, session]);
  return { reorderedMonths: last ? [] : [month], recentChanged: noteRecent(state, session, orderKey), recentStale: false };
}

/**
 * A known session's order key changed (an earlier start arrived, or its first start after
 * earlier calls). `totalsBefore` are its totals before the entry was applied: when its month
 * changes they move with it, and the entry's own call (if any) is added by the caller.
 */
export function moveSessionInJournal(state: JournalState, session: string, keyBefore: string, keyAfter: string, totalsBefore: Totals): Placed {
  const from = monthOfKey(keyBefore);
  const to = monthOfKey(keyAfter);
  if (from !== to) {
    const old = monthOf(state, from);
    addTotals(old, totalsBefore, -1);
    old.sessions -= 1;
    if (old.sessions === 0) delete state.months[from];
    const m = monthOf(state, to);
    addTotals(m, totalsBefore);
    m.sessions += 1;
  }
  const i = state.recent.findIndex(([, id]) => id === session);
  let recentStale = false;
  let recentChanged = false;
  if (i !== -1) {
    state.recent[i] = [keyAfter, session];
    sortRecent(state.recent);
    recentChanged = true;
    // Moved back past sessions the list dropped: which one is now among the latest is not known here.
    recentStale = keyAfter < keyBefore && state.sessions > state.recent.length && state.recent[0]![1] === session;
  } else {
    recentChanged = noteRecent(state, session, keyAfter);
  }
  return { reorderedMonths: from === to ? [to] : [from, to], recentChanged, recentStale };
}

/** Puts a session among the latest when it sorts among them. Returns whether the list changed. */
function noteRecent(state: JournalState, session: string, key: string): boolean {
  const recent = state.recent;
  if (recent.length >= RECENT_SESSIONS && !before(recent[0]!, [key, session])) return false;
  recent.push([key, session]);
  sortRecent(recent);
  if (recent.length > RECENT_SESSIONS) recent.shift();
  return true;
}

const before = (a: [string, string], b: [string, string]): boolean => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

function sortRecent(recent: Array<[string, string]>): void {
  recent.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
}

/** The latest sessions of a set given as [order key, id]: what `recent` holds, computed whole. */
export function recentFrom(all: Iterable<[string, string]>): Array<[string, string]> {
  const list = [...all];
  sortRecent(list);
  return list.slice(-RECENT_SESSIONS);
}

export function endSessionInJournal(state: JournalState, session: string): void {
  const i = state.active_sessions.lastIndexOf(session);
  if (i !== -1) state.active_sessions.splice(i, 1);
}

/** The state as stored: maps and sets in key order, so the same ledger always gives the same bytes. */
export function canonicalJournal(state: JournalState): JournalState {
  return {
    ...state,
    months: sortedRecord(state.months),
    active_sessions: [...state.active_sessions].sort(),
    by_model: sortedRecord(state.by_model),
    applied: sortedRecord(state.applied),
    month_views: sortedRecord(state.month_views),
  };
}
