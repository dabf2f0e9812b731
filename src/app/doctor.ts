/**
 * Consistency checks of a journal: the ledger is whole (every line an entry, no torn last
 * line, no duplicate ids), and the derived state and the markdown views agree with what
 * replaying the ledger gives (calls, tokens and costs per session and in total). Read-only.
 */
import path from 'node:path';
import { canonicalJournal, newJournalState, recentFrom, STATE_VERSION, type JournalState } from '../core/journal-state.js';
import { canonicalSession, sessionOrderKey, type SessionState } from '../core/session-state.js';
import { foldEntry, type FoldTarget } from '../core/fold.js';
import { entryKey, monthOfKey } from '../core/entry-key.js';
import { TokjError } from '../core/errors.js';
import { scanLedger } from '../ledger/store.js';
import { isApplied, sameApplied, type Applied } from '../ledger/cursor.js';
import { listNames, pathExists } from '../io/dir.js';
import { readStamped, readTextIfExists } from '../io/fs.js';
import type { Regions } from '../markdown/editor.js';
import { locateBlocks, parseOptionsFor, type BlockSpec } from '../markdown/locate.js';
import { spansFit } from '../markdown/view.js';
import { parseMarkdownLazily } from '../markdown/lazy-parse.js';
import { sessionBlocks } from '../views/session-view.js';
import { JOURNAL_BLOCKS } from '../views/journal-view.js';
import { MONTH_LOG_BLOCKS } from '../views/month-log-view.js';
import { count, plural, totalCostCell, totalCostText } from '../views/format.js';
import { monthLogPath, sessionMdPath, type Layout } from './layout.js';
import { SessionStates } from './session-states.js';
import { readJson } from './state-store.js';

export interface Problem {
  file: string;
  message: string;
  /** What to do about it. */
  fix: string;
  /** `doctor --fix` repairs it (by moving a torn line aside and rebuilding the views). */
  fixable: boolean;
}

interface Replayed {
  sessions: Map<string, SessionState>;
  journal: JournalState;
  problems: Problem[];
  /** Lines past the journal state's cursor: not yet applied, so not expected in the views. */
  pending: number;
}

/**
 * The ledger folded from scratch, by the same fold every command uses (core/fold.ts), up to
 * `upTo` (the journal state's cursor) when given: lines past it (another host's, just pulled)
 * are what the next command applies, and are only counted.
 */
function replay(layout: Layout, upTo: Applied | null): Replayed {
  let pending = 0;
  const problems: Problem[] = [];
  const sessions = new Map<string, SessionState>();
  const journal = newJournalState();
  const target: FoldTarget = { journal, session: (id) => sessions.get(id) ?? null, adopt: (s) => sessions.set(s.session, s) };
  const ids = new Set<string>();
  const lines = scanLedger(layout.ledgerDir);
  const rel = (file: string): string => path.relative(layout.root, path.join(layout.ledgerDir, file));
  for (;;) {
    const next = lines.next();
    if (next.done) {
      for (const torn of next.value.torn) {
        problems.push({ file: rel(torn.file), message: `the last line (byte ${torn.offset}) was cut short by an interrupted write`, fix: 'tokj doctor --fix moves it to ledger/torn/ (it is kept, not dropped)', fixable: true });
      }
      break;
    }
    const { entry, at } = next.value;
    if (upTo !== null && !isApplied(upTo, at)) {
      pending += 1;
      continue;
    }
    if (!entry) {
      problems.push({ file: `${rel(at.file)}@${at.offset}`, message: 'a line that is not a ledger entry', fix: 'inspect it; if it is garbage, move it out of the ledger by hand', fixable: false });
      continue;
    }
    if (ids.has(entry.id)) problems.push({ file: `${rel(at.file)}@${at.offset}`, message: `duplicate entry id ${entry.id}`, fix: 'remove the duplicate line by hand, then tokj rebuild', fixable: false });
    ids.add(entry.id);
    try {
      foldEntry(target, entry, entryKey(entry.timestamp, at));
    } catch (error) {
      if (!(error instanceof TokjError) || error.code !== 'overflow') throw error;
      problems.push({ file: `${rel(at.file)}@${at.offset}`, message: `${entry.id} would take a total past 2^53-1 (${Number.MAX_SAFE_INTEGER})`, fix: 'move this line out of the ledger by hand (keep it elsewhere), then tokj rebuild', fixable: false });
    }
  }
  for (const s of sessions.values()) {
    if (s.start_key === null) problems.push({ file: rel(''), message: `session ${s.session} has entries but no session_start`, fix: 'add its session_start line or remove its entries by hand', fixable: false });
  }
  // The fold keeps the latest sessions as entries arrive; from scratch they are simply the greatest keys.
  journal.recent = recentFrom([...sessions.values()].map((s) => [sessionOrderKey(s), s.session]));
  return { sessions, journal, problems, pending };
}

/** What a state says about the ledger, without its bookkeeping (cursor, view spans, pending writes). */
function content(state: object): string {
  const { applied: _a, view: _v, pending_sessions: _p, month_views: _m, ...rest } = state as Record<string, unknown>;
  return JSON.stringify(rest);
}

const REBUILD = 'tokj rebuild (or tokj doctor --fix) regenerates it from the ledger, keeping what people wrote';

/** What doctor checks in a session file: missing sections, usage rows, the summary's text. */
interface SessionBlocks {
  missing: string[];
  usageRows: number;
  summary: string;
}

async function blocksByParsing(text: string, specs: BlockSpec[], label: string): Promise<SessionBlocks> {
  const located = locateBlocks(await parseMarkdownLazily(text, parseOptionsFor(specs)), specs, label, text);
  return { missing: located.missing.map((b) => b.section), usageRows: located.rowCounts.usage ?? 0, summary: text.slice(...(located.regions.summary ?? [0, 0])) };
}

/** The same, read at cached spans (null when they do not fit the text). */
function blocksAtSpans(text: string, regions: Regions, specs: BlockSpec[]): SessionBlocks | null {
  if (!spansFit(regions, text.length) || !specs.every((s) => s.name in regions)) return null;
  const usage = text.slice(...regions.usage!);
  // An unpadded table: a header line, a delimiter line, then one line per row.
  return { missing: [], usageRows: usage.split('\n').length - 2, summary: text.slice(...regions.summary!) };
}

export interface Diagnosis {
  problems: Problem[];
  /** Ledger lines the derived state has not applied yet (the next command applies them). */
  pending: number;
}

export async function diagnose(layout: Layout): Promise<Diagnosis> {
  let stored: JournalState | null = null;
  try {
    stored = readJson<JournalState>(path.join(layout.stateDir, 'journal.json'));
  } catch {
    // damaged: every command rebuilds it (with a warning)
  }
  // Derived state that is missing or from another version is rebuilt by the next command:
  // not a problem. State a command would trust must agree with the ledger.
  const trusted = stored?.v === STATE_VERSION ? stored : null;
  const { sessions, journal, problems, pending } = replay(layout, trusted?.applied ?? null);
  const rel = (file: string): string => path.relative(layout.root, file);
  const states = new SessionStates(layout);
  const pendingIds = new Set(trusted?.pending_sessions ?? []);
  for (const [id, expected] of sessions) {
    let state: SessionState | null = null;
    try {
      state = trusted ? states.read(id, () => true) : null;
    } catch {
      problems.push({ file: rel(states.storedIn(id)), message: `derived state of session ${id} is damaged`, fix: REBUILD, fixable: true });
    }
    // A state the next command would refold (missing, or left behind by a crash) is not trusted.
    const usable = state !== null && state.v === 3 && !(pendingIds.has(id) && !sameApplied(state.applied, trusted!.applied));
    const stateMatches = usable && content(canonicalSession(state!)) === content(canonicalSession(expected));
    if (usable && !stateMatches) {
      problems.push({ file: rel(states.storedIn(id)), message: `derived state of session ${id} does not match the ledger`, fix: REBUILD, fixable: true });
    }
    const mdFile = sessionMdPath(layout, id);
    const doc = readStamped(mdFile);
    if (doc === null) {
      problems.push({ file: rel(mdFile), message: `session file missing for session ${id}`, fix: REBUILD, fixable: true });
      continue;
    }
    try {
      // A file still as the tool wrote it with this (matching) state is read at its cached
      // spans: a journal of thousands of sessions is checked without parsing each one.
      const cached = stateMatches && state!.view?.stamp === doc.stamp ? blocksAtSpans(doc.text, state!.view.regions, sessionBlocks(expected)) : null;
      const blocks = cached ?? (await blocksByParsing(doc.text, sessionBlocks(expected), rel(mdFile)));
      if (blocks.missing.length > 0) problems.push({ file: rel(mdFile), message: `missing: ${blocks.missing.join(', ')}`, fix: REBUILD, fixable: true });
      else if (blocks.usageRows !== expected.totals.calls) problems.push({ file: rel(mdFile), message: `Usage Tracking has ${plural(blocks.usageRows, 'row')}; the ledger holds ${plural(expected.totals.calls, 'call')}`, fix: REBUILD, fixable: true });
      else {
        for (const want of [`**Total Calls**: ${count(expected.totals.calls)}`, `**Total Cost**: ${totalCostText(expected.totals)}`, `**Total Tokens**: ${count(expected.totals.total_tokens)}`]) {
          if (!blocks.summary.includes(want)) problems.push({ file: rel(mdFile), message: `Session Summary does not say ${want.replace(/\*\*/g, '')}`, fix: REBUILD, fixable: true });
        }
      }
    } catch (error) {
      problems.push({ file: rel(mdFile), message: (error as TokjError).message, fix: 'repair the table by hand (or delete it: tokj rebuild regenerates it)', fixable: false });
    }
  }
  if (trusted && content(canonicalJournal(trusted)) !== content(canonicalJournal(journal))) {
    problems.push({ file: rel(path.join(layout.stateDir, 'journal.json')), message: 'journal state does not match the ledger', fix: REBUILD, fixable: true });
  }
  const journalText = readTextIfExists(layout.journalMd);
  if (journalText === null) {
    if (sessions.size > 0) problems.push({ file: rel(layout.journalMd), message: 'the main journal is missing', fix: REBUILD, fixable: true });
  } else {
    try {
      const located = locateBlocks(await parseMarkdownLazily(journalText), JOURNAL_BLOCKS, rel(layout.journalMd), journalText);
      const summary = located.rowCells.rows('summary') ?? [];
      const total = summary[summary.length - 1];
      const t = journal.totals;
      if (sessions.size > 0 && (!total || total[3] !== count(t.calls) || total[8] !== totalCostCell(t))) {
        problems.push({ file: rel(layout.journalMd), message: `Usage Summary TOTAL row does not show ${plural(t.calls, 'call')} and ${totalCostCell(t)}`, fix: REBUILD, fixable: true });
      }
      const listed = new Set((located.rowCells.rows('recent') ?? []).map((r) => (r[0] ?? '').trim()));
      const unlisted = journal.recent.map(([, id]) => id).filter((id) => !listed.has(id));
      if (unlisted.length > 0) problems.push({ file: rel(layout.journalMd), message: `Recent Sessions lacks ${plural(unlisted.length, 'session')}: ${unlisted.slice(0, 5).join(', ')}`, fix: REBUILD, fixable: true });
    } catch (error) {
      problems.push({ file: rel(layout.journalMd), message: (error as TokjError).message, fix: 'repair the table by hand (or delete it: tokj rebuild regenerates it)', fixable: false });
    }
  }
  problems.push(...(await monthLogProblems(layout, sessions)));
  // Session files with no session in the ledger: someone's copy, or a lost ledger.
  if (pathExists(layout.sessionsDir)) {
    for (const name of listNames(layout.sessionsDir)) {
      if (name.endsWith('.md') && !sessions.has(name.slice(0, -3))) {
        problems.push({ file: rel(path.join(layout.sessionsDir, name)), message: 'no session of this name in the ledger', fix: 'restore the ledger lines, or remove the file if it is not wanted', fixable: false });
      }
    }
  }
  return { problems, pending };
}

/** Every session is a row of its month's log (the month of its start, UTC). */
async function monthLogProblems(layout: Layout, sessions: Map<string, SessionState>): Promise<Problem[]> {
  const byMonth = new Map<string, string[]>();
  for (const s of sessions.values()) {
    const month = monthOfKey(sessionOrderKey(s));
    byMonth.set(month, [...(byMonth.get(month) ?? []), s.session]);
  }
  const problems: Problem[] = [];
  for (const [month, ids] of byMonth) {
    const file = monthLogPath(layout, month);
    const label = path.relative(layout.root, file);
    const text = readTextIfExists(file);
    if (text === null) {
      problems.push({ file: label, message: `the month log of ${month} is missing`, fix: REBUILD, fixable: true });
      continue;
    }
    try {
      const located = locateBlocks(await parseMarkdownLazily(text), MONTH_LOG_BLOCKS, label, text);
      const logged = new Set((located.rowCells.rows('log') ?? []).map((r) => (r[0] ?? '').trim()));
      const unlogged = ids.filter((id) => !logged.has(id));
      if (unlogged.length > 0) problems.push({ file: label, message: `Detailed Usage Log lacks ${plural(unlogged.length, 'session')}: ${unlogged.slice(0, 5).join(', ')}`, fix: REBUILD, fixable: true });
    } catch (error) {
      problems.push({ file: label, message: (error as TokjError).message, fix: 'repair the table by hand (or delete it: tokj rebuild regenerates it)', fixable: false });
    }
  }
  return problems;
}
