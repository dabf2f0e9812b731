/**
 * Finding sessions' states inside a transaction: the ones already loaded, else their state
 * files, else — for a session the journal holds whose state is missing, damaged or behind
 * the journal (a crash between the journal's state and its own) — a refold of its ledger
 * lines up to the journal's cursor. Also the orders the views need: a month's sessions, the
 * latest sessions, the sessions just before one.
 */
import type { Applied } from '../ledger/cursor.js';
import { sameApplied } from '../ledger/cursor.js';
import { monthOfKey } from '../core/entry-key.js';
import { foldEntry, type FoldTarget } from '../core/fold.js';
import { newJournalState, RECENT_SESSIONS, recentFrom, type JournalState } from '../core/journal-state.js';
import { emptySessionState, sessionOrderKey, type SessionState } from '../core/session-state.js';
import type { Layout } from './layout.js';
import { IdIndex } from './id-index.js';
import { MonthLists } from './month-lists.js';
import { SessionStates } from './session-states.js';
import { sessionEntries, sessionsFolded } from './replay.js';

export const monthOf = (s: SessionState): string => monthOfKey(sessionOrderKey(s));

export class SessionLookup {
  private readonly sessions = new Map<string, SessionState>();
  /** Every session the journal holds (value: its first order key), to tell a new session from a lost state. */
  private readonly ids: IdIndex;
  private readonly monthLists: MonthLists;
  readonly states: SessionStates;
  /** The sessions the stored journal state lists as about to be written (thousands after an import). */
  private readonly pending: Set<string>;

  constructor(
    private readonly layout: Layout,
    private readonly journal: JournalState,
    /** The journal state is new: every session comes from the replay, none from a file. */
    private readonly fresh: boolean,
    /** The journal's cursor as stored: what every loaded session state must be in step with. */
    private readonly storedCursor: Applied,
    /** Told of each session folded again from the ledger (its views are rendered whole). */
    private readonly refolded: (id: string) => void,
    private readonly warn: (message: string) => void,
  ) {
    this.ids = new IdIndex(layout.sessionIdDir);
    this.monthLists = new MonthLists(layout.monthListDir);
    this.states = new SessionStates(layout);
    this.pending = new Set(journal.pending_sessions);
  }

  /** A state made for a session's first entry. */
  adopt(s: SessionState): void {
    this.sessions.set(s.session, s);
    this.ids.add(s.session, s.first_key);
  }

  /** A session joined a month (new, or its start moved): its month's list names it. */
  noteMonth(s: SessionState): void {
    const key = sessionOrderKey(s);
    this.monthLists.note(monthOfKey(key), key, s.session);
  }

  /** The session's state, or null when the ledger (as folded so far) has no entry of it. */
  get(id: string): SessionState | null {
    const cached = this.sessions.get(id);
    if (cached) return cached;
    if (this.fresh) return null;
    let s: SessionState | null = null;
    let known: boolean | undefined;
    const isKnown = (): boolean => (known ??= this.ids.lookup(id) !== undefined);
    try {
      s = this.states.read(id, isKnown);
    } catch {
      // damaged: refolded below
    }
    if (s === null && !isKnown()) return null;
    const inStep = s !== null && s.v === 3 && s.session === id && (!this.pending.has(id) || sameApplied(s.applied, this.storedCursor));
    if (!inStep) s = this.refold(id);
    if (s !== null) this.sessions.set(id, s);
    return s;
  }

  private refold(id: string): SessionState | null {
    const entries = sessionEntries(this.layout.ledgerDir, id, this.storedCursor);
    // Listed in the session index, but none of its lines is folded yet (a crash after the
    // index was written): still a new session.
    if (entries.length === 0) return null;
    const first = entries[0]!;
    const s = emptySessionState(id, first.entry.timestamp, first.key);
    // A scratch journal: the real one has folded these lines already.
    const scratch: FoldTarget = { journal: newJournalState(), session: () => s, adopt: () => undefined };
    for (const { entry, key } of entries) foldEntry(scratch, entry, key);
    this.refolded(id);
    return s;
  }

  /**
   * Every session of a month, in start order. The month's list holds every session that ever
   * joined it; one whose start moved away is dropped by its current key. A list that does not
   * account for the month's sessions (deleted, damaged) is rebuilt from the ledger.
   */
  monthSessions(month: string): SessionState[] {
    const want = this.journal.months[month]?.sessions ?? 0;
    let found = this.listedIn(month);
    if (found.length !== want) {
      this.warn(`the list of ${month}'s sessions in monitoring/.state/months/ was incomplete; rebuilt it from the ledger`);
      for (const s of sessionsFolded(this.layout.ledgerDir, this.journal.applied)) {
        const key = sessionOrderKey(s);
        if (monthOfKey(key) === month) this.monthLists.note(month, key, s.session);
      }
      found = this.listedIn(month);
    }
    return found.sort((a, b) => compareOrder(sessionOrderKey(a), a.session, sessionOrderKey(b), b.session));
  }

  private listedIn(month: string): SessionState[] {
    return this.monthLists
      .ids(month)
      .map((id) => this.get(id))
      .filter((s): s is SessionState => s !== null && monthOf(s) === month);
  }

  /** The latest sessions, computed from the newest months' lists (when the kept list lost track). */
  recomputeRecent(): Array<[string, string]> {
    const candidates: Array<[string, string]> = [];
    for (const month of Object.keys(this.journal.months).sort().reverse()) {
      for (const s of this.monthSessions(month)) candidates.push([sessionOrderKey(s), s.session]);
      if (candidates.length >= RECENT_SESSIONS) break;
    }
    return recentFrom(candidates);
  }

  /** The states of the journal's latest sessions, oldest first. */
  recentSessions(): SessionState[] {
    return this.journal.recent.map(([, id]) => this.get(id)).filter((s): s is SessionState => s !== null);
  }

  /** Up to `n` sessions that sort just before `id`, oldest first (monitor --by session compares with them). */
  sessionsBefore(id: string, n: number): SessionState[] {
    const listed = this.journal.recent.findIndex(([, other]) => other === id);
    if (listed >= n) return this.journal.recent.slice(listed - n, listed).map(([, other]) => this.get(other)!);
    const s = this.get(id);
    if (!s) return [];
    const out: SessionState[] = [];
    for (const month of Object.keys(this.journal.months).sort().reverse()) {
      if (month > monthOf(s)) continue;
      const list = this.monthSessions(month);
      const at = month === monthOf(s) ? list.findIndex((other) => other.session === id) : list.length;
      out.unshift(...list.slice(0, at));
      if (out.length >= n) break;
    }
    return out.slice(-n);
  }

  /** Writes the lookups this transaction added (before the journal state: they only list what the ledger holds). */
  flush(): void {
    this.monthLists.flush();
    this.ids.flush();
  }
}

function compareOrder(keyA: string, idA: string, keyB: string, idB: string): number {
  return keyA < keyB ? -1 : keyA > keyB ? 1 : idA < idB ? -1 : idA > idB ? 1 : 0;
}
