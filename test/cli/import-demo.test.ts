import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ledgerLines, listIn, readMd, repoRoot, snapshotFiles, tableIn, tempDir, tokj } from '../helpers.js';

describe('import', () => {
  it('bulk-records JSON Lines, creating sessions, keeping frozen costs, skipping known request ids', async () => {
    const cwd = tempDir();
    const lines = [
      { session: 'old-1', timestamp: '2026-10-01T10:00:00Z', provider: 'openai', model: 'gpt-4o', input_tokens: 1500, output_tokens: 800 },
      { session: 'old-1', timestamp: '2026-10-01T10:01:00Z', provider: 'openai', model: 'gpt-4o', input_tokens: 100, output_tokens: 50, cost_usd: '1.5', price_source: 'invoice', request_id: 'r1' },
      { session: 'old-2', timestamp: '2026-10-02T10:00:00Z', provider: 'anthropic', model: 'claude-sonnet-4-20250514', input_tokens: 1200, output_tokens: 300, agent: 'coder', note: 'a | b' },
    ];
    const file = path.join(cwd, 'in.jsonl');
    writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const r = await tokj(cwd, ['import', file, '--json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ imported: 3, duplicates: 0, sessions: 2, sessions_created: 2 });
    const root = path.join(cwd, '.ai_workflow');
    const calls = ledgerLines(root).filter((l) => l.type === 'call');
    expect(calls.map((c) => c.cost_usd)).toEqual(['0.01175', '1.5', '0.0081']);
    expect(calls[0]?.timestamp).toBe('2026-10-01T10:00:00.000Z');
    const journal = readMd(path.join(root, 'work_journal/token_usage.md'));
    expect(tableIn(journal, 'Usage Summary').at(-1)?.at(-1)).toBe('$1.5199');
    expect(tableIn(journal, 'Recent Sessions').slice(1).map((row) => row.slice(0, 3))).toEqual([
      ['old-1', '2026-10-01 10:00:00 UTC', 'completed'],
      ['old-2', '2026-10-02 10:00:00 UTC', 'completed'],
    ]);
    const again = await tokj(cwd, ['import', '-', '--json'], { input: `${JSON.stringify({ ...lines[1], session: 'old-3' })}\n` });
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 0, duplicates: 1 });
  });

  it('is all-or-nothing: a bad line rejects the batch with its line number', async () => {
    const cwd = tempDir();
    await tokj(cwd, ['init', 's', 'openai', 'gpt-4o']);
    const root = path.join(cwd, '.ai_workflow');
    const before = snapshotFiles(root);
    const good = JSON.stringify({ session: 's', timestamp: '2026-10-01T10:00:00Z', provider: 'openai', model: 'gpt-4o', input_tokens: 1, output_tokens: 1 });
    for (const bad of ['{"session":"s"}', '{not json', JSON.stringify({ ...JSON.parse(good), input_tokens: -1 }), JSON.stringify({ ...JSON.parse(good), input_tokens: 1.5 }), JSON.stringify({ ...JSON.parse(good), session: '../x' })]) {
      const r = await tokj(cwd, ['import', '-'], { input: `${good}\n${bad}\n` });
      expect(r.exitCode, bad).toBe(3);
      expect(r.stderr, bad).toContain('line 2');
      expect(snapshotFiles(root)).toEqual(before);
    }
  });
});

describe('demo', () => {
  it('runs in a temp dir by default and prints where the journal is', async () => {
    const cwd = tempDir();
    const r = await tokj(cwd, ['demo']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/Demo journal written to .*tokj-demo-.*\.ai_workflow/);
    expect(r.stdout).toContain('Total: 2 sessions, 7 calls');
    expect(snapshotFiles(cwd)).toEqual({});
  });

  it("reproduces the repository's example .ai_workflow byte for byte", async () => {
    const cwd = tempDir();
    const r = await tokj(cwd, ['demo', '.'], { env: { TOKJ_NOW: '2026-11-24T09:00:00Z' } });
    expect(r.exitCode).toBe(0);
    // .state/ holds per-machine caches (file stamps); it is git-ignored, not part of the example.
    const withoutState = (files: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(files).filter(([f]) => !f.includes('.state/')));
    const made = withoutState(snapshotFiles(path.join(cwd, '.ai_workflow')));
    const committed = withoutState(snapshotFiles(path.join(repoRoot, '.ai_workflow')));
    expect(Object.keys(made).sort()).toEqual(Object.keys(committed).sort());
    for (const file of Object.keys(made)) expect(made[file], file).toBe(committed[file]);
  });

  it('writes a finalized session a person can read', async () => {
    const cwd = tempDir();
    await tokj(cwd, ['demo', '.'], { env: { TOKJ_NOW: '2026-11-24T09:00:00Z' } });
    const md = readMd(path.join(cwd, '.ai_workflow/monitoring/sessions/demo-refactor.md'));
    expect(listIn(md, 'Session Information').Status).toBe('completed');
    const rows = tableIn(md, 'Usage Tracking');
    expect(rows).toHaveLength(6);
    expect(rows.some((row) => row[10]?.includes('attempt 2/2'))).toBe(true);
    const text = readFileSync(path.join(cwd, '.ai_workflow/work_journal/token_usage.md'), 'utf8');
    expect(text).toContain('**Total Estimated Cost**');
  });
});
