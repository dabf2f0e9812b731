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
import { canonicalJournal, newJournalState, putInOrder, STATE_VERSION, type JournalState } from '../core/journal-state.js';
import { canonicalSession, emptySessionState, sessionOrderKey, type SessionState } from '../core/session-state.js';
import { foldEntry, type FoldTarget } from '../core/fold.js';
import { entryKey } from '../core/entry-key.js';
import { markApplied, sameApplied, type Applied, type Cursor } from '../ledger/cursor.js';
import { TokjError } from '../core/errors.js';
import type { CallRecord, LedgerEntry } from '../ledger/record.js';
import { appendEntries, listSegments, segmentName } from '../ledger/store.js';
import { ensureDir, readStamped, stampOf, writeAtomic } from '../io/fs.js';
import { withLock } from '../io/lock.js';
import { inside } from '../io/paths.js';
import { trace } from '../io/trace.js';
import { cacheOf, openView, type OpenedView, type ViewCache } from '../markdown/view.js';
import { sessionBlocks, sessionSkeleton, updateSessionView } from '../views/session-view.js';
import { JOURNAL_BLOCKS, updateJournalView } from '../views/journal-view.js';
import { sessionMdPath, templatePath, type Layout } from './layout.js';
import { SessionStates } from './session-states.js';
import { RequestIndex } from './request-index.js';
import { appendAlertLog, readAlertLog, type Alert } from './alerts.js';
import { readJson, writeJson } from './state-store.js';
import { callsInOrder, moveTornTail, replayPast, sessionEntries, type KeyedEntry } from './replay.js';

/**
 * Refuses to work in a journal whose own folders are symbolic links leading outside it:
 * every write below goes through these folders.
 */
function checkContained(layout: Layout): void {
  for (const parts of [['monitoring'], ['monitoring', 'ledger'], ['monitoring', 'sessions'], ['monitoring', '.state'], ['monitoring', '.state', 'sessions'], ['monitoring', '.state', 'request-ids'], ['monitoring', 'reports'], ['work_journal']]) {
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
  sessions: Map<string, ViewCache>;
}

function keptViews(layout: Layout): KeptViews {
  let journal: ViewCache | null = null;
  try {
    journal = readJson<JournalState>(path.join(layout.stateDir, 'journal.json'))?.view ?? null;
  } catch {
    // damaged: parse the journal
  }
  const sessions = new Map<string, ViewCache>();
  for (const [id, state] of new SessionStates(layout).readAll()) if (state.view) sessions.set(id, state.view);
  return { journal, sessions };
}

/** The session template, read once per process (an import creates thousands of sessions). */
let sessionTemplateText: string | null = null;
function sessionTemplate(): string {
  sessionTemplateText ??= readFileSync(templatePath('session.md'), 'utf8');
  return sessionTemplateText;
}

export class JournalTxn {
  readonly journal: JournalState;
  readonly requests: RequestIndex;
  private readonly states: SessionStates;
  private readonly sessions = new Map<string, SessionState>();
  /** The journal state was missing or out of date: everything is replayed from the ledger. */
  private readonly fresh: boolean;
  /** The journal's cursor as stored: what every loaded session state must be in step with. */
  private readonly storedCursor: Applied;
  private known: Set<string> | null = null;
  private readonly newCalls = new Map<string, Array<KeyedEntry<CallRecord>>>();
  /** Sessions whose usage table is rendered whole (a call arrived out of order, or the state was refolded). */
  private readonly wholeUsage = new Set<string>();
  private reorderSessions = false;
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
      rmSync(ctx.layout.requestIdDir, { recursive: true, force: true });
      ensureDir(ctx.layout.requestIdDir);
    }
    this.requests = new RequestIndex(ctx.layout.requestIdDir);
    this.states = new SessionStates(ctx.layout);
    this.target = {
      journal: this.journal,
      session: (id) => this.session(id),
      adopt: (s) => {
        this.sessions.set(s.session, s);
        this.knownIds().add(s.session);
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
        for (const dir of [ctx.layout.sessionStateDir, ctx.layout.requestIdDir]) rmSync(dir, { recursive: true, force: true });
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

  private knownIds(): Set<string> {
    this.known ??= new Set(this.journal.session_order);
    return this.known;
  }

  /** The session's state, or null when the ledger (as folded so far) has no entry of it. */
  session(id: string): SessionState | null {
    const cached = this.sessions.get(id);
    if (cached) return cached;
    if (this.fresh || !this.knownIds().has(id)) return null;
    let s: SessionState | null = null;
    try {
      s = this.states.read(id, () => true);
    } catch {
      // damaged: refolded below
    }
    const inStep = s !== null && s.v === 3 && s.session === id && (!this.journal.pending_sessions.includes(id) || sameApplied(s.applied, this.storedCursor));
    if (!inStep) s = this.refold(id);
    this.sessions.set(id, s!);
    return s;
  }

  /**
   * A session state that is missing, damaged or behind the journal (a crash between the
   * journal's state and its own) is folded again from its ledger lines up to the journal's
   * cursor, and its views are rendered whole.
   */
  private refold(id: string): SessionState {
    const entries = sessionEntries(this.ctx.layout.ledgerDir, id, this.storedCursor);
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
    if (folded.reorderSessions) this.reorderSessions = true;
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
      view = await openView(readStamped(file), cache, specs, path.relative(layout.root, file), () => sessionSkeleton(sessionTemplate(), s.session, specs), {
        renderWhole: this.kept !== null,
      });
      this.openedViews.set(key, view);
    }
    return view;
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
      if (s) await this.sessionView(s);
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

  private allSessions(): SessionState[] {
    return this.journal.session_order.map((id) => this.session(id)).filter((s): s is SessionState => s !== null);
  }

  private async commit(): Promise<void> {
    const { layout } = this.ctx;
    if (this.reorderSessions) putInOrder(this.journal, (id) => sessionOrderKey(this.session(id)!));
    // A journal view rendered whole reads every session: states that must be refolded are
    // found now, so their own views and states are written in this commit too.
    if (this.journalTouched || this.touched.size > 0) {
      const view = await this.journalView();
      if (view.reparsed || this.reorderSessions) this.allSessions();
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
    if (this.journalTouched || changed.length > 0) {
      const view = await this.journalView();
      updateJournalView(view, this.journal, {
        sessions: changed,
        wholeLog: this.reorderSessions,
        allSessions: () => this.allSessions(),
        alerts: this.newAlerts,
        allAlerts: () => readAlertLog(layout),
      });
      ensureDir(path.dirname(layout.journalMd));
      trace('journal view updated');
      writeAtomic(layout.journalMd, view.editor.text);
      this.journal.view = cacheOf(view.editor, stampOf(layout.journalMd));
      this.journal.pending_sessions = changed.map((s) => s.session);
      writeJson(this.journalStatePath(), canonicalJournal(this.journal));
    }
    for (const s of changed) s.applied = { ...this.journal.applied };
    this.states.write(changed.map(canonicalSession));
    trace('states written');
  }
}
