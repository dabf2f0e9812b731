/**
 * The rough edges a new user met first (issue 14), each through the built binary in a temp
 * dir: where init puts the journal, what --dir means, a model typed where the provider goes,
 * a misspelt model, a terminal with nothing piped, wrap without --, a second active session,
 * a budget overrun in status, plurals, and the demo's clock.
 */
import { execa } from 'execa';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, ledgerLines, repoRoot, snapshotFiles, tempDir, tokj } from '../helpers.js';
import { requirement } from '../requirements.js';

const NOW = { TOKJ_NOW: '2026-11-24T09:00:00Z' };
const calls = (root: string) => ledgerLines(root).filter((l) => l.type === 'call');

describe('where the journal goes', () => {
  it('init in a subfolder of a git repository uses the repository root', async () => {
    const repo = tempDir();
    await execa('git', ['init', '-q'], { cwd: repo });
    const sub = path.join(repo, 'src', 'deep');
    mkdirSync(sub, { recursive: true });
    const r = await tokj(sub, ['init', 's', 'openai', 'gpt-4o', '-q']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(path.join(repo, '.ai_workflow', 'monitoring', 'sessions', 's.md'))).toBe(true);
    expect(readdirSync(sub)).toEqual([]);
    // Later commands from anywhere in the repository find it.
    expect((await tokj(path.join(repo, 'src'), ['record', '1500', '800'])).exitCode).toBe(0);
    expect(calls(path.join(repo, '.ai_workflow'))).toHaveLength(1);
  });

  it('a worktree or submodule, where .git is a file, counts as a repository root too', async () => {
    const repo = tempDir();
    writeFileSync(path.join(repo, '.git'), 'gitdir: /elsewhere/.git/worktrees/x\n');
    const sub = path.join(repo, 'pkg');
    mkdirSync(sub);
    expect((await tokj(sub, ['init', 's', '-q'])).exitCode).toBe(0);
    expect(readdirSync(repo).sort()).toEqual(['.ai_workflow', '.git', 'pkg']);
    expect(readdirSync(sub)).toEqual([]);
  });

  it('outside a repository, init uses the current directory', async () => {
    const cwd = tempDir();
    expect((await tokj(cwd, ['init', 's', '-q'])).exitCode).toBe(0);
    expect(readdirSync(cwd)).toEqual(['.ai_workflow']);
  });

  it('--dir naming a project that holds .ai_workflow uses that journal', async () => {
    const project = tempDir();
    expect((await tokj(project, ['init', 's', 'openai', 'gpt-4o', '-q'])).exitCode).toBe(0);
    const elsewhere = tempDir();
    const r = await tokj(elsewhere, ['record', '1500', '800', '--dir', project]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(calls(path.join(project, '.ai_workflow'))).toHaveLength(1);
    expect((await tokj(elsewhere, ['status'], { env: { TOKJ_DIR: project } })).stdout).toContain('1 call,');
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('status --dir <project> without a journal suggests an init that creates <project>/.ai_workflow, and never writes into the project root', async () => {
    const project = tempDir();
    writeFileSync(path.join(project, 'package.json'), '{}\n');
    const before = snapshotFiles(project);
    const status = await tokj(tempDir(), ['status', '--dir', project]);
    expect(status.exitCode).toBe(2);
    const journal = path.join(project, '.ai_workflow');
    expect(status.stderr).toBe(`tokj: no journal at ${journal}: run \`tokj init --dir ${journal}\` first (or point --dir / TOKJ_DIR at a project with an .ai_workflow, or at the .ai_workflow directory)`);
    expect(snapshotFiles(project)).toEqual(before);
    // The suggestion works: the journal's files (.gitattributes, README.md …) go into
    // .ai_workflow, none into the project.
    expect((await tokj(tempDir(), ['init', 's', '-q', '--dir', journal])).exitCode).toBe(0);
    expect(readdirSync(project).sort()).toEqual(['.ai_workflow', 'package.json']);
    expect(existsSync(path.join(journal, '.gitattributes'))).toBe(true);
    // So does naming the project itself.
    const other = tempDir();
    writeFileSync(path.join(other, 'package.json'), '{}\n');
    expect((await tokj(tempDir(), ['init', 's', '-q', '--dir', other])).exitCode).toBe(0);
    expect(readdirSync(other).sort()).toEqual(['.ai_workflow', 'package.json']);
    expect(existsSync(path.join(other, '.ai_workflow', '.gitattributes'))).toBe(true);
  });

  it('--dir naming the .ai_workflow directory itself, or a new path, is the journal as before', async () => {
    const base = tempDir();
    const named = path.join(base, 'journals', 'team');
    expect((await tokj(base, ['init', 's', '-q', '--dir', named])).exitCode).toBe(0);
    expect(existsSync(path.join(named, 'monitoring', 'sessions', 's.md'))).toBe(true);
    // An existing journal under its own name stays one.
    expect((await tokj(base, ['record', '1', '1', 'openai', 'gpt-4o', '--dir', named])).exitCode).toBe(0);
    expect(calls(named)).toHaveLength(1);
  });
});

describe('a model where the provider goes', () => {
  it('record 1000 100 gpt-4o is openai/gpt-4o, priced', async () => {
    const cwd = tempDir();
    await tokj(cwd, ['init', 's', '-q']);
    const r = await tokj(cwd, ['record', '1000', '100', 'gpt-4o', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    // 1,000 x $2.50/1M + 100 x $10/1M
    expect(JSON.parse(r.stdout)).toMatchObject({ provider: 'openai', model: 'gpt-4o', cost_usd: '0.0035' });
  });

  it('init s claude-sonnet-4-5 starts an anthropic session', async () => {
    const cwd = tempDir();
    const r = await tokj(cwd, ['init', 's', 'claude-sonnet-4-5']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('Started session s (anthropic/claude-sonnet-4-5)');
    expect(ledgerLines(path.join(cwd, '.ai_workflow'))[0]).toMatchObject({ type: 'session_start', provider: 'anthropic', model: 'claude-sonnet-4-5' });
  });

  it('a model several providers sell is refused with the form to type, nothing written', async () => {
    const cwd = tempDir();
    await tokj(cwd, ['init', 's', '-q']);
    await tokj(cwd, ['status']); // caches the parsed config in .state/, as any record does first
    const before = snapshotFiles(cwd);
    const r = await tokj(cwd, ['record', '1000', '100', 'gemini-2.5-flash']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('tokj: gemini-2.5-flash is a model more than one provider sells (gemini, vertex_ai): name the provider before it, e.g. tokj record 1000 100 gemini gemini-2.5-flash');
    expect(snapshotFiles(cwd)).toEqual(before);
    const init = await tokj(tempDir(), ['init', 't', 'gemini-2.5-flash']);
    expect(init.exitCode).toBe(2);
    expect(init.stderr).toContain('e.g. tokj init t gemini gemini-2.5-flash');
  });

  it('a misspelt model alone is refused with "did you mean", nothing written', async () => {
    const cwd = tempDir();
    await tokj(cwd, ['init', 's', 'openai', 'gpt-4o', '-q']);
    await tokj(cwd, ['status']); // caches the parsed config in .state/, as any record does first
    const before = snapshotFiles(cwd);
    const r = await tokj(cwd, ['record', '1000', '100', 'gpt4o']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('tokj: gpt4o is neither a provider nor a model in the price table; did you mean the model gpt-4o? (tokj record 1000 100 openai gpt-4o) The form is tokj record 1000 100 PROVIDER MODEL.');
    expect(snapshotFiles(cwd)).toEqual(before);
  });

  it('a provider of one’s own (the session’s, or close to nothing known) is still a provider', async () => {
    const cwd = tempDir();
    await tokj(cwd, ['init', 's', 'acme', 'house-model-7', '-q']);
    const r = await tokj(cwd, ['record', '10', '5', 'acme', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ provider: 'acme', model: 'house-model-7', cost_usd: null });
  });

  it('an unknown model is recorded unpriced, and stderr says: did you mean, how to add a price', async () => {
    const cwd = tempDir();
    await tokj(cwd, ['init', 's', '-q']);
    const r = await tokj(cwd, ['record', '1000', '100', 'openai', 'gpt4o', '--json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ provider: 'openai', model: 'gpt4o', cost_usd: null });
    expect(r.stderr).toBe(
      'warning: no price for openai/gpt4o (price table: LiteLLM 2026-07-24); recorded as unpriced. Did you mean gpt-4o? To price gpt4o, add a row to the "Custom Prices" table in .ai_workflow/monitoring/token_collection_config.md (Provider, Model, Input $/1M, Output $/1M).',
    );
  });
});

const hasTmux = (await execa('tmux', ['-V'], { reject: false })).exitCode === 0;
const tmux = requirement('the terminal tests of auto-collect and count', hasTmux ? null : 'tmux is not installed (Debian: apt-get install -y tmux)');

describe('a terminal with nothing piped', () => {
  /** Runs `tokj ARGS; echo EXIT=$?` in a tmux pane (stdin a terminal) and returns the screen once it exited. */
  async function inTerminal(cwd: string, args: string): Promise<string> {
    const name = `tokj-forgiving-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    await execa('tmux', ['new-session', '-d', '-s', name, '-x', '200', '-y', '30', `cd ${cwd} && node ${bin} ${args}; echo EXIT=$?; sleep 30`]);
    try {
      let screen = '';
      // Polls the screen (bounded): a loaded machine may take a while to start node.
      for (let i = 0; i < 150 && !/EXIT=\d+/.test(screen); i++) {
        await new Promise((r) => setTimeout(r, 100));
        screen = String((await execa('tmux', ['capture-pane', '-p', '-J', '-t', name])).stdout);
      }
      return screen;
    } finally {
      await execa('tmux', ['kill-session', '-t', name], { reject: false });
    }
  }

  it.skipIf(tmux.skip)('auto-collect exits 2 with how to pipe, instead of waiting (tmux)', async () => {
    tmux.check();
    const cwd = tempDir();
    await tokj(cwd, ['init', 's', '-q']);
    const before = snapshotFiles(cwd);
    const screen = await inTerminal(cwd, 'auto-collect');
    expect(screen).toContain('tokj: auto-collect reads provider responses from standard input, and nothing is piped into it (it is this terminal).');
    expect(screen).toContain('`curl -sS … | tokj auto-collect`');
    expect(screen).toMatch(/^EXIT=2$/m);
    expect(snapshotFiles(cwd)).toEqual(before);
  });

  it.skipIf(tmux.skip)('count too (tmux)', async () => {
    tmux.check();
    const screen = await inTerminal(tempDir(), 'count');
    expect(screen).toContain('`echo "hello" | tokj count`');
    expect(screen).toMatch(/^EXIT=2$/m);
  });

  it('piped input is read as before', async () => {
    const cwd = tempDir();
    await tokj(cwd, ['init', 's', '-q']);
    const input = readFileSync(path.join(repoRoot, 'test/fixtures/responses/openai-chat-basic.json'), 'utf8');
    const r = await tokj(cwd, ['auto-collect', '--json'], { input });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ model: 'gpt-4.1-nano-2025-04-14', input_tokens: 16, output_tokens: 363 });
  });
});

describe('wrap without --', () => {
  const fixture = path.join(repoRoot, 'test/fixtures/responses/openai-chat-basic.json');

  it('is refused when the command has options, with the line to type (exit 2, nothing run or written)', async () => {
    const cwd = tempDir();
    await tokj(cwd, ['init', 's', '-q']);
    const before = snapshotFiles(cwd);
    const r = await tokj(cwd, ['wrap', '--agent', 'fetcher', 'tail', '-n', '+1', fixture]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`tokj: wrap: -n would be read as an option of tokj wrap, not of tail: put -- before the command: tokj wrap --agent fetcher -- tail -n +1 ${fixture}`);
    expect(snapshotFiles(cwd)).toEqual(before);
    // Options of tokj's own (--json) after the command are the command's too: refused, not taken.
    const json = await tokj(cwd, ['wrap', 'tail', '--json', fixture]);
    expect(json.exitCode).toBe(2);
    expect(json.stderr).toContain('put -- before the command: tokj wrap -- tail --json');
  });

  it('runs what the message says', async () => {
    const cwd = tempDir();
    await tokj(cwd, ['init', 's', '-q']);
    const r = await tokj(cwd, ['wrap', '--agent', 'fetcher', '--', 'tail', '-n', '+1', fixture]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(fixture, 'utf8').replace(/\n$/, ''));
    // gpt-4.1-nano at $0.10/$0.40 per 1M: 16 x 0.0000001 + 363 x 0.0000004
    expect(calls(path.join(cwd, '.ai_workflow'))).toMatchObject([{ agent: 'fetcher', model: 'gpt-4.1-nano-2025-04-14', input_tokens: 16, output_tokens: 363, cost_usd: '0.0001468' }]);
    // A command without options needs no --.
    expect((await tokj(cwd, ['wrap', 'cat', fixture])).exitCode).toBe(0);
  });
});

describe('a second active session', () => {
  it('init warns that a bare record now needs --session, naming the sessions', async () => {
    const cwd = tempDir();
    await tokj(cwd, ['init', 'first', 'openai', 'gpt-4o', '-q']);
    const r = await tokj(cwd, ['init', 'second', 'openai', 'gpt-4o', '-q']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('second');
    expect(r.stderr).toBe(
      'warning: 1 other session is active (first): a bare `tokj record` now fails as ambiguous. Name the session: `tokj record … --session second`, or export TOKJ_SESSION=second (`eval "$(tokj init --export …)"` does it).',
    );
    // As it says:
    expect((await tokj(cwd, ['record', '1', '1'])).exitCode).toBe(2);
    expect((await tokj(cwd, ['record', '1', '1', '--session', 'second'])).exitCode).toBe(0);
    // --export sets TOKJ_SESSION in the caller's shell: nothing to warn about.
    const exported = await tokj(cwd, ['init', '--export', 'third', '-q']);
    expect(exported.stderr).toBe('');
    const fourth = await tokj(cwd, ['init', 'fourth', '-q']);
    expect(fourth.stderr).toContain('warning: 3 other sessions are active (first, second, third)');
  });
});

describe('status', () => {
  it('shows budget used and how far over, for the session and the journal’s daily budget', async () => {
    const cwd = tempDir();
    await tokj(cwd, ['init', 's', 'openai', 'gpt-4o', '--budget', '1.00', '-q'], { env: NOW });
    expect((await tokj(cwd, ['config', 'set', 'budget.daily', '25'])).exitCode).toBe(0);
    // 440,000 input tokens at $2.50/1M: $1.10
    expect((await tokj(cwd, ['record', '440000', '0'], { env: NOW })).exitCode).toBe(0);
    const r = await tokj(cwd, ['status'], { env: NOW });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.split('\n').slice(1)).toEqual([
      '  1 call, 440,000 in / 0 out, $1.10',
      '  budget $1.00 — used $1.10 (110%), over by $0.10',
      '  daily budget $25.00 (2026-11-24) — used $1.10 (4.4%), $23.90 left',
      '  by model:',
      '    openai/gpt-4o: 1 call, 440,000 tokens, $1.10',
      '  by agent:',
      '    (none): 1 call, 440,000 tokens, $1.10',
    ]);
    const j = JSON.parse((await tokj(cwd, ['status', '--json'], { env: NOW })).stdout);
    expect(j.budgets).toEqual([
      { scope: 'session', label: 's', spent_usd: '1.1', limit_usd: '1', percent: '110.0', state: 'exceeded' },
      { scope: 'day', label: '2026-11-24', spent_usd: '1.1', limit_usd: '25', percent: '4.4', state: 'ok' },
    ]);
  });
});

describe('plurals', () => {
  it('say 1 call and 2 calls', async () => {
    const cwd = tempDir();
    await tokj(cwd, ['init', 's', 'openai', 'gpt-4o', '-q']);
    await tokj(cwd, ['record', '1', '0']);
    expect((await tokj(cwd, ['status'])).stdout).toContain('\n  1 call, 1 in / 0 out,');
    expect((await tokj(cwd, ['status'])).stdout).toContain('openai/gpt-4o: 1 call, 1 token, $0.0000025');
    await tokj(cwd, ['record', '1', '0']);
    expect((await tokj(cwd, ['finalize'])).stdout).toContain('Finalized s (completed): 2 calls, 2 tokens, $0.000005');
  });
});

describe('the demo clock', () => {
  it('writes no timestamp after TOKJ_NOW', async () => {
    const cwd = tempDir();
    expect((await tokj(cwd, ['demo', '.'], { env: NOW })).exitCode).toBe(0);
    const stamps = ledgerLines(path.join(cwd, '.ai_workflow')).map((l) => String(l.timestamp));
    expect(stamps.at(-1)).toBe('2026-11-24T09:00:00.000Z');
    expect(stamps.filter((t) => t > '2026-11-24T09:00:00.000Z')).toEqual([]);
  });

  it('writes no timestamp in the future on the real clock', async () => {
    const cwd = tempDir();
    expect((await tokj(cwd, ['demo', '.'])).exitCode).toBe(0);
    const after = new Date().toISOString();
    const stamps = ledgerLines(path.join(cwd, '.ai_workflow')).map((l) => String(l.timestamp));
    expect(stamps).toHaveLength(11); // 2 session starts, 7 calls, 2 ends
    expect(stamps.filter((t) => t > after)).toEqual([]);
  });
});
