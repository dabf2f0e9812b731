/** `tokj import --from claude-code|seed-markdown` through the built binary. */
import { appendFileSync, cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { ledgerLines, readMd, snapshotFiles, tableIn, tempDir, tokj } from '../helpers.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const CLAUDE = path.join(FIXTURES, 'claude');
const SEED = path.join(FIXTURES, 'seed', 'token_usage.md');

const calls = (root: string) => ledgerLines(root).filter((l) => l.type === 'call');
const sum = (values: unknown[]) => values.reduce<Big>((s, v) => s.plus(typeof v === 'string' ? v : 0), new Big(0)).toString();

describe('tokj import --from claude-code', () => {
  it('records each API response once, priced (1-hour cache writes included) or at its logged cost', async () => {
    const cwd = tempDir();
    const r = await tokj(cwd, ['import', '--from', 'claude-code', CLAUDE, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ imported: 10, duplicates: 0, sessions: 3, sessions_created: 3 });
    // the torn line and the hand-edited one are reported, not fatal
    expect(r.stderr).toMatch(/skipped 1 line not JSON/);
    expect(r.stderr).toMatch(/skipped 1 line with token counts that are not whole numbers/);
    const root = path.join(cwd, '.ai_workflow');
    const recorded = calls(root);
    expect(recorded.map((c) => [c.request_id, c.cost_usd])).toEqual([
      ['msg_01ApiC1aaaaaaaaaaaaaaaaa', '0.00525'],
      ['msg_01ApiC2bbbbbbbbbbbbbbbbb:req_011ApiC2bbbbbbbbbbbbbbb', '0.0309375'],
      ['uuid:c0000004-0000-4000-8000-000000000004', '0.00027'],
      ['msg_01ApiD1ccccccccccccccccc:req_011ApiD1ccccccccccccccc', '0.00555'],
      ['msg_01WebA1xKq7Hj2Lm9Np3Rs5Tv:req_011CWebA1aBcDeFgHiJkLmNo', '0.018189'],
      ['msg_01WebA2pQr8St1Uv4Wx6Yz8Ab:req_011CWebA2bCdEfGhIjKlMnOp', '0.0086916'],
      ['msg_01WebA3cDe9Fg2Hi5Jk7Lm9No:req_011CWebA3cDeFgHiJkLmNoPq', '0.022781'],
      ['msg_01WebA5eFg1Hi3Jk5Lm7No9Pq:req_011CWebA5eFgHiJkLmNoPqRs', '0.145935'],
      ['msg_01SubB1gHi2Jk4Lm6No8Pq0Rs:req_011CSubB1gHiJkLmNoPqRsTu', '0.016236'],
      ['msg_01SubB2hIj3Kl5Mn7Op9Qr1St:req_011CSubB2hIjKlMnOpQrStUv', '0.0032565'],
    ]);
    expect(sum(recorded.map((c) => c.cost_usd))).toBe('0.2570966');
    expect(recorded.reduce((s, c) => s + (c.input_tokens as number), 0)).toBe(112_062);
    expect(recorded.reduce((s, c) => s + (c.output_tokens as number), 0)).toBe(2_040);
    expect(recorded.find((c) => c.model === 'claude-haiku-4-5-20251001')).toMatchObject({ agent: 'Explore', cache_write_1h_tokens: 9_907, reasoning_tokens: 49, labels: { project: '/home/dev/code/webapp' } });
    const journal = readMd(path.join(root, 'work_journal', 'token_usage.md'));
    expect(tableIn(journal, 'Recent Sessions').slice(1).map((row) => row.slice(0, 3))).toEqual([
      ['5f6e7d8c-2222-4b3a-9c8d-00000000000c', '2025-06-10 14:00:00 UTC', 'completed'],
      ['6a7b8c9d-3333-4c4d-8e9f-00000000000d', '2025-06-11 08:30:04 UTC', 'completed'],
      ['0a1b2c3d-1111-4a5b-8c9d-00000000000a', '2026-03-02 09:00:03 UTC', 'completed'],
    ]);
  });

  it('records nothing new when the same logs are imported again, and reads only what changed', async () => {
    const cwd = tempDir();
    const logs = path.join(tempDir(), 'claude');
    cpSync(CLAUDE, logs, { recursive: true });
    await tokj(cwd, ['import', '--from', 'claude-code', logs]);
    const root = path.join(cwd, '.ai_workflow');
    const before = snapshotFiles(path.join(root, 'monitoring', 'ledger'));
    // Unchanged transcripts are not read again (a daily import of big logs).
    const again = await tokj(cwd, ['import', '--from', 'claude-code', logs, '--json']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ imported: 0, duplicates: 0, sessions: 0, sessions_created: 0, unchanged_transcripts: 4, held_back: 0 });
    const text = await tokj(cwd, ['import', '--from', 'claude-code', logs]);
    expect(text.stdout).toBe('Imported 0 calls: 4 transcripts unchanged since the last import (not read again).');
    expect(snapshotFiles(path.join(root, 'monitoring', 'ledger'))).toEqual(before);
    // A transcript that changed is read again: its calls are already in the journal.
    const changed = readdirSync(path.join(logs, 'projects'), { recursive: true, withFileTypes: true }).find((e) => e.isFile() && e.name.endsWith('.jsonl'))!;
    const changedFile = path.join(changed.parentPath, changed.name);
    appendFileSync(changedFile, '\n');
    const third = await tokj(cwd, ['import', '--from', 'claude-code', logs, '--json']);
    expect(third.exitCode, third.stderr).toBe(0);
    expect(JSON.parse(third.stdout)).toMatchObject({ imported: 0, unchanged_transcripts: 3 });
    expect(JSON.parse(third.stdout).duplicates).toBeGreaterThan(0);
    expect(snapshotFiles(path.join(root, 'monitoring', 'ledger'))).toEqual(before);
    // A ledger deleted to start over: the memo no longer holds, every transcript is read.
    rmSync(path.join(root, 'monitoring', 'ledger'), { recursive: true });
    rmSync(path.join(root, 'monitoring', 'sessions'), { recursive: true });
    rmSync(path.join(root, 'work_journal'), { recursive: true });
    rmSync(path.join(root, 'monitoring', '.state', 'journal.json'));
    const fresh = await tokj(cwd, ['import', '--from', 'claude-code', logs, '--json']);
    expect(fresh.exitCode, fresh.stderr).toBe(0);
    expect(JSON.parse(fresh.stdout)).toMatchObject({ imported: 10, sessions: 3, unchanged_transcripts: 0 });
  });

  it('reads $CLAUDE_CONFIG_DIR (and ~/.claude) when no directory is given', async () => {
    const cwd = tempDir();
    const home = tempDir();
    const r = await tokj(cwd, ['import', '--from', 'claude-code', '--json'], { env: { HOME: home, CLAUDE_CONFIG_DIR: CLAUDE, XDG_CONFIG_HOME: path.join(home, '.config') } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ imported: 10, sessions: 3 });
  });

  it('says where it looked when there are no logs, and writes nothing', async () => {
    const cwd = tempDir();
    const home = tempDir();
    mkdirSync(path.join(home, '.claude'));
    const r = await tokj(cwd, ['import', '--from', 'claude-code'], { env: { HOME: home, CLAUDE_CONFIG_DIR: '', XDG_CONFIG_HOME: path.join(home, '.config') } });
    expect([2, 3]).toContain(r.exitCode);
    expect(r.stderr).toContain(path.join(home, '.claude'));
    expect(snapshotFiles(cwd)).toEqual({});
    const missing = await tokj(cwd, ['import', '--from', 'claude-code', path.join(cwd, 'nope')]);
    expect(missing.exitCode).toBe(2);
  });

  it('refuses an unknown source (exit 2)', async () => {
    const r = await tokj(tempDir(), ['import', '--from', 'cursor', '.']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/claude-code/);
  });
});

describe('tokj import --from seed-markdown', () => {
  it('migrates the bash scripts\' journal: one call per entry, priced by tokj', async () => {
    const cwd = tempDir();
    const r = await tokj(cwd, ['import', '--from', 'seed-markdown', SEED, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ imported: 6, sessions: 6, sessions_created: 6 });
    expect(r.stderr).toMatch(/Session 7 - openai gpt-4.*skipped/);
    const recorded = calls(path.join(cwd, '.ai_workflow'));
    expect(recorded.map((c) => [c.session, c.model, c.input_tokens, c.output_tokens])).toEqual([
      ['seed-1', 'GPT-4', 1500, 800],
      ['seed-2', 'Claude-3-Opus', 2200, 1500],
      ['seed-3', 'gpt-4o', 1500, 800],
      ['seed-4', 'claude-3-5-haiku-20241022', 4200, 350],
      ['seed-5', 'gpt-4o-mini', 3000, 1200],
      ['seed-6', 'gemini-1.5-pro', 1800, 950],
    ]);
    // gpt-4o at its real rates: 1,500 x $2.50/M + 800 x $10/M, not the journal's rounded $0.0117
    expect(recorded[2]).toMatchObject({ cost_usd: '0.01175', note: 'recorded cost $0.0117' });
    const again = await tokj(cwd, ['import', '--from', 'seed-markdown', SEED, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 0, duplicates: 6 });
  });

  it('defaults to .ai_workflow/work_journal/token_usage.md', async () => {
    const cwd = tempDir();
    const r = await tokj(cwd, ['import', '--from', 'seed-markdown']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(path.join('.ai_workflow', 'work_journal', 'token_usage.md'));
  });
});
