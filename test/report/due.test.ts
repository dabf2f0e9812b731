/**
 * `tokj report --due` through the built binary: every complete period with calls and no
 * report is written, and nothing else; a second run writes nothing and says so.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listIn, readMd, snapshotFiles, tableIn, tokj } from '../helpers.js';
import { callLine, journalWith } from './helpers.js';

const call = (timestamp: string, cost: string) => callLine({ session: 's', timestamp, provider: 'openai', model: 'gpt-4o', input: 1000, output: 100, cost });

/** Calls in ISO weeks 44, 45 (two), 47 and 48; none in week 46. */
const LEDGER = {
  '2026-10.test.jsonl': [call('2026-10-28T10:00:00.000Z', '0.01')],
  '2026-11.test.jsonl': [call('2026-11-03T10:00:00.000Z', '0.02'), call('2026-11-05T10:00:00.000Z', '0.03'), call('2026-11-18T10:00:00.000Z', '0.04'), call('2026-11-24T10:00:00.000Z', '0.05')],
};

const at = (now: string): Record<string, string> => ({ TOKJ_NOW: now, TZ: 'UTC' });
const reportsOf = (cwd: string): string[] => readdirSync(path.join(cwd, '.ai_workflow', 'monitoring', 'reports')).sort();
const rel = (name: string): string => path.join('.ai_workflow', 'monitoring', 'reports', name);

describe('tokj report --due', () => {
  it('writes every complete week with calls (report.frequency defaults to weekly), oldest first; a second run writes nothing', async () => {
    const cwd = journalWith(LEDGER);
    const first = await tokj(cwd, ['report', '--due'], { env: at('2026-11-25T09:00:00Z') });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout.split('\n')).toEqual([rel('usage_report_20261026_weekly.md'), rel('usage_report_20261102_weekly.md'), rel('usage_report_20261116_weekly.md')]);
    expect(first.stderr).toBe('');
    const md = readMd(path.join(cwd, rel('usage_report_20261102_weekly.md')));
    expect(listIn(md, 'Usage Report')).toMatchObject({ Period: 'weekly', 'Time Zone': 'UTC', Range: '2026-11-02 to 2026-11-08', Generated: '2026-11-25 09:00:00 UTC' });
    expect(tableIn(md, 'Usage by Period').slice(1)).toEqual([['2026-W45', '2', '2,000', '200', '2,200', '$0.0500', '0']]);

    const files = snapshotFiles(path.join(cwd, '.ai_workflow'));
    const second = await tokj(cwd, ['report', '--due'], { env: at('2026-11-25T18:00:00Z') });
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toBe('No reports due: every complete weekly period with calls up to 2026-11-24 has its report.');
    expect(snapshotFiles(path.join(cwd, '.ai_workflow'))).toEqual(files);

    // The next Monday the week of the 24th is complete: that one report, and no other.
    const monday = await tokj(cwd, ['report', '--due'], { env: at('2026-11-30T06:00:00Z') });
    expect(monday.stdout).toBe(rel('usage_report_20261123_weekly.md'));
    expect(reportsOf(cwd)).toEqual(['usage_report_20261026_weekly.md', 'usage_report_20261102_weekly.md', 'usage_report_20261116_weekly.md', 'usage_report_20261123_weekly.md']);
  });

  it('follows report.frequency from the config, and --period over it', async () => {
    const cwd = journalWith(LEDGER);
    expect((await tokj(cwd, ['config', 'set', 'report.frequency', 'monthly'], { env: at('2026-11-25T09:00:00Z') })).exitCode).toBe(0);
    const monthly = await tokj(cwd, ['report', '--due'], { env: at('2026-11-25T09:00:00Z') });
    expect(monthly.stdout).toBe(rel('usage_report_20261001_monthly.md'));
    expect(listIn(readMd(path.join(cwd, monthly.stdout)), 'Usage Report')).toMatchObject({ Period: 'monthly', Range: '2026-10-01 to 2026-10-31' });

    const daily = await tokj(cwd, ['report', '--due', '--period', 'daily'], { env: at('2026-11-25T09:00:00Z') });
    expect(daily.exitCode).toBe(0);
    expect(daily.stdout.split('\n')).toEqual(['20261028', '20261103', '20261105', '20261118', '20261124'].map((d) => rel(`usage_report_${d}_daily.md`)));
    expect(reportsOf(cwd)).toHaveLength(6);
  });

  it('counts a period complete once its end has passed in the report time zone', async () => {
    const cwd = journalWith(LEDGER);
    // Sunday 23:59:59 UTC: week 47 is not over yet.
    expect((await tokj(cwd, ['report', '--due', '--since', '2026-11-16'], { env: at('2026-11-22T23:59:59Z') })).stdout).toBe('No reports due: no complete weekly period up to 2026-11-21 had calls.');
    // Midnight UTC is still Sunday evening in New York.
    expect((await tokj(cwd, ['report', '--due', '--since', '2026-11-16', '--tz', 'America/New_York'], { env: at('2026-11-23T00:00:00Z') })).stdout).toBe('No reports due: no complete weekly period up to 2026-11-21 had calls.');
    expect((await tokj(cwd, ['report', '--due', '--since', '2026-11-16'], { env: at('2026-11-23T00:00:00Z') })).stdout).toBe(rel('usage_report_20261116_weekly.md'));
  });

  it('looks back 31 periods, says what it left out, and goes further with --since', async () => {
    const cwd = journalWith(LEDGER);
    const r = await tokj(cwd, ['report', '--due', '--period', 'daily'], { env: at('2026-12-30T09:00:00Z') });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('No reports due: no complete daily period up to 2026-12-29 had calls.');
    expect(r.stderr).toBe('note: 5 earlier daily periods with calls have no report (--due looks back 31 periods); to write them: tokj report --due --since 2026-10-28');
    const since = await tokj(cwd, ['report', '--due', '--period', 'daily', '--since', '2026-10-28'], { env: at('2026-12-30T09:00:00Z') });
    expect(since.stdout.split('\n')).toHaveLength(5);
    expect(since.stderr).toBe('');
  });

  it('writes each report once when two runs race', async () => {
    const cwd = journalWith(LEDGER);
    const runs = await Promise.all([0, 1].map(() => tokj(cwd, ['report', '--due', '--period', 'daily'], { env: at('2026-11-25T09:00:00Z') })));
    expect(runs.map((r) => r.exitCode)).toEqual([0, 0]);
    const written = runs.flatMap((r) => r.stdout.split('\n').filter((l) => l.startsWith('.ai_workflow')));
    expect(written.sort()).toEqual(['20261028', '20261103', '20261105', '20261118', '20261124'].map((d) => rel(`usage_report_${d}_daily.md`)));
    expect(reportsOf(cwd)).toHaveLength(5);
  });

  it('refuses what it cannot do, writing nothing (exit 2)', async () => {
    const cwd = journalWith(LEDGER);
    const before = snapshotFiles(cwd);
    for (const args of [['--format', 'json'], ['--output', 'x.md'], ['--period', 'session']]) {
      const r = await tokj(cwd, ['report', '--due', ...args], { env: at('2026-11-25T09:00:00Z') });
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(snapshotFiles(cwd)).toEqual(before);
    }
  });
});

describe('tokj report without --due', () => {
  it('takes its period from report.frequency: weekly unless set', async () => {
    const cwd = journalWith(LEDGER);
    const period = async (): Promise<string> => JSON.parse((await tokj(cwd, ['report', '--format', 'json'], { env: at('2026-11-25T09:00:00Z') })).stdout).period;
    expect(await period()).toBe('weekly');
    await tokj(cwd, ['config', 'set', 'report.frequency', 'daily'], { env: at('2026-11-25T09:00:00Z') });
    expect(await period()).toBe('daily');
    expect(readFileSync(path.join(cwd, '.ai_workflow', 'monitoring', 'token_collection_config.md'), 'utf8')).toContain('| report.frequency | daily |');
  });
});
