/**
 * The one replay: a ledger entry folded into the journal's state and its session's state.
 * Every path that derives state from the ledger goes through here — a record, the recovery
 * of lines a killed process or another host appended, rebuild, and doctor's check — so they
 * cannot disagree. The fold is commutative (see session-state.ts), so the order lines
 * arrive in changes nothing but which views can be patched and which must be re-rendered:
 * that is what the result says.
 */
import type { LedgerEntry } from '../ledger/record.js';
import { addSessionToJournal, applyCallToJournal, endSessionInJournal, moveSessionInJournal, type JournalState, type Placed } from './journal-state.js';
import { monthOfKey } from './entry-key.js';
import { applyCallToSession, applyEndToSession, applyStartToSession, emptySessionState, sessionOrderKey, type SessionState } from './session-state.js';
import { checkCanAdd, type Totals } from './totals.js';

export interface Folded {
  /** The session's state (created if the entry is the first of its session). */
  session: SessionState;
  /** The session is new, or its place in the month logs or Recent Sessions changed. */
  placed: Placed | null;
  /** A call sorted before one already applied: the session's usage table is re-rendered whole. */
  callOutOfOrder: boolean;
}

export interface FoldTarget {
  journal: JournalState;
  /** The session's state, or null when the journal does not know the session yet. */
  session(id: string): SessionState | null;
  /** Called with a state made for a session's first entry. */
  adopt(state: SessionState): void;
}

/**
 * Folds one entry. A call that would take a total past 2^53-1 (a line an older tokj let in)
 * throws the 'overflow' TokjError before anything is changed, so the caller can skip it.
 */
export function foldEntry(target: FoldTarget, entry: LedgerEntry, key: string): Folded {
  const { journal } = target;
  let s = target.session(entry.session);
  if (entry.type === 'call') checkFits(journal, entry);
  const isNew = s === null;
  if (s === null) {
    s = emptySessionState(entry.session, entry.timestamp, key);
    target.adopt(s);
  }
  const orderBefore = sessionOrderKey(s);
  // A session's month follows its start: when that moves, its totals move with it.
  const totalsBefore: Totals = { ...s.totals };
  let callOutOfOrder = false;
  let call: Extract<LedgerEntry, { type: 'call' }> | null = null;
  let newModel = false;
  if (entry.type === 'session_start') applyStartToSession(s, entry, key);
  else if (entry.type === 'session_end') {
    applyEndToSession(s, entry, key);
    endSessionInJournal(journal, s.session);
  } else {
    const applied = applyCallToSession(s, entry, key);
    call = entry;
    newModel = applied.newModel;
    callOutOfOrder = applied.outOfOrder;
  }
  const orderAfter = sessionOrderKey(s);
  let placed: Placed | null = null;
  if (isNew) {
    placed = addSessionToJournal(journal, s.session, orderAfter);
    if (s.status !== 'active') endSessionInJournal(journal, s.session);
  } else if (orderAfter !== orderBefore) {
    placed = moveSessionInJournal(journal, s.session, orderBefore, orderAfter, totalsBefore);
  }
  if (call) applyCallToJournal(journal, call, newModel, monthOfKey(orderAfter));
  return { session: s, placed, callOutOfOrder };
}

/** The journal's totals hold every other total's calls, so they are the first to overflow. */
function checkFits(journal: JournalState, call: Extract<LedgerEntry, { type: 'call' }>): void {
  checkCanAdd(journal.totals, [call], 'the journal');
}
