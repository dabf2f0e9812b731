/**
 * Journal-wide aggregates behind work_journal/token_usage.md, derived from the ledger.
 * Entries are applied together with their session's state (fold.ts), in any order, with the
 * same result: sums commute, and the session order is kept sorted by each session's start.
 */
import type { CallRecord } from '../ledger/record.js';
import type { Applied } from '../ledger/cursor.js';
import type { ViewCache } from '../markdown/view.js';
import { addCall, emptyTotals, modelKey, sortedRecord, type Totals } from './totals.js';

export interface JournalModelTotals extends Totals {
  provider: string;
  model: string;
  sessions: number;
}

/** Bumped when the derived state's shape changes: older state is rebuilt from the ledger. */
export const STATE_VERSION = 3;

export interface JournalState {
  v: typeof STATE_VERSION;
  /** Per ledger segment, the offset applied so far. */
  applied: Applied;
  sessions: number;
  /** Session ids by their start (sessionOrderKey): the Detailed Usage Log's row order. */
  session_order: string[];
  /** The order key of the last session in session_order. */
  last_session_key: string;
  /** Sessions not yet finalized, in session order, so `record` finds "the only active session" cheaply. */
  active_sessions: string[];
  /**
   * Sessions whose states the last transaction wrote after this file: the next one checks
   * that each was written (a crash in between leaves it behind; it is then refolded).
   */
  pending_sessions: string[];
  totals: Totals;
  by_model: Record<string, JournalModelTotals>;
  view: ViewCache | null;
}

export function newJournalState(): JournalState {
  return { v: STATE_VERSION, applied: {}, sessions: 0, session_order: [], last_session_key: '', active_sessions: [], pending_sessions: [], totals: emptyTotals(), by_model: {}, view: null };
}

export function applyCallToJournal(state: JournalState, record: CallRecord, newModelInSession: boolean): void {
  addCall(state.totals, record);
  const key = modelKey(record.provider, record.model);
  const perModel = (state.by_model[key] ??= { ...emptyTotals(), provider: record.provider, model: record.model, sessions: 0 });
  addCall(perModel, record);
  if (newModelInSession) perModel.sessions += 1;
}

/**
 * A session seen for the first time. Returns false when it does not sort after every
 * session already listed: the caller must put session_order back in order (putInOrder).
 */
export function addSessionToJournal(state: JournalState, session: string, orderKey: string): boolean {
  state.sessions += 1;
  state.session_order.push(session);
  state.active_sessions.push(session);
  if (orderKey > state.last_session_key) {
    state.last_session_key = orderKey;
    return true;
  }
  return false;
}

export function endSessionInJournal(state: JournalState, session: string): void {
  const i = state.active_sessions.lastIndexOf(session);
  if (i !== -1) state.active_sessions.splice(i, 1);
}

/** Sorts the session order (and the active list with it) by each session's order key. */
export function putInOrder(state: JournalState, orderKeyOf: (id: string) => string): void {
  const keyed = state.session_order.map((id) => ({ id, key: orderKeyOf(id) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const active = new Set(state.active_sessions);
  state.session_order = keyed.map((k) => k.id);
  state.active_sessions = state.session_order.filter((id) => active.has(id));
  state.last_session_key = keyed.at(-1)?.key ?? '';
}

/** The state as stored: maps in key order, so the same ledger always gives the same bytes. */
export function canonicalJournal(state: JournalState): JournalState {
  return { ...state, by_model: sortedRecord(state.by_model), applied: sortedRecord(state.applied) };
}
