/**
 * The markdown files a transaction writes, opened once each: a session file, a month log,
 * the main journal. A view opens at the spans its state cached while the file is as the tool
 * wrote it, else by parsing (markdown/view.ts); a new file starts from its template.
 */
import path from 'node:path';
import type { JournalState } from '../core/journal-state.js';
import type { SessionState } from '../core/session-state.js';
import { ensureDir, readStamped, readText, removeFile, stampOf, writeAtomic } from '../io/fs.js';
import { cacheOf, openView, type OpenedView, type ViewCache } from '../markdown/view.js';
import { sessionBlocks, sessionSkeleton } from '../views/session-view.js';
import { JOURNAL_BLOCKS } from '../views/journal-view.js';
import { MONTH_LOG_BLOCKS, monthLogSkeleton, updateMonthLogView } from '../views/month-log-view.js';
import { monthLogPath, sessionMdPath, templatePath, type Layout } from './layout.js';
import { SessionStates } from './session-states.js';
import { readJson } from './state-store.js';

/**
 * The view spans the old derived state held, read before a rebuild drops it (a damaged file
 * only means its views are parsed again). A span is trusted only while its file's stamp is
 * the one it was cached with, so a rebuild of a journal nobody edited parses nothing.
 */
export interface KeptViews {
  journal: ViewCache | null;
  months: Record<string, ViewCache>;
  sessions: Map<string, ViewCache>;
}

/** The view spans the old derived state held, read before a rebuild drops it. */
export function keptViewsOf(layout: Layout): KeptViews {
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
    text = readText(templatePath(name));
    templates.set(name, text);
  }
  return text;
}

export class ViewFiles {
  private readonly opened = new Map<string, OpenedView>();

  constructor(
    private readonly layout: Layout,
    /** A rebuild's views from before: spans reused, every block rendered whole. */
    private readonly kept: KeptViews | null,
  ) {}

  private async open(key: string, make: () => Promise<OpenedView>): Promise<OpenedView> {
    let view = this.opened.get(key);
    if (!view) {
      view = await make();
      this.opened.set(key, view);
    }
    return view;
  }

  /** `whole`: the usage table is rendered from the ledger, so the cached spans are not used. */
  session(s: SessionState, whole: boolean): Promise<OpenedView> {
    return this.open(`session:${s.session}`, () => {
      const file = sessionMdPath(this.layout, s.session);
      const specs = sessionBlocks(s);
      const cache = whole ? null : (s.view ?? this.kept?.sessions.get(s.session) ?? null);
      return openView(readStamped(file), cache, specs, this.label(file), () => sessionSkeleton(template('session.md'), s.session, specs), {
        renderWhole: this.kept !== null,
      });
    });
  }

  month(month: string, cache: ViewCache | null): Promise<OpenedView> {
    return this.open(`month:${month}`, () => {
      const file = monthLogPath(this.layout, month);
      return openView(readStamped(file), cache ?? this.kept?.months[month] ?? null, MONTH_LOG_BLOCKS, this.label(file), () => monthLogSkeleton(template('month-log.md'), month), {
        renderWhole: this.kept !== null,
      });
    });
  }

  /** What a month log with no sessions says when nobody wrote in it. */
  private async emptyMonthLog(month: string): Promise<string> {
    const view = await openView(null, null, MONTH_LOG_BLOCKS, month, () => monthLogSkeleton(template('month-log.md'), month));
    updateMonthLogView(view, undefined, { sessions: [], whole: true, allSessions: () => [] });
    return view.editor.text;
  }

  journal(cache: ViewCache | null): Promise<OpenedView> {
    return this.open('journal', () =>
      openView(readStamped(this.layout.journalMd), cache ?? this.kept?.journal ?? null, JOURNAL_BLOCKS, this.label(this.layout.journalMd), () => template('workflow/work_journal/token_usage.md'), {
        renderWhole: this.kept !== null,
      }),
    );
  }

  /** Writes a view's text; returns the spans to keep with its state. */
  save(file: string, view: OpenedView): ViewCache {
    ensureDir(path.dirname(file));
    writeAtomic(file, view.editor.text);
    return cacheOf(view.editor, stampOf(file));
  }

  /**
   * Writes a month log; a month left with no sessions (every start moved to another month)
   * loses its log unless a person wrote in it. Returns the spans to keep, or null when removed.
   */
  async saveMonth(month: string, view: OpenedView, noSessions: boolean): Promise<ViewCache | null> {
    const file = monthLogPath(this.layout, month);
    if (noSessions && view.editor.text === (await this.emptyMonthLog(month))) {
      removeFile(file);
      return null;
    }
    return this.save(file, view);
  }

  private label(file: string): string {
    return path.relative(this.layout.root, file);
  }
}
