/**
 * `tokj import`: checked records written into the journal in one transaction, all or
 * nothing. Sessions the journal does not know are created (started at their first call) and
 * closed as completed at their last; request ids it already holds are skipped.
 */
import type { CallRecord, SessionEndEvent, SessionStartEvent } from '../ledger/record.js';
import { sessionFromStart } from '../core/session-state.js';
import { checkCanAdd } from '../core/totals.js';
import { trace } from '../io/trace.js';
import { readConfig } from './config.js';
import type { ImportRow } from './import-record.js';
import type { ClaudeRead } from './import-sources.js';
import { writeImportMemo } from './import-memo.js';
import type { JournalAccess } from './journal-access.js';
import { ensureLayout } from './layout.js';
import { PriceBook } from './pricing.js';
import { buildCallRecords } from './record.js';
import { JournalTxn } from './txn.js';

export interface ImportRequest {
  rows: ImportRow[];
  /** Where the rows came from: the note of each session the import creates. */
  source: string;
  allowDuplicate: boolean;
  /** A Claude Code import: its transcripts are remembered once their calls are in the ledger. */
  claude?: ClaudeRead | undefined;
}

export interface ImportSummary {
  imported: number;
  duplicates: number;
  sessions: number;
  sessions_created: number;
}

/** Sessions in order of their first row, each with its rows. */
export function rowsBySession(rows: ImportRow[]): Map<string, ImportRow[]> {
  const bySession = new Map<string, ImportRow[]>();
  for (const row of rows) {
    const list = bySession.get(row.session);
    if (list) list.push(row);
    else bySession.set(row.session, [row]);
  }
  return bySession;
}

export async function importUsage(journal: JournalAccess, request: ImportRequest): Promise<ImportSummary> {
  const bySession = rowsBySession(request.rows);
  ensureLayout(journal.layout);
  const config = await readConfig(journal.layout);
  return JournalTxn.run(journal, async (txn) => {
    await txn.preflight([...bySession.keys()]);
    const starts: SessionStartEvent[] = [];
    for (const [session, rows] of bySession) {
      if (txn.session(session)) continue;
      const first = rows.reduce((a, b) => (a.timestamp <= b.timestamp ? a : b));
      starts.push({ type: 'session_start', id: `${session}:start`, timestamp: first.timestamp, session, provider: first.provider, model: first.model, agent: first.input.agent ?? null, budget_usd: null, labels: {} });
    }
    // New sessions exist only in memory until everything has been checked: a refused
    // import (a total past 2^53-1) writes nothing at all.
    const pending = new Map(starts.map((e) => [e.session, sessionFromStart(e, '')]));
    const calls: CallRecord[] = [];
    const ends: SessionEndEvent[] = [];
    const prices = new PriceBook(journal.layout.stateDir, config);
    const recordOptions = { config, prices, configLabel: journal.configLabel, now: journal.now(), warn: journal.warn, allowDuplicate: request.allowDuplicate };
    let duplicates = 0;
    for (const [session, rows] of bySession) {
      const s = txn.session(session) ?? pending.get(session)!;
      const { fresh, outcomes } = buildCallRecords(txn, s, rows.map((r) => r.input), recordOptions);
      checkCanAdd(s.totals, fresh, `session ${session}`);
      // (a loop: spreading a 200k-call session into push() overflows the stack)
      for (const r of fresh) calls.push(r);
      duplicates += outcomes.length - fresh.length;
      if (pending.has(session)) {
        const last = rows.reduce((a, b) => (a.timestamp >= b.timestamp ? a : b));
        ends.push({ type: 'session_end', id: `${session}:end`, timestamp: last.timestamp, session, status: 'completed', notes: `imported from ${request.source}`, errors: [] });
      }
    }
    checkCanAdd(txn.journal.totals, calls, 'the journal');
    trace('records built');
    txn.append(starts);
    txn.append(calls);
    trace('calls appended');
    txn.append(ends);
    // The calls are in the ledger: these transcripts need not be read again while unchanged.
    const claude = request.claude;
    if (claude) writeImportMemo(journal.layout, claude.previous, claude.stats.read, claude.stats.unsettled);
    prices.save();
    return { imported: calls.length, duplicates, sessions: bySession.size, sessions_created: starts.length };
  });
}
