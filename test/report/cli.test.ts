import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { progressBar } from '../../src/cli/progress.js';
import { readMd, tableIn, tokj } from '../helpers.js';
import { callLine, journalWith } from './helpers.js';

describe('progress bar', () => {
  it('stays silent for the first second, then draws at most 10 times a second, and clears itself', () => {
    let now = 0;
    const written: string[] = [];
    const bar = progressBar((s) => written.push(s), () => now);
    bar.update(10, 100);
    now = 999;
    bar.update(20, 100);
    expect(written).toEqual([]);
    now = 1000;
    bar.update(50, 100);
    now = 1050;
    bar.update(60, 100);
    now = 1100;
    bar.update(100, 100);
    expect(written).toEqual([`\rtokj report [${'#'.repeat(15)}${'-'.repeat(15)}] 50% of 0 MiB`, `\rtokj report [${'#'.repeat(30)}] 100% of 0 MiB`]);
    bar.done();
    expect(written.at(-1)).toBe('\r\x1b[K');
  });

  it('leaves no trace on a quick run', () => {
    const written: string[] = [];
    const bar = progressBar((s) => written.push(s), () => 0);
    bar.update(1, 1);
    bar.done();
    expect(written).toEqual([]);
  });
});

describe('tokj report (the built binary)', () => {
  const cwd = journalWith({
    '2026-11.jsonl': [
      callLine({ session: 'b', timestamp: '2026-11-23T23:30:00.000Z', provider: 'openai', model: 'gpt-4o', input: 1000, output: 500, cost: '0.0075' }),
      callLine({ session: 'b', timestamp: '2026-11-24T10:00:00.000Z', provider: 'ollama', model: 'llama3', input: 10, output: 5, cost: null }),
    ],
  });
  const env = { TOKJ_NOW: '2026-11-24T09:00:00Z', TZ: 'UTC' };

  it('prints JSON, honouring --tz', async () => {
    const r = await tokj(cwd, ['report', '--format', 'json', '--tz', 'Asia/Tokyo', '--period', 'daily'], { env });
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.timezone).toBe('Asia/Tokyo');
    expect(j.periods.map((p: { period: string; calls: number }) => [p.period, p.calls])).toEqual([['2026-11-24', 2]]);
    expect(j.summary).toMatchObject({ calls: 2, total_cost_usd: '0.0075', unpriced_calls: 1 });
  });

  it('writes the markdown report and prints its path', async () => {
    const r = await tokj(cwd, ['report', '--period', 'daily'], { env });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(path.join('.ai_workflow', 'monitoring', 'reports', 'usage_report_20261124.md'));
    expect(tableIn(readMd(path.join(cwd, r.stdout)), 'Usage by Period')).toHaveLength(3);
  });

  it('exits 2 on bad flags', async () => {
    for (const args of [['--period', 'hourly'], ['--tz', 'Nowhere/Land'], ['--since', '2026-02-30'], ['--nope']]) {
      const r = await tokj(cwd, ['report', ...args], { env });
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    }
  });

  it('has help with examples', async () => {
    const r = await tokj(cwd, ['report', '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('--period <period>');
    expect(r.stdout).toContain('Examples:');
  });
});
