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
import { canonicalJournal, newJournalState, STATE_VERSION, type JournalState } from '../core/journal-state.js';
import { canonicalSession, type SessionState } from '../core/session-state.js';
import { foldEntry, type FoldTarget } from '../core/fold.js';
import { entryKey } from '../core/entry-key.js';
import { markApplied, type Cursor } from '../ledger/cursor.js';
import { TokjError } from '../core/errors.js';
import type { CallRecord, LedgerEntry } from '../ledger/record.js';
import { appendEntries, listSegments, segmentName } from '../ledger/store.js';
import { removeTree } from '../io/dir.js';
import { ensureDir, removeFile } from '../io/fs.js';
import { withLock } from '../io/lock.js';
import { inside } from '../io/paths.js';
import { trace } from '../io/trace.js';
import { updateSessionView } from '../views/session-view.js';
import { updateJournalView } from '../views/journal-view.js';
import { updateMonthLogView } from '../views/month-log-view.js';
import { checkContained, sessionMdPath, type Layout } from './layout.js';
import { IdIndex } from './id-index.js';
import { monthOf, SessionLookup } from './session-lookup.js';
import { keptViewsOf, ViewFiles, type KeptViews } from './view-files.js';
import { appendAlertLog, readAlertLog, type Alert } from './alerts.js';
import { readJson, writeJson } from './state-store.js';
import { callsInOrder, moveTornTail, replayPast, sessionEntries } from './replay.js';
import { TxnChanges } from './txn-changes.js';

export interface TxnContext {
  layout: Layout;
  /** This machine's name in ledger segment names (TOKJ_HOST, else the host name). */
  host: string;
  now: () => Date;
  warn: (message: string) => void;
}

/** Derived files rebuilt with the journal state: lookups made from the ledger. */
const indexDirs = (layout: Layout): string[] => [layout.requestIdDir, layout.sessionIdDir, layout.monthListDir];

export class JournalTxn {
  readonly journal: JournalState;
  readonly requests: IdIndex;
  private readonly lookup: SessionLookup;
  private readonly views: ViewFiles;
  private readonly changes = new TxnChanges();
  private readonly target: FoldTarget;

  /** Logs an alert and adds it to the journal's Alerts table. */
  addAlert(alert: Alert): void {
    appendAlertLog(this.ctx.layout, alert);
    this.changes.alerts.push(alert);
    this.changes.journalTouched = true;
  }

  private constructor(
    readonly ctx: TxnContext,
    /** A rebuild's views from before: spans reused where a file is as the tool wrote it. */
    kept: KeptViews | null = null,
  ) {
    let stored: JournalState | null = null;
    try {
      stored = readJson<JournalState>(this.journalStatePath());
    } catch {
      ctx.warn('the derived journal state was damaged; rebuilding it from the ledger');
    }
    // State written by another version of tokj is not trusted: it is rebuilt from the ledger.
    const fresh = stored?.v !== STATE_VERSION;
    this.journal = fresh ? newJournalState() : stored!;
    // The request-id index is derived from the ledger too: rebuilt with the journal state, so
    // ids of a ledger that was deleted (to start over) do not block importing the calls again.
    if (fresh) {
      for (const dir of indexDirs(ctx.layout)) removeTree(dir);
      ensureDir(ctx.layout.requestIdDir);
    }
    this.requests = new IdIndex(ctx.layout.requestIdDir);
    this.lookup = new SessionLookup(ctx.layout, this.journal, fresh, { ...this.journal.applied }, (id) => this.changes.noteRefolded(id), ctx.warn);
    this.views = new ViewFiles(ctx.layout, kept);
    this.target = { journal: this.journal, session: (id) => this.session(id), adopt: (s) => this.lookup.adopt(s) };
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
        kept = keptViewsOf(ctx.layout);
        for (const dir of [ctx.layout.sessionStateDir, ...indexDirs(ctx.layout)]) removeTree(dir);
        removeFile(path.join(ctx.layout.stateDir, 'journal.json'));
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
    return this.lookup.get(id);
  }

  /** Up to `n` sessions that sort just before `id`, oldest first. */
  sessionsBefore(id: string, n: number): SessionState[] {
    return this.lookup.sessionsBefore(id, n);
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
    this.changes.noteFolded(folded, entry, key);
    if (folded.placed) this.lookup.noteMonth(folded.session);
    if (entry.type === 'call' && entry.request_id !== null) this.requests.add(entry.request_id, entry.id);
  }

  private skipLine(end: Cursor): void {
    markApplied(this.journal.applied, end);
    this.changes.journalTouched = true;
  }

  /**
   * Applies the ledger lines this journal has not folded: lines a killed process appended
   * but never applied, lines other hosts appended to their own segments (git pull), or the
   * whole ledger when the derived state is new. Sessions a crash left behind are refolded first.
   */
  private recover(): void {
    // Unless the states say they were all written (a commit that packed many marks it).
    if (!this.lookup.states.wroteAll(this.journal.pending_sessions, this.journal.applied)) for (const id of this.journal.pending_sessions) this.session(id);
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
  private sessionCalls(s: SessionState): CallRecord[] {
    return callsInOrder(sessionEntries(this.ctx.layout.ledgerDir, s.session, this.journal.applied));
  }

  /**
   * Opens (and if need be parses) the views a change will touch before anything is
   * appended, so a table a person broke stops the command with every file unchanged.
   */
  async preflight(sessionIds: Iterable<string>): Promise<void> {
    for (const id of sessionIds) {
      const s = this.session(id);
      if (s) {
        await this.views.session(s, this.changes.wholeUsage.has(id));
        await this.views.month(monthOf(s), this.journal.month_views[monthOf(s)] ?? null);
      }
    }
    await this.views.journal(this.journal.view);
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

  private async commit(): Promise<void> {
    const { layout } = this.ctx;
    const { touched, wholeMonths, wholeUsage, newCalls } = this.changes;
    if (this.changes.recentStale) this.journal.recent = this.lookup.recomputeRecent();
    // Views rendered whole read sessions this transaction did not touch: states that must be
    // refolded are found now, so their own views and states are written in this commit too.
    const months = new Set(wholeMonths);
    for (const id of touched) {
      const s = this.session(id);
      if (s) months.add(monthOf(s));
    }
    for (const month of months) {
      const view = await this.views.month(month, this.journal.month_views[month] ?? null);
      if (view.reparsed || wholeMonths.has(month)) this.lookup.monthSessions(month);
    }
    if (this.changes.journalTouched || touched.size > 0) {
      const view = await this.views.journal(this.journal.view);
      if (view.reparsed || this.changes.recentChanged) this.lookup.recentSessions();
    }
    const changed: SessionState[] = [];
    for (const id of touched) {
      const s = this.session(id);
      if (!s) continue;
      const view = await this.views.session(s, wholeUsage.has(id));
      const fresh = newCalls.get(id) ?? [];
      const whole = view.reparsed || wholeUsage.has(id);
      // A session whose every call was applied in this run (import, rebuild) needs no scan.
      updateSessionView(view, s, whole ? null : fresh.map((c) => c.entry), () => (fresh.length === s.totals.calls ? callsInOrder(fresh) : this.sessionCalls(s)));
      s.view = this.views.save(sessionMdPath(layout, id), view);
      changed.push(s);
    }
    trace('session views written');
    for (const month of [...months].sort()) {
      const view = await this.views.month(month, this.journal.month_views[month] ?? null);
      const totals = this.journal.months[month];
      updateMonthLogView(view, totals, { sessions: changed.filter((s) => monthOf(s) === month), whole: wholeMonths.has(month), allSessions: () => this.lookup.monthSessions(month) });
      const cache = await this.views.saveMonth(month, view, totals === undefined);
      if (cache) this.journal.month_views[month] = cache;
      else delete this.journal.month_views[month];
    }
    trace('month logs written');
    if (this.changes.journalTouched || changed.length > 0) {
      const view = await this.views.journal(this.journal.view);
      updateJournalView(view, this.journal, {
        sessions: changed,
        wholeRecent: this.changes.recentChanged,
        recentSessions: () => this.lookup.recentSessions(),
        alerts: this.changes.alerts,
        allAlerts: () => readAlertLog(layout),
      });
      this.journal.view = this.views.save(layout.journalMd, view);
      // Lookups first: a crash after them only lists what the ledger already holds.
      this.lookup.flush();
      this.journal.pending_sessions = changed.map((s) => s.session);
      writeJson(this.journalStatePath(), canonicalJournal(this.journal));
    }
    for (const s of changed) s.applied = { ...this.journal.applied };
    this.lookup.states.write(changed.map(canonicalSession));
    trace('states written');
  }
}
