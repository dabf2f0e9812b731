/**
 * A journal transaction: under the journal lock, bring derived state up to the ledger
 * (replaying lines a killed process appended but did not apply), append new entries —
 * the ledger line is the commit point — then write each touched session view and state,
 * and the main journal view and state.
 *
 * Every state records, per ledger segment, the offset it has applied, and an entry is
 * applied only past that offset, so replay after a crash at any point is idempotent. Every view
 * state keeps the stamp its file was written with; a view that does not match is re-parsed and
 * rendered whole, so a crash between writing a view and its state cannot double a row.
 */
import path from 'node:path';
import { readFileSync, rmSync, truncateSync } from 'node:fs';
import { applyCallToJournal, applySessionEndToJournal, applySessionStartToJournal, newJournalState, STATE_VERSION, type JournalState } from '../core/journal-state.js';
import { applyCallToSession, applyEndToSession, isFirstCallOnModel, newSessionState, type SessionState } from '../core/session-state.js';
import { isApplied, markApplied, type Cursor } from '../ledger/cursor.js';
import { TokjError } from '../core/errors.js';
import type { CallRecord, LedgerEntry } from '../ledger/record.js';
import { appendEntries, listSegments, scanLedger, scanSegment, segmentName, segmentSize } from '../ledger/store.js';
import { ensureDir, readStamped, stampOf, writeAtomic } from '../io/fs.js';
import { withLock } from '../io/lock.js';
import { inside } from '../io/paths.js';
import { trace } from '../io/trace.js';
import { cacheOf, openView, type OpenedView, type ViewCache } from '../markdown/view.js';
import { ELIDE_ROWS_FROM, sessionBlocks, sessionSkeleton, updateSessionView } from '../views/session-view.js';
import { JOURNAL_BLOCKS, updateJournalView } from '../views/journal-view.js';
import { sessionMdPath, templatePath, type Layout } from './layout.js';
import { SessionStates } from './session-states.js';
import { RequestIndex } from './request-index.js';
import { appendAlertLog, readAlertLog, type Alert } from './alerts.js';
import { readJson, writeJson } from './state-store.js';

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
  private readonly sessions = new Map<string, SessionState | null>();
  /** The journal state was missing or out of date: session states are rebuilt too. */
  private readonly fresh: boolean;
  private readonly newCalls = new Map<string, CallRecord[]>();
  private readonly touched = new Set<string>();
  private journalTouched = false;
  private readonly newAlerts: Alert[] = [];

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
    const stored = readJson<JournalState>(this.journalStatePath());
    // State written by another version of tokj is not trusted: it is rebuilt from the ledger.
    this.fresh = stored?.v !== STATE_VERSION;
    this.journal = this.fresh ? newJournalState() : stored!;
    // The request-id index is derived from the ledger too: rebuilt with the journal state, so
    // ids of a ledger that was deleted (to start over) do not block importing the calls again.
    if (this.fresh) {
      rmSync(ctx.layout.requestIdDir, { recursive: true, force: true });
      ensureDir(ctx.layout.requestIdDir);
    }
    this.requests = new RequestIndex(ctx.layout.requestIdDir);
    this.states = new SessionStates(ctx.layout);
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

  session(id: string): SessionState | null {
    if (!this.sessions.has(id)) {
      const stored = this.fresh ? null : this.states.read(id, () => this.isKnown(id));
      this.sessions.set(id, stored?.v === STATE_VERSION ? stored : null);
    }
    return this.sessions.get(id) ?? null;
  }

  private readonly knownIds = new Set<string>();
  private knownUpTo = 0;

  /** Whether the journal state lists the session (then its state may be in a pack). */
  private isKnown(id: string): boolean {
    // session_order only grows: add what was appended since the last look.
    const order = this.journal.session_order;
    for (; this.knownUpTo < order.length; this.knownUpTo++) this.knownIds.add(order[this.knownUpTo]!);
    return this.knownIds.has(id);
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
    const toJournal = !isApplied(this.journal.applied, at);
    if (entry.type === 'session_start') {
      let s = this.session(entry.session);
      if (!s) {
        s = newSessionState(entry);
        this.sessions.set(entry.session, s);
      }
      if (!isApplied(s.applied, at)) {
        markApplied(s.applied, end);
        this.touched.add(s.session);
      }
      if (toJournal && !this.isKnown(entry.session)) applySessionStartToJournal(this.journal, entry.session);
    } else {
      const s = this.session(entry.session);
      if (!s) {
        this.ctx.warn(`ledger entry ${entry.id} names session ${entry.session}, which has no session_start; skipped (run \`tokj doctor\`)`);
      } else if (entry.type === 'call') {
        const fresh = !isApplied(s.applied, at);
        if (fresh) {
          applyCallToSession(s, entry, at);
          markApplied(s.applied, end);
          this.touched.add(s.session);
          const list = this.newCalls.get(s.session) ?? [];
          list.push(entry);
          this.newCalls.set(s.session, list);
        }
        if (toJournal) applyCallToJournal(this.journal, entry, isFirstCallOnModel(s, entry, at));
        if (entry.request_id !== null) this.requests.add(entry.request_id, entry.id);
      } else {
        if (!isApplied(s.applied, at)) {
          applyEndToSession(s, entry);
          markApplied(s.applied, end);
          this.touched.add(s.session);
        }
        if (toJournal) applySessionEndToJournal(this.journal, entry.session);
      }
    }
    if (toJournal) {
      markApplied(this.journal.applied, end);
      this.journalTouched = true;
    }
  }

  /**
   * Applies ledger lines this journal state has not seen: lines a killed process appended
   * but never applied, and lines other hosts appended to their own segments (git pull).
   * Two passes over the new lines, so a session's start is known before any of its calls
   * whatever order the segment names sort in, without holding the lines in memory.
   */
  private recover(): void {
    this.replay();
    this.requests.flush();
  }

  private replay(): void {
    const { ledgerDir } = this.ctx.layout;
    const behind = listSegments(ledgerDir).filter((file) => segmentSize(ledgerDir, file) > (this.journal.applied[file] ?? 0));
    if (behind.length === 0) return;
    const from = new Map(behind.map((file) => [file, this.journal.applied[file] ?? 0]));
    for (const file of behind) {
      const lines = scanSegment(ledgerDir, file, from.get(file));
      for (let next = lines.next(); !next.done; next = lines.next()) {
        if (next.value.entry?.type === 'session_start') this.apply(next.value.entry, next.value.at, next.value.end);
      }
    }
    for (const file of behind) {
      const lines = scanSegment(ledgerDir, file, from.get(file));
      for (;;) {
        const next = lines.next();
        if (next.done) {
          if (next.value) this.moveTornTail(next.value);
          break;
        }
        const { entry, at, end } = next.value;
        if (entry?.type === 'session_start') continue;
        if (entry) this.applyOrSkip(entry, at, end);
        else {
          this.ctx.warn(`ledger ${at.file} at byte ${at.offset} holds a line that is not a ledger entry; skipped (run \`tokj doctor\`)`);
          markApplied(this.journal.applied, end);
          this.journalTouched = true;
        }
      }
    }
  }

  /**
   * Replay of a line that cannot be applied (one written by an older tokj that took a total
   * past 2^53-1) skips it with a warning instead of stopping every command: doctor reports it.
   */
  private applyOrSkip(entry: LedgerEntry, at: Cursor, end: Cursor): void {
    try {
      this.apply(entry, at, end);
    } catch (error) {
      if (!(error instanceof TokjError) || error.code !== 'overflow') throw error;
      this.ctx.warn(`ledger ${at.file} at byte ${at.offset}: ${entry.id} cannot be totalled exactly (past 2^53-1); skipped (run \`tokj doctor\`)`);
      markApplied(this.journal.applied, end);
      this.journalTouched = true;
    }
  }

  /** A last line without its newline (a write cut short) is moved aside, never dropped. */
  private moveTornTail(torn: Cursor): void {
    const { ledgerDir } = this.ctx.layout;
    const file = path.join(ledgerDir, torn.file);
    const tail = readFileSync(file).subarray(torn.offset);
    const aside = path.join(ledgerDir, 'torn', `${torn.file}.${torn.offset}.partial`);
    ensureDir(path.dirname(aside));
    writeAtomic(aside, tail.toString('utf8'));
    truncateSync(file, torn.offset);
    this.ctx.warn(`the ledger's last line in ${torn.file} was cut short by an interrupted write; moved it to ${path.relative(this.ctx.layout.root, aside)}`);
  }

  /** Every call of one session, from the ledger (only when its view must be rendered whole). */
  sessionCalls(s: SessionState): CallRecord[] {
    const calls: CallRecord[] = [];
    const needle = `"session":${JSON.stringify(s.session)}`;
    for (const line of scanLedger(this.ctx.layout.ledgerDir)) {
      if (!line.text.includes(needle)) continue;
      if (line.entry?.type === 'call' && line.entry.session === s.session && isApplied(s.applied, line.at)) calls.push(line.entry);
    }
    return calls;
  }

  private readonly openedViews = new Map<string, OpenedView>();

  private async sessionView(s: SessionState): Promise<OpenedView> {
    const key = `session:${s.session}`;
    let view = this.openedViews.get(key);
    if (!view) {
      const { layout } = this.ctx;
      const file = sessionMdPath(layout, s.session);
      const specs = sessionBlocks(s);
      const cache = s.view ?? this.kept?.sessions.get(s.session) ?? null;
      view = await openView(readStamped(file), cache, specs, path.relative(layout.root, file), () => sessionSkeleton(sessionTemplate(), s.session, specs), {
        renderWhole: this.kept !== null,
        // The usage table is rendered whole from the ledger after a parse: its cells are not needed.
        elideRowsFrom: ELIDE_ROWS_FROM,
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

  private async commit(): Promise<void> {
    const { layout } = this.ctx;
    const changed: SessionState[] = [];
    for (const id of this.touched) {
      const s = this.session(id);
      if (!s) continue;
      const view = await this.sessionView(s);
      trace('session view open');
      const fresh = this.newCalls.get(id) ?? [];
      // A session whose every call was applied in this run (import, rebuild) needs no scan.
      updateSessionView(view, s, fresh, () => (fresh.length === s.totals.calls ? fresh : this.sessionCalls(s)));
      const file = sessionMdPath(layout, id);
      ensureDir(path.dirname(file));
      trace('session view updated');
      writeAtomic(file, view.editor.text);
      trace('session md written');
      s.view = cacheOf(view.editor, stampOf(file));
      changed.push(s);
    }
    this.states.write(changed);
    if (!this.journalTouched && changed.length === 0) return;
    trace('session state written');
    const view = await this.journalView();
    updateJournalView(view, this.journal, {
      sessions: changed,
      allSessions: () => this.journal.session_order.map((id) => this.session(id)).filter((s): s is SessionState => s !== null),
      alerts: this.newAlerts,
      allAlerts: () => readAlertLog(layout),
    });
    ensureDir(path.dirname(layout.journalMd));
    trace('journal view updated');
    writeAtomic(layout.journalMd, view.editor.text);
    this.journal.view = cacheOf(view.editor, stampOf(layout.journalMd));
    writeJson(this.journalStatePath(), this.journal);
  }
}
