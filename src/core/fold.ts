/**
 * The one replay: a ledger entry folded into the journal's state and its session's state.
 * Every path that derives state from the ledger goes through here — a record, the recovery
 * of lines a killed process or another host appended, rebuild, and doctor's check — so they
 * cannot disagree. The fold is commutative (see session-state.ts), so the order lines
 * arrive in changes nothing but which views can be patched and which must be re-rendered:
 * that is what the result says.
 */
import type { LedgerEntry } from '../ledger/record.js';
import { addSessionToJournal, applyCallToJournal, endSessionInJournal, type JournalState } from './journal-state.js';
import { applyCallToSession, applyEndToSession, applyStartToSession, emptySessionState, sessionOrderKey, type SessionState } from './session-state.js';
import { checkCanAdd } from './totals.js';

export interface Folded {
  /** The session's state (created if the entry is the first of its session). */
  session: SessionState;
  /** The session's place in the Detailed Usage Log changed: session_order must be re-sorted. */
  reorderSessions: boolean;
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
  let callOutOfOrder = false;
  if (entry.type === 'session_start') applyStartToSession(s, entry, key);
  else if (entry.type === 'session_end') {
    applyEndToSession(s, entry, key);
    endSessionInJournal(journal, s.session);
  } else {
    const applied = applyCallToSession(s, entry, key);
    applyCallToJournal(journal, entry, applied.newModel);
    callOutOfOrder = applied.outOfOrder;
  }
  let reorderSessions = !isNew && sessionOrderKey(s) !== orderBefore;
  if (isNew) {
    reorderSessions = !addSessionToJournal(journal, s.session, sessionOrderKey(s));
    if (s.status !== 'active') endSessionInJournal(journal, s.session);
  }
  return { session: s, reorderSessions, callOutOfOrder };
}

/** The journal's totals hold every other total's calls, so they are the first to overflow. */
function checkFits(journal: JournalState, call: Extract<LedgerEntry, { type: 'call' }>): void {
  checkCanAdd(journal.totals, [call], 'the journal');
}
