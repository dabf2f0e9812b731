/**
 * A journal transaction: under the journal lock, bring derived state up to the ledger
 * (replaying lines a killed process or another host appended), append new entries — the
 * ledger line is the commit point — then write the touched views and states.
 *
 * State and ledger stay in step by one rule: the journal state's cursor says which lines
 * have been folded (core/fold.ts) into it AND into the states of their sessions. A
 * commit writes the views, then the journal state (listing the sessions it is about to
 * write), then those session states. A crash after the journal state leaves a listed
 * session behind; the next transaction finds it out of step and refolds it from the ledger.
 * Every view state keeps the stamp its file was written with; a view that does not match
 * is re-parsed and rendered whole, so a crash between a view and its state cannot double a row.
 */
import path from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import { canonicalJournal, newJournalState, RECENT_SESSIONS, recentFrom, STATE_VERSION, type JournalState } from '../core/journal-state.js';
import { canonicalSession, emptySessionState, sessionOrderKey, type SessionState } from '../core/session-state.js';
import { foldEntry, type FoldTarget } from '../core/fold.js';
import { entryKey, monthOfKey } from '../core/entry-key.js';
import { markApplied, sameApplied, type Applied, type Cursor } from '../ledger/cursor.js';
import { TokjError } from '../core/errors.js';
import type { CallRecord, LedgerEntry } from '../ledger/record.js';
import { appendEntries, listSegments, segmentName } from '../ledger/store.js';
import { ensureDir, readStamped, stampOf, writeAtomic } from '../io/fs.js';
import { withLock } from '../io/lock.js';
import { inside } from '../io/paths.js';
import { trace } from '../io/trace.js';
import { cacheOf, openView, type OpenedView, type ViewCache } from '../markdown/view.js';
import { ELIDE_ROWS_FROM, sessionBlocks, sessionSkeleton, updateSessionView } from '../views/session-view.js';
import { JOURNAL_BLOCKS, updateJournalView } from '../views/journal-view.js';
import { MONTH_LOG_BLOCKS, monthLogSkeleton, updateMonthLogView } from '../views/month-log-view.js';
import { monthLogPath, sessionMdPath, templatePath, type Layout } from './layout.js';
import { SessionStates } from './session-states.js';
import { IdIndex } from './id-index.js';
import { MonthLists } from './month-lists.js';
import { appendAlertLog, readAlertLog, type Alert } from './alerts.js';
import { readJson, writeJson } from './state-store.js';
import { callsInOrder, moveTornTail, replayPast, sessionEntries, sessionsFolded, type KeyedEntry } from './replay.js';

/**
 * Refuses to work in a journal whose own folders are symbolic links leading outside it:
 * every write below goes through these folders.
 */
function checkContained(layout: Layout): void {
  for (const parts of [['monitoring'], ['monitoring', 'ledger'], ['monitoring', 'sessions'], ['monitoring', '.state'], ['monitoring', '.state', 'sessions'], ['monitoring', '.state', 'request-ids'], ['monitoring', '.state', 'session-ids'], ['monitoring', '.state', 'months'], ['monitoring', 'reports'], ['work_journal'], ['work_journal', 'log']]) {
    inside(layout.root, ...parts);
  }
}

export interface TxnContext {
  layout: Layout;
  /** This machine's name in ledger segment names (TOKJ_HOST, else the host name). */
  host: string;
  now: () => Date;
  warn: (message: string) => void;
}

/**
 * The view spans the old derived state held, read before a rebuild drops it (a damaged file
 * only means its views are parsed again). A span is trusted only while its file's stamp is
 * the one it was cached with, so a rebuild of a journal nobody edited parses nothing.
 */
interface KeptViews {
  journal: ViewCache | null;
  months: Record<string, ViewCache>;
  sessions: Map<string, ViewCache>;
}

function keptViews(layout: Layout): KeptViews {
  let stored: Partial<JournalState> | null = null;
  try {
    stored = readJson<JournalState>(path.join(layout.stateDir, 'journal.json'));
  } catch {
    // damaged: parse the journal
  }
  const sessions = new Map<string, ViewCache>();
  for (const [id, state] of new SessionStates(layout).readAll()) if (state.view) sessions.set(id, state.view);
  return { journal: stored?.view ?? null, months: stored?.month_views ?? {}, sessions };
}

/** Templates, read once per process (an import creates thousands of sessions). */
const templates = new Map<string, string>();
function template(name: string): string {
  let text = templates.get(name);
  if (text === undefined) {
    text = readFileSync(templatePath(name), 'utf8');
    templates.set(name, text);
  }
  return text;
}

/** Derived files rebuilt with the journal state: lookups made from the ledger. */
const indexDirs = (layout: Layout): string[] => [layout.requestIdDir, layout.sessionIdDir, layout.monthListDir];

export class JournalTxn {
  readonly journal: JournalState;
  readonly requests: IdIndex;
  /** Every session the journal holds (value: its first order key), to tell a new session from a lost state. */
  private readonly sessionIds: IdIndex;
  private readonly monthLists: MonthLists;
  private readonly states: SessionStates;
  private readonly sessions = new Map<string, SessionState>();
  /** The journal state was missing or out of date: everything is replayed from the ledger. */
  private readonly fresh: boolean;
  /** The journal's cursor as stored: what every loaded session state must be in step with. */
  private readonly storedCursor: Applied;
  private readonly newCalls = new Map<string, Array<KeyedEntry<CallRecord>>>();
  /** Sessions whose usage table is rendered whole (a call arrived out of order, or the state was refolded). */
  private readonly wholeUsage = new Set<string>();
  /** Month logs rendered whole: a session arrived out of order, or moved between months. */
  private readonly wholeMonths = new Set<string>();
  private recentChanged = false;
  private recentStale = false;
  private readonly touched = new Set<string>();
  private journalTouched = false;
  private readonly newAlerts: Alert[] = [];
  private readonly target: FoldTarget;

  /** Logs an alert and adds it to the journal's Alerts table. */
  addAlert(alert: Alert): void {
    appendAlertLog(this.ctx.layout, alert);
    this.newAlerts.push(alert);
    this.journalTouched = true;
  }

  private constructor(
    readonly ctx: TxnContext,
    /** A rebuild's views from before: spans reused where a file is as the tool wrote it. */
    private readonly kept: KeptViews | null = null,
  ) {
    let stored: JournalState | null = null;
    try {
      stored = readJson<JournalState>(this.journalStatePath());
    } catch {
      ctx.warn('the derived journal state was damaged; rebuilding it from the ledger');
    }
    // State written by another version of tokj is not trusted: it is rebuilt from the ledger.
    this.fresh = stored?.v !== STATE_VERSION;
    this.journal = this.fresh ? newJournalState() : stored!;
    this.storedCursor = { ...this.journal.applied };
    // The request-id index is derived from the ledger too: rebuilt with the journal state, so
    // ids of a ledger that was deleted (to start over) do not block importing the calls again.
    if (this.fresh) {
      for (const dir of indexDirs(ctx.layout)) rmSync(dir, { recursive: true, force: true });
      ensureDir(ctx.layout.requestIdDir);
    }
    this.requests = new IdIndex(ctx.layout.requestIdDir);
    this.sessionIds = new IdIndex(ctx.layout.sessionIdDir);
    this.monthLists = new MonthLists(ctx.layout.monthListDir);
    this.states = new SessionStates(ctx.layout);
    this.target = {
      journal: this.journal,
      session: (id) => this.session(id),
      adopt: (s) => {
        this.sessions.set(s.session, s);
        this.sessionIds.add(s.session, s.first_key);
      },
    };
  }

  /**
   * Runs work inside the lock; whatever was appended is applied to the views even if work
   * throws later. `fromScratch` drops the derived state first, so the whole ledger is
   * replayed and every view rendered whole (tokj rebuild).
   */
  static async run<T>(ctx: TxnContext, work: (txn: JournalTxn) => T | Promise<T>, options: { fromScratch?: boolean } = {}): Promise<T> {
    return withLock(ctx.layout.monitoring, async () => {
      trace('locked');
      let kept: KeptViews | null = null;
      if (options.fromScratch) {
        checkContained(ctx.layout);
        kept = keptViews(ctx.layout);
        for (const dir of [ctx.layout.sessionStateDir, ...indexDirs(ctx.layout)]) rmSync(dir, { recursive: true, force: true });
        rmSync(path.join(ctx.layout.stateDir, 'journal.json'), { force: true });
      }
      checkContained(ctx.layout);
      const txn = new JournalTxn(ctx, kept);
      txn.recover();
      let result: T;
      try {
        result = await work(txn);
      } finally {
        trace('work');
        await txn.commitTelling();
        trace('committed');
      }
      return result;
    });
  }

  private journalStatePath(): string {
    return path.join(this.ctx.layout.stateDir, 'journal.json');
  }

  /** The session's state, or null when the ledger (as folded so far) has no entry of it. */
  session(id: string): SessionState | null {
    const cached = this.sessions.get(id);
    if (cached) return cached;
    if (this.fresh) return null;
    let s: SessionState | null = null;
    let known: boolean | undefined;
    const isKnown = (): boolean => (known ??= this.sessionIds.lookup(id) !== undefined);
    try {
      s = this.states.read(id, isKnown);
    } catch {
      // damaged: refolded below
    }
    if (s === null && !isKnown()) return null;
    const inStep = s !== null && s.v === 3 && s.session === id && (!this.journal.pending_sessions.includes(id) || sameApplied(s.applied, this.storedCursor));
    if (!inStep) s = this.refold(id);
    if (s !== null) this.sessions.set(id, s);
    return s;
  }

  /**
   * A session state that is missing, damaged or behind the journal (a crash between the
   * journal's state and its own) is folded again from its ledger lines up to the journal's
   * cursor, and its views are rendered whole.
   */
  private refold(id: string): SessionState | null {
    const entries = sessionEntries(this.ctx.layout.ledgerDir, id, this.storedCursor);
    // Listed in the session index, but none of its lines is folded yet (a crash after the
    // index was written): still a new session.
    if (entries.length === 0) return null;
    const first = entries[0];
    const s = emptySessionState(id, first?.entry.timestamp ?? '', first?.key ?? '');
    // A scratch journal: the real one has folded these lines already.
    const scratch: FoldTarget = { journal: newJournalState(), session: () => s, adopt: () => undefined };
    for (const { entry, key } of entries) foldEntry(scratch, entry, key);
    this.touched.add(id);
    this.wholeUsage.add(id);
    return s;
  }

  /** Appends entries to this host's ledger segment in one write and applies them. */
  append(entries: LedgerEntry[]): void {
    if (entries.length === 0) return;
    const { ledgerDir } = this.ctx.layout;
    const current = segmentName(this.ctx.now(), this.ctx.host);
    const own = listSegments(ledgerDir).filter((f) => f.endsWith(`.${this.ctx.host}.jsonl`));
    const latest = own[own.length - 1];
    // Never write into a segment that sorts before this host's last one (a clock set back).
    const file = latest !== undefined && latest > current ? latest : current;
    inside(this.ctx.layout.root, 'monitoring', 'ledger', file);
    const appended = appendEntries(ledgerDir, file, entries);
    trace('ledger written');
    this.appendedLines += appended.length;
    for (const { entry, at, end } of appended) this.apply(entry, at, end);
    trace('applied');
    // Right after the ledger: the ids are what stops the same response being recorded twice.
    this.requests.flush();
  }

  private apply(entry: LedgerEntry, at: Cursor, end: Cursor): void {
    const key = entryKey(entry.timestamp, at);
    let folded;
    try {
      folded = foldEntry(this.target, entry, key);
    } catch (error) {
      // A line an older tokj let in that takes a total past 2^53-1: skipped with a warning
      // instead of stopping every command (doctor reports it).
      if (!(error instanceof TokjError) || error.code !== 'overflow') throw error;
      this.ctx.warn(`ledger ${at.file} at byte ${at.offset}: ${entry.id} cannot be totalled exactly (past 2^53-1); skipped (run \`tokj doctor\`)`);
      this.skipLine(end);
      return;
    }
    markApplied(this.journal.applied, end);
    this.journalTouched = true;
    const id = folded.session.session;
    this.touched.add(id);
    const { placed } = folded;
    if (placed) {
      const key = sessionOrderKey(folded.session);
      this.monthLists.note(monthOfKey(key), key, id);
      for (const month of placed.reorderedMonths) this.wholeMonths.add(month);
      if (placed.recentChanged) this.recentChanged = true;
      if (placed.recentStale) this.recentStale = true;
    }
    if (entry.type === 'call') {
      if (folded.callOutOfOrder) this.wholeUsage.add(id);
      const list = this.newCalls.get(id);
      if (list) list.push({ entry, key });
      else this.newCalls.set(id, [{ entry, key }]);
      if (entry.request_id !== null) this.requests.add(entry.request_id, entry.id);
    }
  }

  private skipLine(end: Cursor): void {
    markApplied(this.journal.applied, end);
    this.journalTouched = true;
  }

  /**
   * Applies the ledger lines this journal has not folded: lines a killed process appended
   * but never applied, lines other hosts appended to their own segments (git pull), or the
   * whole ledger when the derived state is new. Sessions a crash left behind are refolded first.
   */
  private recover(): void {
    for (const id of this.journal.pending_sessions) this.session(id);
    replayPast(this.ctx.layout.ledgerDir, this.journal.applied, {
      entry: (entry, at, end) => this.apply(entry, at, end),
      garbage: (at, end) => {
        this.ctx.warn(`ledger ${at.file} at byte ${at.offset} holds a line that is not a ledger entry; skipped (run \`tokj doctor\`)`);
        this.skipLine(end);
      },
      torn: (torn) => {
        const aside = moveTornTail(this.ctx.layout.ledgerDir, torn);
        this.ctx.warn(`the ledger's last line in ${torn.file} was cut short by an interrupted write; moved it to ${path.relative(this.ctx.layout.root, aside)}`);
      },
    });
    this.requests.flush();
  }

  /** Every call of one session in view order (only when its view must be rendered whole). */
  sessionCalls(s: SessionState): CallRecord[] {
    return callsInOrder(sessionEntries(this.ctx.layout.ledgerDir, s.session, this.journal.applied));
  }

  private readonly openedViews = new Map<string, OpenedView>();

  private async sessionView(s: SessionState): Promise<OpenedView> {
    const key = `session:${s.session}`;
    let view = this.openedViews.get(key);
    if (!view) {
      const { layout } = this.ctx;
      const file = sessionMdPath(layout, s.session);
      const specs = sessionBlocks(s);
      const cache = this.wholeUsage.has(s.session) ? null : (s.view ?? this.kept?.sessions.get(s.session) ?? null);
      view = await openView(readStamped(file), cache, specs, path.relative(layout.root, file), () => sessionSkeleton(template('session.md'), s.session, specs), {
        renderWhole: this.kept !== null,
        // The usage table is rendered whole from the ledger after a parse: its cells are not needed.
        elideRowsFrom: ELIDE_ROWS_FROM,
      });
      this.openedViews.set(key, view);
    }
    return view;
  }

  private async monthView(month: string): Promise<OpenedView> {
    const key = `month:${month}`;
    let view = this.openedViews.get(key);
    if (!view) {
      const { layout } = this.ctx;
      const file = monthLogPath(layout, month);
      view = await openView(readStamped(file), this.journal.month_views[month] ?? this.kept?.months[month] ?? null, MONTH_LOG_BLOCKS, path.relative(layout.root, file), () => monthLogSkeleton(template('month-log.md'), month), {
        renderWhole: this.kept !== null,
      });
      this.openedViews.set(key, view);
    }
    return view;
  }

  /** What a month log with no sessions says when nobody wrote in it. */
  private async emptyMonthLog(month: string): Promise<string> {
    const view = await openView(null, null, MONTH_LOG_BLOCKS, month, () => monthLogSkeleton(template('month-log.md'), month));
    updateMonthLogView(view, undefined, { sessions: [], whole: true, allSessions: () => [] });
    return view.editor.text;
  }

  private async journalView(): Promise<OpenedView> {
    let view = this.openedViews.get('journal');
    if (!view) {
      const { layout } = this.ctx;
      view = await openView(
        readStamped(layout.journalMd),
        this.journal.view ?? this.kept?.journal ?? null,
        JOURNAL_BLOCKS,
        path.relative(layout.root, layout.journalMd),
        () => readFileSync(templatePath('workflow/work_journal/token_usage.md'), 'utf8'),
        { renderWhole: this.kept !== null },
      );
      this.openedViews.set('journal', view);
    }
    return view;
  }

  /**
   * Opens (and if need be parses) the views a change will touch before anything is
   * appended, so a table a person broke stops the command with every file unchanged.
   */
  async preflight(sessionIds: Iterable<string>): Promise<void> {
    for (const id of sessionIds) {
      const s = this.session(id);
      if (s) {
        await this.sessionView(s);
        await this.monthView(monthOf(s));
      }
    }
    await this.journalView();
  }

  private appendedLines = 0;

  /**
   * Writes the views; when that fails after the ledger took new lines (a disk filling up),
   * the message says the calls WERE recorded, so an agent does not record them again.
   */
  private async commitTelling(): Promise<void> {
    try {
      await this.commit();
    } catch (error) {
      if (!(error instanceof TokjError) || this.appendedLines === 0) throw error;
      throw new TokjError(
        `${error.message.replace(/; nothing was changed$/, '')}. The ${this.appendedLines === 1 ? 'entry was' : `${this.appendedLines} entries were`} recorded in the ledger all the same (do not record again); the markdown views catch up on the next command, or run \`tokj doctor --fix\``,
        error.exitCode,
        error.code,
      );
    }
  }

  /**
   * Every session of a month, in start order. The month's list holds every session that ever
   * joined it; one whose start moved away is dropped by its current key. A list that does not
   * account for the month's sessions (deleted, damaged) is rebuilt from the ledger.
   */
  private monthSessions(month: string): SessionState[] {
    const want = this.journal.months[month]?.sessions ?? 0;
    let found = this.listedIn(month);
    if (found.length !== want) {
      this.ctx.warn(`the list of ${month}'s sessions in monitoring/.state/months/ was incomplete; rebuilt it from the ledger`);
      for (const s of sessionsFolded(this.ctx.layout.ledgerDir, this.journal.applied)) {
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
      .map((id) => this.session(id))
      .filter((s): s is SessionState => s !== null && monthOf(s) === month);
  }

  /** The latest sessions, computed from the newest months' lists (when the kept list lost track). */
  private recomputeRecent(): Array<[string, string]> {
    const candidates: Array<[string, string]> = [];
    for (const month of Object.keys(this.journal.months).sort().reverse()) {
      for (const s of this.monthSessions(month)) candidates.push([sessionOrderKey(s), s.session]);
      if (candidates.length >= RECENT_SESSIONS) break;
    }
    return recentFrom(candidates);
  }

  /** Up to `n` sessions that sort just before `id`, oldest first (monitor --by session compares with them). */
  sessionsBefore(id: string, n: number): SessionState[] {
    const listed = this.journal.recent.findIndex(([, other]) => other === id);
    if (listed >= n) return this.journal.recent.slice(listed - n, listed).map(([, other]) => this.session(other)!);
    const s = this.session(id);
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

  private recentSessions(): SessionState[] {
    return this.journal.recent.map(([, id]) => this.session(id)).filter((s): s is SessionState => s !== null);
  }

  private async commit(): Promise<void> {
    const { layout } = this.ctx;
    if (this.recentStale) this.journal.recent = this.recomputeRecent();
    // Views rendered whole read sessions this transaction did not touch: states that must be
    // refolded are found now, so their own views and states are written in this commit too.
    const months = new Set(this.wholeMonths);
    for (const id of this.touched) {
      const s = this.session(id);
      if (s) months.add(monthOf(s));
    }
    for (const month of months) {
      const view = await this.monthView(month);
      if (view.reparsed || this.wholeMonths.has(month)) this.monthSessions(month);
    }
    if (this.journalTouched || this.touched.size > 0) {
      const view = await this.journalView();
      if (view.reparsed || this.recentChanged) this.recentSessions();
    }
    const changed: SessionState[] = [];
    for (const id of this.touched) {
      const s = this.session(id);
      if (!s) continue;
      const view = await this.sessionView(s);
      trace('session view open');
      const fresh = this.newCalls.get(id) ?? [];
      const whole = view.reparsed || this.wholeUsage.has(id);
      // A session whose every call was applied in this run (import, rebuild) needs no scan.
      updateSessionView(view, s, whole ? null : fresh.map((c) => c.entry), () => (fresh.length === s.totals.calls ? callsInOrder(fresh) : this.sessionCalls(s)));
      const file = sessionMdPath(layout, id);
      ensureDir(path.dirname(file));
      trace('session view updated');
      writeAtomic(file, view.editor.text);
      trace('session md written');
      s.view = cacheOf(view.editor, stampOf(file));
      changed.push(s);
    }
    for (const month of [...months].sort()) {
      const view = await this.monthView(month);
      const totals = this.journal.months[month];
      updateMonthLogView(view, totals, {
        sessions: changed.filter((s) => monthOf(s) === month),
        whole: this.wholeMonths.has(month),
        allSessions: () => this.monthSessions(month),
      });
      const file = monthLogPath(layout, month);
      // Every session of the month moved to another (their starts arrived late): the log goes
      // too, unless a person wrote in it.
      if (totals === undefined && view.editor.text === (await this.emptyMonthLog(month))) {
        rmSync(file, { force: true });
        delete this.journal.month_views[month];
        continue;
      }
      ensureDir(path.dirname(file));
      writeAtomic(file, view.editor.text);
      this.journal.month_views[month] = cacheOf(view.editor, stampOf(file));
    }
    trace('month logs written');
    if (this.journalTouched || changed.length > 0) {
      const view = await this.journalView();
      updateJournalView(view, this.journal, {
        sessions: changed,
        wholeRecent: this.recentChanged,
        recentSessions: () => this.recentSessions(),
        alerts: this.newAlerts,
        allAlerts: () => readAlertLog(layout),
      });
      ensureDir(path.dirname(layout.journalMd));
      trace('journal view updated');
      writeAtomic(layout.journalMd, view.editor.text);
      this.journal.view = cacheOf(view.editor, stampOf(layout.journalMd));
      // Lookups first: a crash after them only lists what the ledger already holds.
      this.monthLists.flush();
      this.sessionIds.flush();
      this.journal.pending_sessions = changed.map((s) => s.session);
      writeJson(this.journalStatePath(), canonicalJournal(this.journal));
    }
    for (const s of changed) s.applied = { ...this.journal.applied };
    this.states.write(changed.map(canonicalSession));
    trace('states written');
  }
}

const monthOf = (s: SessionState): string => monthOfKey(sessionOrderKey(s));

function compareOrder(keyA: string, idA: string, keyB: string, idB: string): number {
  return keyA < keyB ? -1 : keyA > keyB ? 1 : idA < idB ? -1 : idA > idB ? 1 : 0;
}
