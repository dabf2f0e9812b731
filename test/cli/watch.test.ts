import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { bin, tempDir, tokj } from '../helpers.js';
import { requirement } from '../requirements.js';

const hasTmux = (await execa('tmux', ['-V'], { reject: false })).exitCode === 0;
const tmux = requirement('the terminal test of status --watch', hasTmux ? null : 'tmux is not installed (Debian: apt-get install -y tmux)');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('status --watch', () => {
  it('prints plain snapshots when stdout is not a terminal', async () => {
    const cwd = tempDir();
    await tokj(cwd, ['init', 'w', 'openai', 'gpt-4o', '--budget', '0.02', '-q']);
    await tokj(cwd, ['record', '3000', '500']);
    const r = await tokj(cwd, ['status', '--watch', '--count', '2']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout.match(/^w {2}1 call {2}3,500 tokens {2}\$0\.0125$/gm)).toHaveLength(2);
    expect(r.stdout).toContain('budget [###############.........] $0.0125 of $0.02');
  });

  it.skipIf(tmux.skip)('redraws in a terminal as calls arrive and quits on q (tmux)', async () => {
    tmux.check();
    const cwd = tempDir();
    await tokj(cwd, ['init', 'w', 'openai', 'gpt-4o', '--budget', '0.02', '-q']);
    const name = `tokj-watch-${process.pid}`;
    await execa('tmux', ['new-session', '-d', '-s', name, '-x', '100', '-y', '20', `cd ${cwd} && NO_COLOR=1 node ${bin} status --watch`]);
    const capture = async (): Promise<string> => (await execa('tmux', ['capture-pane', '-p', '-t', name])).stdout;
    // Poll the screen (bounded): a loaded machine may take a while to start and redraw.
    const waitFor = async (text: string): Promise<string> => {
      let screen = '';
      for (let i = 0; i < 100 && !screen.includes(text); i++) {
        await sleep(100);
        screen = await capture();
      }
      return screen;
    };
    try {
      expect(await waitFor('(q to quit)')).toContain('w  0 calls');
      await tokj(cwd, ['record', '2000', '900', 'anthropic', 'claude-sonnet-4-20250514', '--agent', 'coder']);
      const screen = await waitFor('agent coder');
      expect(screen).toContain('w  1 call  2,900 tokens  $0.0195');
      expect(screen).toContain('agent coder: 1 call, $0.0195');
      expect(screen).toContain('(q to quit)');
      await execa('tmux', ['send-keys', '-t', name, 'q']);
      let alive = true;
      for (let i = 0; i < 50 && alive; i++) {
        await sleep(100);
        alive = (await execa('tmux', ['has-session', '-t', name], { reject: false })).exitCode === 0;
      }
      expect(alive).toBe(false);
    } finally {
      await execa('tmux', ['kill-session', '-t', name], { reject: false });
    }
  });
});
