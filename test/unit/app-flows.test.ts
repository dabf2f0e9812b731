/**
 * The app flows called in-process, as a program embedding tokj would: no CLI, no process,
 * the journal reached through a JournalAccess with a pinned clock.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalAccess } from '../../src/app/journal-access.js';
import { layoutOf } from '../../src/app/layout.js';
import { parseImportText } from '../../src/app/import-record.js';
import { importUsage } from '../../src/app/import-usage.js';
import { recordUsage } from '../../src/app/record-usage.js';
import { finalizeSession, startSession } from '../../src/app/session-lifecycle.js';
import { checkBudgets } from '../../src/app/budget-check.js';
import { TokjError } from '../../src/core/errors.js';
import { ledgerLines, tempDir } from '../helpers.js';

function access(): { journal: JournalAccess; warnings: string[]; clock: { ms: number } } {
  const root = path.join(tempDir(), '.ai_workflow');
  const clock = { ms: Date.parse('2026-11-24T09:00:00Z') };
  const warnings: string[] = [];
  const journal: JournalAccess = { layout: layoutOf(root), host: 'unit', now: () => new Date(clock.ms), warn: (m) => warnings.push(m), env: {}, configLabel: 'config.md' };
  return { journal, warnings, clock };
}

const usage = (inputTokens: number, outputTokens: number) => ({ inputTokens, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });

describe('app flows without a process', () => {
  it('start, record, check the budget, finalize: the ledger holds exactly what was done', async () => {
    const { journal, clock } = access();
    const started = await startSession(journal, { session: 's1', provider: 'openai', model: 'gpt-4o', budgetUsd: '0.01', labels: { team: 'infra' }, example: () => '' });
    expect(started).toEqual({ session: 's1', provider: 'openai', model: 'gpt-4o', created: expect.arrayContaining([path.join(journal.layout.root, 'monitoring/token_collection_config.md')]), othersActive: [] });
    clock.ms += 1000;
    // gpt-4o: $2.50/1M in, $10/1M out -> 0.0025 + 0.005
    const recorded = await recordUsage(journal, { enforce: true, calls: (session) => [{ usage: usage(1000, 500), note: `into ${session.session}` }] });
    expect(recorded.outcomes.map((o) => [o.record.id, o.record.cost_usd, o.record.note, o.record.labels])).toEqual([['s1:1', '0.0075', 'into s1', { team: 'infra' }]]);
    expect(recorded.session.totals.cost_usd).toBe('0.0075');
    expect(recorded.breached).toBe(false);
    const again = await recordUsage(journal, { enforce: true, calls: () => [{ usage: usage(1000, 500) }] });
    expect(again.breached).toBe(true);
    expect(again.checks.messages).toEqual(['BUDGET EXCEEDED: session s1 spent $0.015 of $0.01 (150.0%)']);
    expect((await checkBudgets(journal, { period: 'session' })).map((b) => [b.scope, b.state, b.spent.toString()])).toEqual([['session', 'exceeded', '0.015']]);
    const closed = await finalizeSession(journal, { status: 'failed', notes: 'over budget', errors: ['budget'] });
    expect([closed.status, closed.totals.calls, closed.totals.cost_usd]).toEqual(['failed', 2, '0.015']);
    expect(ledgerLines(journal.layout.root).map((l) => `${l.type} ${l.id}`)).toEqual(['session_start s1:start', 'call s1:1', 'call s1:2', 'session_end s1:end']);
    await expect(recordUsage(journal, { session: 's1', calls: () => [{ usage: usage(1, 1) }] })).rejects.toThrow(TokjError);
  });

  it('imports checked rows into new sessions, skipping request ids already held', async () => {
    const { journal } = access();
    const line = (id: string, t: string) => JSON.stringify({ session: 'imp', timestamp: t, provider: 'openai', model: 'gpt-4o', input_tokens: 100, output_tokens: 10, request_id: id });
    const rows = parseImportText(`${line('r1', '2026-11-20T10:00:00Z')}\n\n${line('r2', '2026-11-20T11:00:00Z')}\n`);
    expect(await importUsage(journal, { rows, source: 'backfill.jsonl', allowDuplicate: false })).toEqual({ imported: 2, duplicates: 0, sessions: 1, sessions_created: 1 });
    expect(await importUsage(journal, { rows, source: 'backfill.jsonl', allowDuplicate: false })).toEqual({ imported: 0, duplicates: 2, sessions: 1, sessions_created: 0 });
    const end = ledgerLines(journal.layout.root).find((l) => l.type === 'session_end');
    expect(end).toMatchObject({ timestamp: '2026-11-20T11:00:00.000Z', notes: 'imported from backfill.jsonl', status: 'completed' });
  });
});
