/**
 * The main journal stays bounded: a row per month and the latest sessions; every session is
 * a row of its month's log. A journal an older tokj wrote (one Detailed Usage Log row per
 * session in token_usage.md) moves to month logs on its next command, keeping people's text.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { monthLogRows, readMd, repoRoot, tableIn, tempDir, tokj } from '../helpers.js';

const journalOf = (cwd: string): string => path.join(cwd, '.ai_workflow', 'work_journal', 'token_usage.md');

describe('month logs', () => {
  it('a journal written before month logs gets them on its next command; its old table points to them', async () => {
    const cwd = tempDir();
    cpSync(path.join(repoRoot, 'test', 'fixtures', 'journal-v3', '.ai_workflow'), path.join(cwd, '.ai_workflow'), { recursive: true });
    const before = readFileSync(journalOf(cwd), 'utf8');
    expect(tableIn(readMd(journalOf(cwd)), 'Detailed Usage Log').slice(1).map((r) => r[0])).toEqual(['demo-refactor', 'demo-flaky-search']);
    writeFileSync(journalOf(cwd), before.replace('## Usage Analysis', 'A note of mine about the log above.\n\n## Usage Analysis'));

    const r = await tokj(cwd, ['init', 'after-upgrade', 'openai', 'gpt-4o', '-q'], { env: { TOKJ_NOW: '2026-11-25T10:00:00Z' } });
    expect(r.exitCode, r.stderr).toBe(0);
    const text = readFileSync(journalOf(cwd), 'utf8');
    const md = readMd(journalOf(cwd));
    expect(text).toContain('A note of mine about the log above.');
    // The old table is gone from the main journal, replaced by a pointer; every session is in its month's log.
    expect(() => tableIn(md, 'Detailed Usage Log')).toThrow('no table');
    expect(text).toContain('Moved: every session is listed in its month log (work_journal/log/)');
    expect(monthLogRows(path.join(cwd, '.ai_workflow')).map((row) => row.slice(0, 3))).toEqual([
      ['demo-refactor', '2026-11-24 09:00:00 UTC', 'completed'],
      ['demo-flaky-search', '2026-11-24 09:01:53 UTC', 'failed'],
      ['after-upgrade', '2026-11-25 10:00:00 UTC', 'active'],
    ]);
    expect(tableIn(md, 'Monthly Summary').slice(1)).toEqual([['2026-11', '3', '7', '25,902', '$0.0691', 'log/2026-11.md']]);
    expect(tableIn(md, 'Recent Sessions').slice(1).map((row) => row[0])).toEqual(['demo-refactor', 'demo-flaky-search', 'after-upgrade']);
    const d = await tokj(cwd, ['doctor']);
    expect(d.exitCode, d.stdout + d.stderr).toBe(0);
    // The next command reads the views at their cached spans: nothing changes but the new row.
    expect((await tokj(cwd, ['record', '100', '10', '--session', 'after-upgrade'], { env: { TOKJ_NOW: '2026-11-25T10:01:00Z' } })).exitCode).toBe(0);
    expect(readFileSync(journalOf(cwd), 'utf8')).toContain('Moved: every session is listed in its month log');
  });

  it('lists the 20 latest sessions in the main journal and every session in its month, across months', async () => {
    const cwd = tempDir();
    // 26 one-call sessions, one every 2 days from 2026-10-20: 6 in October, 15 in November, 5 in December.
    const ids = Array.from({ length: 26 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    const lines = ids.map((session, i) => JSON.stringify({ session, timestamp: new Date(Date.UTC(2026, 9, 20) + i * 2 * 86_400_000).toISOString(), provider: 'openai', model: 'gpt-4o', input_tokens: 1000, output_tokens: 100 }));
    const imported = await tokj(cwd, ['import', '-'], { input: `${lines.join('\n')}\n`, env: { TOKJ_NOW: '2026-12-15T00:00:00Z' } });
    expect(imported.exitCode, imported.stderr).toBe(0);
    const md = readMd(journalOf(cwd));
    expect(tableIn(md, 'Recent Sessions').slice(1).map((row) => row[0])).toEqual(ids.slice(-20));
    expect(tableIn(md, 'Monthly Summary').slice(1).map((row) => [row[0], row[1], row[2], row[5]])).toEqual([
      ['2026-12', '5', '5', 'log/2026-12.md'],
      ['2026-11', '15', '15', 'log/2026-11.md'],
      ['2026-10', '6', '6', 'log/2026-10.md'],
    ]);
    const root = path.join(cwd, '.ai_workflow');
    const logOf = (month: string): string => path.join(root, 'work_journal', 'log', `${month}.md`);
    expect(monthLogRows(root).map((row) => row[0])).toEqual(ids);
    expect(tableIn(readMd(logOf('2026-10')), 'Detailed Usage Log').slice(1).map((row) => row[0])).toEqual(ids.slice(0, 6));
    expect(readFileSync(logOf('2026-10'), 'utf8')).toContain('**Month Total**: 6 sessions, 6 calls, 6,600 tokens, $0.021');

    // A session that started in October and is still active gets a call in December: October's
    // log and month row change, December's log does not; it sorts before the 20 latest.
    const october = { TOKJ_NOW: '2026-10-31T12:00:00Z' };
    expect((await tokj(cwd, ['init', 'long', 'openai', 'gpt-4o', '-q'], { env: october })).exitCode).toBe(0);
    const december = readFileSync(logOf('2026-12'), 'utf8');
    const late = await tokj(cwd, ['record', '1000', '100', '--session', 'long'], { env: { TOKJ_NOW: '2026-12-20T00:00:00Z' } });
    expect(late.exitCode, late.stderr).toBe(0);
    expect(readFileSync(logOf('2026-12'), 'utf8')).toBe(december);
    expect(tableIn(readMd(logOf('2026-10')), 'Detailed Usage Log').at(-1)!.slice(0, 5)).toEqual(['long', '2026-10-31 12:00:00 UTC', 'active', 'openai/gpt-4o', '1']);
    const after = readMd(journalOf(cwd));
    expect(tableIn(after, 'Monthly Summary').at(-1)!.slice(0, 3)).toEqual(['2026-10', '7', '7']);
    expect(tableIn(after, 'Recent Sessions').slice(1).map((row) => row[0])).toEqual(ids.slice(-20));
    const d = await tokj(cwd, ['doctor']);
    expect(d.exitCode, d.stdout + d.stderr).toBe(0);
  });
});
