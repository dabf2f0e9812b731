/**
 * Regressions of the journal's two promises — every view is a replay of the ledger, and what
 * people write is kept — each reproduced on the code before the one-replay fold
 * (core/fold.ts). The model-based test (test/model) explores sequences of these operations;
 * these pin the cases a new user met first.
 */
import { appendFileSync, cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { readMd, tableIn, tempDir, tokj } from '../helpers.js';

const journalMd = (root: string): string => path.join(root, '.ai_workflow', 'work_journal', 'token_usage.md');
const sessionMd = (root: string, id: string): string => path.join(root, '.ai_workflow', 'monitoring', 'sessions', `${id}.md`);

/** The TOTAL row of the Usage Summary: [calls, cost]. */
function totalRow(root: string): [string, string] {
  const rows = tableIn(readMd(journalMd(root)), 'Usage Summary');
  const total = rows[rows.length - 1]!;
  expect(total[0]).toBe('TOTAL');
  return [total[3]!, total[8]!];
}

async function reportTotals(root: string): Promise<{ calls: number; cost: string }> {
  const r = await tokj(root, ['report', '--format', 'json', '--period', 'monthly', '--since', '2000-01-01', '--until', '2100-01-01']);
  expect(r.exitCode, r.stderr).toBe(0);
  const summary = JSON.parse(r.stdout).summary as { calls: number; total_cost_usd: string };
  return { calls: summary.calls, cost: summary.total_cost_usd };
}

async function doctorClean(root: string): Promise<void> {
  const r = await tokj(root, ['doctor']);
  expect(r.stdout + r.stderr).toContain('Journal is consistent');
  expect(r.exitCode).toBe(0);
}

async function demo(): Promise<string> {
  const root = tempDir();
  const r = await tokj(root, ['demo', '.'], { env: { TOKJ_NOW: '2026-11-24T09:00:00Z' } });
  expect(r.exitCode, r.stderr).toBe(0);
  return root;
}

describe('views are a replay of the ledger', () => {
  it('tokj rebuild keeps the totals (it showed 2 calls, $0.00346 instead of 7, $0.06914)', async () => {
    const root = await demo();
    expect(totalRow(root)).toEqual(['7', '$0.0691']);
    const before = readFileSync(journalMd(root), 'utf8');
    expect((await tokj(root, ['rebuild'])).exitCode).toBe(0);
    expect(totalRow(root)).toEqual(['7', '$0.0691']);
    expect(readFileSync(journalMd(root), 'utf8')).toBe(before);
    await doctorClean(root);
  });

  it('deleting .state/ loses nothing: the next record replays the whole ledger', async () => {
    const root = await demo();
    rmSync(path.join(root, '.ai_workflow', 'monitoring', '.state'), { recursive: true });
    await doctorClean(root);
    const init = await tokj(root, ['init', 'after', 'openai', 'gpt-4o'], { env: { TOKJ_NOW: '2026-11-24T10:00:00Z' } });
    expect(init.exitCode, init.stderr).toBe(0);
    expect((await tokj(root, ['record', '1000', '100', '--session', 'after'], { env: { TOKJ_NOW: '2026-11-24T10:00:05Z' } })).exitCode).toBe(0);
    const report = await reportTotals(root);
    expect(report.calls).toBe(8);
    expect(totalRow(root)).toEqual(['8', '$0.0726']);
    expect(report.cost).toBe('0.07263744');
    await doctorClean(root);
  });

  it('another host’s ledger arriving (git pull) is counted whole, and sessions and calls stay in time order', async () => {
    const a = tempDir();
    const b = tempDir();
    const at = (host: string, t: string) => ({ env: { TOKJ_HOST: host, TOKJ_NOW: `2026-11-24T${t}Z` } });
    expect((await tokj(a, ['init', 'a1', 'openai', 'gpt-4o'], at('hosta', '09:00:00'))).exitCode).toBe(0);
    await tokj(a, ['record', '100', '10'], at('hosta', '09:00:10'));
    await tokj(a, ['record', '200', '10'], at('hosta', '09:00:30'));
    // Host B started earlier and also recorded into a session of the same name as nobody else.
    expect((await tokj(b, ['init', 'b1', 'openai', 'gpt-4o'], at('hostb', '08:59:00'))).exitCode).toBe(0);
    await tokj(b, ['record', '400', '10'], at('hostb', '09:00:20'));
    const ledger = (root: string): string => path.join(root, '.ai_workflow', 'monitoring', 'ledger');
    for (const f of readdirSync(ledger(b))) cpSync(path.join(ledger(b), f), path.join(ledger(a), f));
    const r = await tokj(a, ['record', '300', '10', '--session', 'a1'], at('hosta', '09:00:40'));
    expect(r.exitCode, r.stderr).toBe(0);
    expect(totalRow(a)[0]).toBe('4');
    const log = tableIn(readMd(journalMd(a)), 'Recent Sessions').slice(1);
    expect(log.map((row) => [row[0], row[4]])).toEqual([
      ['b1', '1'],
      ['a1', '3'],
    ]);
    const journalBefore = readFileSync(journalMd(a), 'utf8');
    const sessionBefore = readFileSync(sessionMd(a, 'a1'), 'utf8');
    expect((await tokj(a, ['rebuild'], at('hosta', '09:01:00'))).exitCode).toBe(0);
    expect(readFileSync(journalMd(a), 'utf8')).toBe(journalBefore);
    expect(readFileSync(sessionMd(a, 'a1'), 'utf8')).toBe(sessionBefore);
    expect((await reportTotals(a)).calls).toBe(4);
    await doctorClean(a);
  });

  it('a pulled line that sorts before rows already written re-renders the session in time order', async () => {
    const a = tempDir();
    const b = tempDir();
    const at = (host: string, t: string) => ({ env: { TOKJ_HOST: host, TOKJ_NOW: `2026-11-24T${t}Z` } });
    await tokj(a, ['init', 'shared', 'openai', 'gpt-4o'], at('hosta', '09:00:00'));
    await tokj(a, ['record', '100', '10'], at('hosta', '09:00:30'));
    // The same session id started on host B too (a script with a fixed id on two machines).
    await tokj(b, ['init', 'shared', 'openai', 'gpt-4o'], at('hostb', '09:00:05'));
    await tokj(b, ['record', '200', '10'], at('hostb', '09:00:10'));
    const ledger = (root: string): string => path.join(root, '.ai_workflow', 'monitoring', 'ledger');
    for (const f of readdirSync(ledger(b))) cpSync(path.join(ledger(b), f), path.join(ledger(a), f));
    expect((await tokj(a, ['record', '300', '10'], at('hosta', '09:01:00'))).exitCode).toBe(0);
    const rows = tableIn(readMd(sessionMd(a, 'shared')), 'Usage Tracking').slice(1);
    expect(rows.map((row) => [row[0], row[4]])).toEqual([
      ['1', '200'],
      ['2', '100'],
      ['3', '300'],
    ]);
    const before = readFileSync(sessionMd(a, 'shared'), 'utf8');
    await tokj(a, ['rebuild'], at('hosta', '09:02:00'));
    expect(readFileSync(sessionMd(a, 'shared'), 'utf8')).toBe(before);
  });
});

describe('people’s text is kept', () => {
  it('a line appended at the very end of the journal and of a session file, with no blank line, survives the next record', async () => {
    const root = tempDir();
    await tokj(root, ['init', 's1', 'openai', 'gpt-4o']);
    await tokj(root, ['record', '100', '10']);
    appendFileSync(journalMd(root), 'My note on the journal\n');
    // No newline at the end of this one either.
    appendFileSync(sessionMd(root, 's1'), 'My note on the session');
    const r = await tokj(root, ['record', '200', '20']);
    expect(r.exitCode, r.stderr).toBe(0);
    const journal = readFileSync(journalMd(root), 'utf8');
    const session = readFileSync(sessionMd(root, 's1'), 'utf8');
    expect(journal).toContain('\n\nMy note on the journal\n');
    expect(session.endsWith('\n\nMy note on the session')).toBe(true);
    // The notes are paragraphs of their own now, not rows, list items or part of the Alerts sentence.
    expect(journal).toContain('\nNo alerts.\n\nMy note on the journal\n');
    await tokj(root, ['record', '300', '30']);
    expect(readFileSync(journalMd(root), 'utf8')).toContain('\n\nMy note on the journal\n');
    expect(tableIn(readMd(sessionMd(root, 's1')), 'Usage Tracking')).toHaveLength(4);
    await doctorClean(root);
  });

  it('a note under a table or list that prettier then formatted (into a row, into the list item) is kept', async () => {
    const root = tempDir();
    await tokj(root, ['init', 's1', 'openai', 'gpt-4o']);
    await tokj(root, ['record', '100', '10']);
    const file = sessionMd(root, 's1');
    const text = readFileSync(file, 'utf8')
      .replace(/(\| 1 \|[^\n]*\n)/, '$1note under the usage table\n')
      .replace(/(- \*\*Total Cost\*\*: [^\n]*\n)/, '$1note under the summary\n');
    writeFileSync(file, await prettier.format(text, { parser: 'markdown' }));
    expect(readFileSync(file, 'utf8')).toContain('| note under the usage table |');
    const r = await tokj(root, ['record', '200', '20']);
    expect(r.exitCode, r.stderr).toBe(0);
    const after = readFileSync(file, 'utf8');
    expect(after).toContain('note under the usage table');
    expect(after).toContain('\n\nnote under the summary\n');
    const rows = tableIn(readMd(file), 'Usage Tracking').slice(1);
    expect(rows.map((row) => row[0])).toEqual(['1', '2']);
    await tokj(root, ['rebuild']);
    expect(readFileSync(file, 'utf8')).toContain('note under the usage table');
    expect(readFileSync(file, 'utf8')).toContain('note under the summary');
    await doctorClean(root);
  });
});
