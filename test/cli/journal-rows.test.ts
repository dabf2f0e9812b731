/**
 * A session's row in its month log and in the main journal's Recent Sessions is patched in
 * place without a span per row in the view cache: it is found by its first cell. Ids that are prefixes of each other, one equal to
 * the column's header, and one the serializer escapes must each patch their own row.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { monthLogRows, readMd, tableIn, tempDir, tokj } from '../helpers.js';

describe('session rows in the month log and Recent Sessions', () => {
  it('each record patches its own session row, found by its first cell', async () => {
    const cwd = tempDir();
    const ids = ['s1', 's10', 's100', 'Session', 'a_b_c', 's1.x'];
    for (const id of ids) expect((await tokj(cwd, ['init', id, 'openai', 'gpt-4o', '-q'])).exitCode).toBe(0);
    // Records in an order that visits later rows first; each adds 1,500 + 800 tokens.
    const order = ['s100', 's1', 'a_b_c', 's10', 'Session', 's1', 's1.x', 's100', 's1'];
    for (const id of order) {
      const r = await tokj(cwd, ['record', '1500', '800', '--session', id]);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const journal = path.join(cwd, '.ai_workflow', 'work_journal', 'token_usage.md');
    for (const rows of [tableIn(readMd(journal), 'Recent Sessions').slice(1), monthLogRows(path.join(cwd, '.ai_workflow'))]) {
      expect(rows.map((r) => r[0])).toEqual(ids);
      const calls = Object.fromEntries(rows.map((r) => [r[0], r[4]]));
      expect(calls).toEqual({ s1: '3', s10: '1', s100: '2', Session: '1', a_b_c: '1', 's1.x': '1' });
    }
    // The view caches keep each table's span, not one per row.
    const state = JSON.parse(readFileSync(path.join(cwd, '.ai_workflow', 'monitoring', '.state', 'journal.json'), 'utf8'));
    for (const view of [state.view, ...Object.values(state.month_views)] as Array<{ regions: Record<string, unknown> }>) {
      expect(Object.keys(view.regions).filter((k) => k.includes('/'))).toEqual([]);
    }
    expect((await tokj(cwd, ['doctor'])).exitCode).toBe(0);
  });
});
