import { execa } from 'execa';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { ledgerLines, repoRoot, tempDir, tokj } from '../helpers.js';

describe('a CLI that feels finished', () => {
  it('--version and help with examples on every command', async () => {
    const cwd = tempDir();
    expect((await tokj(cwd, ['--version'])).stdout).toBe(pkg.version);
    for (const cmd of [['init'], ['record'], ['finalize'], ['status'], ['auto-collect'], ['monitor'], ['budget', 'check'], ['config', 'set'], ['doctor'], ['import'], ['metrics'], ['completion']]) {
      const r = await tokj(cwd, [...cmd, '--help']);
      expect(r.exitCode, cmd.join(' ')).toBe(0);
      expect(r.stdout, cmd.join(' ')).toContain('Examples:');
    }
  });

  it('bash completion completes commands and options', async () => {
    const script = (await tokj(tempDir(), ['completion', 'bash'])).stdout;
    const probe = async (words: string[]): Promise<string> =>
      (await execa('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}; _tokj; echo "\${COMPREPLY[*]}"`])).stdout;
    expect(await probe(['tokj', 'recor'])).toBe('record');
    expect(await probe(['tokj', 'rec'])).toBe('record reconcile');
    expect(await probe(['tokj', 'record', '--cache-'])).toBe('--cache-read --cache-write');
    expect(await probe(['tokj', 'budget', 'ch'])).toBe('check');
    expect((await tokj(tempDir(), ['completion', 'fish'])).stdout).toContain("complete -c tokj -n '__fish_use_subcommand' -a record");
    expect((await tokj(tempDir(), ['completion', 'tcsh'])).exitCode).toBe(2);
  });

  it('examples/agent.sh runs a whole agent loop against a loopback fixture server', async () => {
    const cwd = tempDir();
    const r = await execa('bash', [path.join(repoRoot, 'examples/agent.sh')], { cwd, env: { SESSION: 'example', TOKJ_DIR: path.join(cwd, '.ai_workflow') }, reject: false });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const status = JSON.parse(String(r.stdout).split('\n').at(-1)!);
    // five canned responses recorded; the provider error recorded nothing and failed the session.
    // $0.0097928 = $0.0072928 of tokens + one file_search call ($2.50 per 1,000) in
    // openai-responses-cached-reasoning.json.
    expect(status).toMatchObject({ session: 'example', status: 'failed', totals: { calls: 5, input_tokens: 4254, output_tokens: 1454, cost_usd: '0.0097928' } });
    expect(ledgerLines(path.join(cwd, '.ai_workflow')).filter((l) => l.type === 'call')).toHaveLength(5);
  });
});
