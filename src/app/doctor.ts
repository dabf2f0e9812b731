/**
 * Consistency checks of a journal: the ledger is whole (every line an entry, no torn last
 * line, no duplicate ids), and the derived state and the markdown views agree with what
 * replaying the ledger gives (calls, tokens and costs per session and in total). Read-only.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { applyCallToJournal, applySessionEndToJournal, applySessionStartToJournal, newJournalState, type JournalState } from '../core/journal-state.js';
import { applyCallToSession, applyEndToSession, isFirstCallOnModel, newSessionState, type SessionState } from '../core/session-state.js';
import type { TokjError } from '../core/errors.js';
import { scanLedger } from '../ledger/store.js';
import { markApplied } from '../ledger/cursor.js';
import { checkCanAdd } from '../core/totals.js';
import { readStamped, readTextIfExists } from '../io/fs.js';
import type { Regions } from '../markdown/editor.js';
import { locateBlocks, type BlockSpec } from '../markdown/locate.js';
import { spansFit } from '../markdown/view.js';
import { parseMarkdownLazily } from '../markdown/lazy-parse.js';
import { ELIDE_ROWS_FROM, sessionBlocks } from '../views/session-view.js';
import { JOURNAL_BLOCKS } from '../views/journal-view.js';
import { count, totalCostText } from '../views/format.js';
import { sessionMdPath, sessionStatePath, type Layout } from './layout.js';
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
}

function replay(layout: Layout): Replayed {
  const problems: Problem[] = [];
  const sessions = new Map<string, SessionState>();
  const journal = newJournalState();
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
    const { entry, at, end } = next.value;
    if (!entry) {
      problems.push({ file: `${rel(at.file)}@${at.offset}`, message: 'a line that is not a ledger entry', fix: 'inspect it; if it is garbage, move it out of the ledger by hand', fixable: false });
      continue;
    }
    if (ids.has(entry.id)) problems.push({ file: `${rel(at.file)}@${at.offset}`, message: `duplicate entry id ${entry.id}`, fix: 'remove the duplicate line by hand, then tokj rebuild', fixable: false });
    ids.add(entry.id);
    if (entry.type === 'session_start') {
      if (!sessions.has(entry.session)) {
        sessions.set(entry.session, newSessionState(entry));
        applySessionStartToJournal(journal, entry.session);
      }
      continue;
    }
    const s = sessions.get(entry.session);
    if (!s) {
      problems.push({ file: `${rel(at.file)}@${at.offset}`, message: `entry ${entry.id} names session ${entry.session}, which never started`, fix: 'add its session_start line or remove the entry by hand', fixable: false });
      continue;
    }
    if (entry.type === 'call') {
      try {
        checkCanAdd(s.totals, [entry], `session ${s.session}`);
        checkCanAdd(journal.totals, [entry], 'the journal');
      } catch (error) {
        problems.push({ file: `${rel(at.file)}@${at.offset}`, message: (error as Error).message.replace(/; nothing was recorded.*$/, ''), fix: 'move this line out of the ledger by hand (keep it elsewhere), then tokj rebuild', fixable: false });
        markApplied(s.applied, end);
        continue;
      }
      applyCallToSession(s, entry, at);
      applyCallToJournal(journal, entry, isFirstCallOnModel(s, entry, at));
    } else {
      applyEndToSession(s, entry);
      applySessionEndToJournal(journal, entry.session);
    }
    markApplied(s.applied, end);
  }
  return { sessions, journal, problems };
}

const REBUILD = 'tokj rebuild (or tokj doctor --fix) regenerates it from the ledger, keeping what people wrote';

/** What doctor checks in a session file: missing sections, usage rows, the summary's text. */
interface SessionBlocks {
  missing: string[];
  usageRows: number;
  summary: string;
}

async function blocksByParsing(text: string, specs: BlockSpec[], label: string): Promise<SessionBlocks> {
  const located = locateBlocks(await parseMarkdownLazily(text, { elideRowsFrom: ELIDE_ROWS_FROM }), specs, label);
  return { missing: located.missing.map((b) => b.section), usageRows: located.rowCounts.usage ?? 0, summary: text.slice(...(located.regions.summary ?? [0, 0])) };
}

/** The same, read at cached spans (null when they do not fit the text). */
function blocksAtSpans(text: string, regions: Regions, specs: BlockSpec[]): SessionBlocks | null {
  if (!spansFit(regions, text.length) || !specs.every((s) => s.name in regions)) return null;
  const usage = text.slice(...regions.usage!);
  // An unpadded table: a header line, a delimiter line, then one line per row.
  return { missing: [], usageRows: usage.split('\n').length - 2, summary: text.slice(...regions.summary!) };
}

export async function diagnose(layout: Layout): Promise<Problem[]> {
  const { sessions, journal, problems } = replay(layout);
  const rel = (file: string): string => path.relative(layout.root, file);
  const states = new SessionStates(layout);
  for (const [id, expected] of sessions) {
    const state = states.read(id, () => true);
    const stateMatches = state !== null && JSON.stringify(state.totals) === JSON.stringify(expected.totals) && state.status === expected.status;
    if (!stateMatches) {
      problems.push({ file: rel(sessionStatePath(layout, id)), message: `derived state of session ${id} does not match the ledger`, fix: REBUILD, fixable: true });
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
      const cached = stateMatches && state.view?.stamp === doc.stamp ? blocksAtSpans(doc.text, state.view.regions, sessionBlocks(expected)) : null;
      const blocks = cached ?? (await blocksByParsing(doc.text, sessionBlocks(expected), rel(mdFile)));
      if (blocks.missing.length > 0) problems.push({ file: rel(mdFile), message: `missing: ${blocks.missing.join(', ')}`, fix: REBUILD, fixable: true });
      else if (blocks.usageRows !== expected.totals.calls) problems.push({ file: rel(mdFile), message: `Usage Tracking has ${blocks.usageRows} rows; the ledger holds ${expected.totals.calls} calls`, fix: REBUILD, fixable: true });
      else {
        for (const want of [`**Total Calls**: ${count(expected.totals.calls)}`, `**Total Cost**: ${totalCostText(expected.totals)}`, `**Total Tokens**: ${count(expected.totals.total_tokens)}`]) {
          if (!blocks.summary.includes(want)) problems.push({ file: rel(mdFile), message: `Session Summary does not say ${want.replace(/\*\*/g, '')}`, fix: REBUILD, fixable: true });
        }
      }
    } catch (error) {
      problems.push({ file: rel(mdFile), message: (error as TokjError).message, fix: 'repair the table by hand (or delete it: tokj rebuild regenerates it)', fixable: false });
    }
  }
  const journalState = readJson<JournalState>(path.join(layout.stateDir, 'journal.json'));
  if (sessions.size > 0 && (!journalState || JSON.stringify(journalState.totals) !== JSON.stringify(journal.totals))) {
    problems.push({ file: rel(path.join(layout.stateDir, 'journal.json')), message: 'journal totals do not match the ledger', fix: REBUILD, fixable: true });
  }
  const journalText = readTextIfExists(layout.journalMd);
  if (journalText === null) {
    if (sessions.size > 0) problems.push({ file: rel(layout.journalMd), message: 'the main journal is missing', fix: REBUILD, fixable: true });
  } else {
    try {
      const located = locateBlocks(await parseMarkdownLazily(journalText), JOURNAL_BLOCKS, rel(layout.journalMd));
      const summary = located.rowCells.summary ?? [];
      const total = summary[summary.length - 1];
      const t = journal.totals;
      if (sessions.size > 0 && (!total || total[3] !== count(t.calls) || total[8] !== totalCostText(t))) {
        problems.push({ file: rel(layout.journalMd), message: `Usage Summary TOTAL row does not show ${count(t.calls)} calls and ${totalCostText(t)}`, fix: REBUILD, fixable: true });
      }
      const logged = new Set((located.rowCells.log ?? []).map((r) => (r[0] ?? '').trim()));
      const unlogged = [...sessions.keys()].filter((id) => !logged.has(id));
      if (unlogged.length > 0) problems.push({ file: rel(layout.journalMd), message: `Detailed Usage Log lacks ${unlogged.length} session(s): ${unlogged.slice(0, 5).join(', ')}`, fix: REBUILD, fixable: true });
    } catch (error) {
      problems.push({ file: rel(layout.journalMd), message: (error as TokjError).message, fix: 'repair the table by hand (or delete it: tokj rebuild regenerates it)', fixable: false });
    }
  }
  // Session files with no session in the ledger: someone's copy, or a lost ledger.
  if (existsSync(layout.sessionsDir)) {
    for (const name of readdirSync(layout.sessionsDir)) {
      if (name.endsWith('.md') && !sessions.has(name.slice(0, -3))) {
        problems.push({ file: rel(path.join(layout.sessionsDir, name)), message: 'no session of this name in the ledger', fix: 'restore the ledger lines, or remove the file if it is not wanted', fixable: false });
      }
    }
  }
  return problems;
}
