import { execa } from 'execa';
import { copyFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMd, tableIn, tempDir, tokj } from '../helpers.js';

const git = (cwd: string, ...args: string[]) => execa('git', args, { cwd, env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });

describe('journals shared across machines through git', () => {
  it('merges two hosts without conflicts and totals both after tokj rebuild', async () => {
    const base = tempDir();
    const origin = path.join(base, 'origin');
    await execa('git', ['init', '-q', '-b', 'main', origin]);
    await tokj(origin, ['init', 'setup', 'openai', 'gpt-4o', '-q'], { env: { TOKJ_HOST: 'hostA' } });
    await tokj(origin, ['finalize', '--session', 'setup'], { env: { TOKJ_HOST: 'hostA' } });
    await git(origin, 'add', '-A');
    await git(origin, 'commit', '-qm', 'journal');
    const a = path.join(base, 'a');
    const b = path.join(base, 'b');
    await execa('git', ['clone', '-q', origin, a]);
    await execa('git', ['clone', '-q', origin, b]);
    // Each host records its own sessions (and one shared-name-free session each).
    await tokj(a, ['init', 'on-a', 'openai', 'gpt-4o', '-q'], { env: { TOKJ_HOST: 'hostA' } });
    await tokj(a, ['record', '1500', '800'], { env: { TOKJ_HOST: 'hostA' } });
    await tokj(b, ['init', 'on-b', 'anthropic', 'claude-sonnet-4-20250514', '-q'], { env: { TOKJ_HOST: 'hostB' } });
    await tokj(b, ['record', '1200', '300'], { env: { TOKJ_HOST: 'hostB' } });
    await tokj(b, ['record', '100', '50'], { env: { TOKJ_HOST: 'hostB' } });
    for (const clone of [a, b]) {
      await git(clone, 'add', '-A');
      await git(clone, 'commit', '-qm', 'work');
    }
    const pull = await git(a, 'pull', '-q', '--no-rebase', '--no-edit', b, 'main');
    expect(pull.exitCode).toBe(0);
    expect(readdirSync(path.join(a, '.ai_workflow/monitoring/ledger')).sort()).toEqual(['2026-11.hostA.jsonl', '2026-11.hostB.jsonl'].map((f) => f.replace('2026-11', new Date().toISOString().slice(0, 7))).sort());
    const rebuilt = await tokj(a, ['rebuild'], { env: { TOKJ_HOST: 'hostA' } });
    expect(rebuilt.exitCode, rebuilt.stderr).toBe(0);
    const journal = readMd(path.join(a, '.ai_workflow/work_journal/token_usage.md'));
    // gpt-4o 1500/800 = 0.01175; sonnet-4 1200/300 = 0.0081 and 100/50 = 0.00105
    expect(tableIn(journal, 'Usage Summary').at(-1)).toEqual(['TOTAL', '', '3', '3', '2,800', '1,150', '3,950', '1,317', '$0.0209']);
    expect(tableIn(journal, 'Recent Sessions').slice(1).map((r) => r[0]).sort()).toEqual(['on-a', 'on-b', 'setup']);
    expect((await tokj(a, ['doctor'], { env: { TOKJ_HOST: 'hostA' } })).exitCode).toBe(0);
    // and host A keeps recording into its own segment afterwards
    expect((await tokj(a, ['record', '10', '10', '--session', 'on-a'], { env: { TOKJ_HOST: 'hostA' } })).exitCode).toBe(0);
  });
  it('doctor --fix applies the lines another host\'s ledger brought, like any command', async () => {
    const [a, b] = [tempDir(), tempDir()];
    await tokj(a, ['init', 'on-a', 'openai', 'gpt-4o', '-q'], { env: { TOKJ_HOST: 'hostA' } });
    await tokj(b, ['init', 'on-b', 'openai', 'gpt-4o', '-q'], { env: { TOKJ_HOST: 'hostB' } });
    await tokj(b, ['record', '1500', '800'], { env: { TOKJ_HOST: 'hostB' } });
    // git pull brings B's segment, not B's markdown
    const segment = readdirSync(path.join(b, '.ai_workflow/monitoring/ledger'))[0]!;
    copyFileSync(path.join(b, '.ai_workflow/monitoring/ledger', segment), path.join(a, '.ai_workflow/monitoring/ledger', segment));
    const doctor = await tokj(a, ['doctor'], { env: { TOKJ_HOST: 'hostA' } });
    expect(doctor.stdout).toContain('2 ledger lines are not applied yet');
    const fixed = await tokj(a, ['doctor', '--fix'], { env: { TOKJ_HOST: 'hostA' } });
    expect(fixed.exitCode, fixed.stderr).toBe(0);
    expect(fixed.stderr).toBe('doctor --fix: applied 2 ledger lines');
    expect(fixed.stdout).toBe('Journal is consistent: ledger, derived state and markdown agree.');
    const journal = readMd(path.join(a, '.ai_workflow/work_journal/token_usage.md'));
    expect(tableIn(journal, 'Recent Sessions').slice(1).map((r) => [r[0], r[4], r[6]])).toEqual([['on-a', '0', '$0.0000'], ['on-b', '1', '$0.0118']]);
  });
});
