import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Code, Root } from 'mdast';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { listIn, readMd, snapshotFiles, tableIn } from '../helpers.js';
import { callLine, endLine, journalWith, parseCsv, runReport, startLine } from './helpers.js';

/**
 * The hand-made ledger. UTC days: c1 2026-11-23 23:30, c2 and c3 on 2026-11-24, c4 on
 * 2026-11-25 01:00. Tokyo (UTC+9) moves c1 to 11-24; Los Angeles (UTC-8) moves c4 to 11-24.
 * Costs: 0.0075 + 0.0093 + 0.0009 = 0.0177; c3 is unpriced; c4 is estimated; c2 a retry.
 */
const LEDGER = [
  startLine('s1', '2026-11-23T23:00:00.000Z', { team: 'infra' }),
  callLine({ session: 's1', timestamp: '2026-11-23T23:30:00.000Z', provider: 'openai', model: 'gpt-4o', agent: 'planner', operation: 'plan', input: 1000, output: 500, cost: '0.0075', labels: { team: 'infra' } }),
  callLine({ session: 's1', timestamp: '2026-11-24T10:00:00.000Z', provider: 'anthropic', model: 'claude-sonnet-4-5', agent: 'coder', operation: 'edit', attempt: '2/3', input: 3000, cacheRead: 1000, output: 200, cost: '0.0093', labels: { team: 'infra' } }),
  endLine('s1', '2026-11-24T10:05:00.000Z'),
  'this is not json',
  startLine('s2', '2026-11-24T11:59:00.000Z'),
  callLine({ session: 's2', timestamp: '2026-11-24T12:00:00.000Z', provider: 'ollama', model: 'llama3', input: 100, output: 50, cost: null, note: 'a | pipe <b>' }),
  callLine({ session: 's2', timestamp: '2026-11-25T01:00:00.000Z', provider: 'openai', model: 'gpt-4o-mini', agent: 'coder', operation: 'edit', input: 2000, output: 1000, cost: '0.0009', estimated: true, labels: { team: 'web' } }),
];

const ALERTS = [
  '2026-11-24T10:01:00.000Z\tcost_spike\ts1\tclaude-sonnet-4-5\t0.0093\t0.005\t0.0042',
  '2026-10-01T00:00:00.000Z\tbudget\ts0\tgpt-4o\t1.2\t1.0\t',
  'garbage line',
  '',
].join('\n');

const zeroCache = { cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 };
const DAY_23 = { period: '2026-11-23', calls: 1, input_tokens: 1000, output_tokens: 500, ...zeroCache, total_tokens: 1500, total_cost_usd: '0.0075', unpriced_calls: 0 };
const DAY_24 = { period: '2026-11-24', calls: 2, input_tokens: 3100, output_tokens: 250, cache_read_tokens: 1000, cache_write_tokens: 0, reasoning_tokens: 0, total_tokens: 3350, total_cost_usd: '0.0093', unpriced_calls: 1 };
const DAY_25 = { period: '2026-11-25', calls: 1, input_tokens: 2000, output_tokens: 1000, ...zeroCache, total_tokens: 3000, total_cost_usd: '0.0009', unpriced_calls: 0 };
const SUMMARY = { calls: 4, input_tokens: 6100, output_tokens: 1750, cache_read_tokens: 1000, cache_write_tokens: 0, reasoning_tokens: 0, total_tokens: 7850, total_cost_usd: '0.0177', unpriced_calls: 1 };

async function json(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Record<string, any>> {
  const r = await runReport(cwd, ['--format', 'json', '--period', 'daily', ...args], env);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out);
}

const periodsOf = (j: Record<string, any>): Array<[string, number, string, number]> => j.periods.map((p: any) => [p.period, p.calls, p.total_cost_usd, p.unpriced_calls]);

describe('tokj report: totals and periods', () => {
  const cwd = journalWith({ '2026-11.jsonl': LEDGER });

  it('prints the documented JSON shape with exact totals, unpriced calls counted and left out of cost', async () => {
    const r = await runReport(cwd, ['--format', 'json', '--period', 'daily']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('1 ledger line(s) were not usable');
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(['period', 'timezone', 'since', 'until', 'summary', 'periods']);
    expect(j).toEqual({ period: 'daily', timezone: 'UTC', since: '2026-11-23', until: '2026-11-25', summary: SUMMARY, periods: [DAY_23, DAY_24, DAY_25] });
  });

  it('buckets days in the time zone: 23:30 UTC is the next day in Tokyo, 01:00 UTC the previous day in Los Angeles', async () => {
    expect(periodsOf(await json(cwd, ['--tz', 'Asia/Tokyo']))).toEqual([
      ['2026-11-24', 3, '0.0168', 1],
      ['2026-11-25', 1, '0.0009', 0],
    ]);
    expect(periodsOf(await json(cwd, ['--tz', 'America/Los_Angeles']))).toEqual([
      ['2026-11-23', 1, '0.0075', 0],
      ['2026-11-24', 3, '0.0102', 1],
    ]);
    const fromEnv = await json(cwd, [], { TZ: 'Asia/Tokyo' });
    expect(fromEnv.timezone).toBe('Asia/Tokyo');
    expect(fromEnv.periods.map((p: any) => p.period)).toEqual(['2026-11-24', '2026-11-25']);
  });

  it("takes the zone from the journal's report.timezone setting when --tz is not given", async () => {
    const config = ['# Token Collection Configuration', '', '## Settings', '', '| Key | Value | Description |', '| --- | --- | --- |', '| report.timezone | Asia/Tokyo | |', ''].join('\n');
    const dir = journalWith({ '2026-11.jsonl': LEDGER }, { 'monitoring/token_collection_config.md': config });
    expect((await json(dir, [], { TZ: 'America/Los_Angeles' })).timezone).toBe('Asia/Tokyo');
    expect((await json(dir, ['--tz', 'UTC'])).timezone).toBe('UTC');
  });

  it('takes --since and --until as inclusive dates in the zone', async () => {
    const one = await json(cwd, ['--since', '2026-11-24', '--until', '2026-11-24']);
    expect(one.since).toBe('2026-11-24');
    expect(one.until).toBe('2026-11-24');
    expect(one.summary).toMatchObject({ calls: 2, total_cost_usd: '0.0093', unpriced_calls: 1 });
    expect(one.periods).toEqual([DAY_24]);
    expect((await json(cwd, ['--since', '2026-11-24'])).summary).toMatchObject({ calls: 3, total_cost_usd: '0.0102' });
    expect((await json(cwd, ['--until', '2026-11-23'])).summary).toMatchObject({ calls: 1, total_cost_usd: '0.0075' });
    // In Tokyo c1 moves into 11-24 and c4 stays on 11-25.
    expect(periodsOf(await json(cwd, ['--tz', 'Asia/Tokyo', '--since', '2026-11-24', '--until', '2026-11-24']))).toEqual([['2026-11-24', 3, '0.0168', 1]]);
    const none = await json(cwd, ['--since', '2027-01-01']);
    expect(none.summary).toMatchObject({ calls: 0, total_cost_usd: '0' });
    expect(none.periods).toEqual([]);
  });

  it('groups by ISO week, Sunday week, month and session', async () => {
    expect(periodsOf(await json(cwd, ['--period', 'weekly']))).toEqual([['2026-W48', 4, '0.0177', 1]]);
    expect(periodsOf(await json(cwd, ['--period', 'weekly', '--week-start', 'sun']))).toEqual([['2026-11-22', 4, '0.0177', 1]]);
    expect(periodsOf(await json(cwd, ['--period', 'monthly']))).toEqual([['2026-11', 4, '0.0177', 1]]);
    expect(periodsOf(await json(cwd, ['--period', 'session']))).toEqual([
      ['s1', 2, '0.0168', 0],
      ['s2', 2, '0.0009', 1],
    ]);
  });

  it('breaks down --by label:KEY (a call without the label under null) and --by model with shares in percent', async () => {
    const byTeam = await json(cwd, ['--by', 'label:team']);
    expect(byTeam.by).toEqual([
      { key: 'infra', calls: 2, input_tokens: 4000, output_tokens: 700, cache_read_tokens: 1000, cache_write_tokens: 0, reasoning_tokens: 0, total_tokens: 4700, total_cost_usd: '0.0168', unpriced_calls: 0, share: '94.92' },
      { key: 'web', calls: 1, input_tokens: 2000, output_tokens: 1000, ...zeroCache, total_tokens: 3000, total_cost_usd: '0.0009', unpriced_calls: 0, share: '5.08' },
      { key: null, calls: 1, input_tokens: 100, output_tokens: 50, ...zeroCache, total_tokens: 150, total_cost_usd: '0', unpriced_calls: 1, share: '0.00' },
    ]);
    const byModel = await json(cwd, ['--by', 'model']);
    expect(byModel.by.map((b: any) => [b.provider, b.key, b.total_cost_usd, b.share])).toEqual([
      ['anthropic', 'claude-sonnet-4-5', '0.0093', '52.54'],
      ['openai', 'gpt-4o', '0.0075', '42.37'],
      ['openai', 'gpt-4o-mini', '0.0009', '5.08'],
      ['ollama', 'llama3', '0', '0.00'],
    ]);
    expect((await json(cwd, ['--by', 'agent'])).by.map((b: any) => [b.key, b.calls, b.total_cost_usd])).toEqual([
      ['coder', 2, '0.0102'],
      ['planner', 1, '0.0075'],
      [null, 1, '0'],
    ]);
    expect((await json(cwd, ['--by', 'operation'])).by.map((b: any) => b.key)).toEqual(['edit', 'plan', null]);
    expect((await json(cwd, ['--by', 'provider'])).by.map((b: any) => [b.key, b.total_cost_usd])).toEqual([
      ['anthropic', '0.0093'],
      ['openai', '0.0084'],
      ['ollama', '0'],
    ]);
  });

  it('takes a missing label from the session start (imported calls carry none)', async () => {
    const dir = journalWith({
      '2026-11.jsonl': [
        startLine('imp', '2026-11-24T00:00:00.000Z', { team: 'data' }),
        callLine({ session: 'imp', timestamp: '2026-11-24T00:01:00.000Z', provider: 'openai', model: 'gpt-4o', input: 10, output: 10, cost: '0.000125' }),
      ],
    });
    expect((await json(dir, ['--by', 'label:team'])).by.map((b: any) => [b.key, b.calls])).toEqual([['data', 1]]);
  });
});

describe('tokj report: weeks across a year boundary', () => {
  const at = (timestamp: string): string => callLine({ session: 'y', timestamp, provider: 'openai', model: 'gpt-4o', input: 100, output: 0, cost: '0.00025' });
  const cwd = journalWith({
    '2026-12.jsonl': [at('2026-12-27T12:00:00.000Z'), at('2026-12-31T12:00:00.000Z')],
    '2027-01.jsonl': [at('2027-01-01T12:00:00.000Z'), at('2027-01-03T12:00:00.000Z'), at('2027-01-04T12:00:00.000Z')],
  });

  it('puts 2026-12-31 and 2027-01-01 in 2026-W53, and 2027-01-04 in 2027-W01', async () => {
    expect(periodsOf(await json(cwd, ['--period', 'weekly']))).toEqual([
      ['2026-W52', 1, '0.00025', 0],
      ['2026-W53', 3, '0.00075', 0],
      ['2027-W01', 1, '0.00025', 0],
    ]);
  });

  it('names Sunday-started weeks by their Sunday', async () => {
    expect(periodsOf(await json(cwd, ['--period', 'weekly', '--week-start', 'sun']))).toEqual([
      ['2026-12-27', 3, '0.00075', 0],
      ['2027-01-03', 2, '0.0005', 0],
    ]);
  });

  it('splits months by the zone: 2026-12-31 12:00 UTC is already January in Kiritimati (UTC+14)', async () => {
    expect(periodsOf(await json(cwd, ['--period', 'monthly']))).toEqual([
      ['2026-12', 2, '0.0005', 0],
      ['2027-01', 3, '0.00075', 0],
    ]);
    expect(periodsOf(await json(cwd, ['--period', 'monthly', '--tz', 'Pacific/Kiritimati']))).toEqual([
      ['2026-12', 1, '0.00025', 0],
      ['2027-01', 4, '0.001', 0],
    ]);
  });
});

describe('tokj report: formats', () => {
  const cwd = journalWith({ '2026-11.jsonl': LEDGER }, { 'monitoring/usage_alerts.log': ALERTS });

  it('writes CSV with one header row and a row per period, or per --by group', async () => {
    const r = await runReport(cwd, ['--format', 'csv', '--period', 'daily']);
    expect(r.code).toBe(0);
    const rows = parseCsv(r.out);
    expect(rows[0]).toEqual(['period', 'calls', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'total_tokens', 'total_cost_usd', 'unpriced_calls']);
    expect(rows.slice(1)).toEqual([DAY_23, DAY_24, DAY_25].map((d) => Object.values(d).map(String)));
    const by = parseCsv((await runReport(cwd, ['--format', 'csv', '--by', 'label:team'])).out);
    expect(by[0]).toEqual(['key', 'calls', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'total_tokens', 'total_cost_usd', 'unpriced_calls', 'share']);
    expect(by.slice(1).map((row) => [row[0], row[8], row[10]])).toEqual([
      ['infra', '0.0168', '94.92'],
      ['web', '0.0009', '5.08'],
      ['', '0', '0.00'],
    ]);
    const byModel = parseCsv((await runReport(cwd, ['--format', 'csv', '--by', 'model'])).out);
    expect(byModel[0]!.slice(0, 3)).toEqual(['key', 'provider', 'calls']);
  });

  it('writes YAML holding the same data as JSON', async () => {
    const r = await runReport(cwd, ['--format', 'yaml', '--by', 'model', '--period', 'daily']);
    expect(r.code).toBe(0);
    expect(YAML.parse(r.out)).toEqual(await json(cwd, ['--by', 'model']));
    expect(YAML.parse(r.out).summary.total_cost_usd).toBe('0.0177');
  });

  it('prints an aligned table', async () => {
    const r = await runReport(cwd, ['--format', 'table', '--period', 'daily']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('Usage report: daily, UTC, 2026-11-23 to 2026-11-25');
    const body = lines.slice(2);
    expect(body[0]).toMatch(/^period\s+calls\s+input\s+output\s+total tokens\s+cost$/);
    expect(body.slice(2).map((l) => l.split(/\s{2,}/))).toEqual([
      ['2026-11-23', '1', '1,000', '500', '1,500', '$0.0075'],
      ['2026-11-24', '2', '3,100', '250', '3,350', '$0.0093 + 1 unpriced call'],
      ['2026-11-25', '1', '2,000', '1,000', '3,000', '$0.0009'],
      ['TOTAL', '4', '6,100', '1,750', '7,850', '$0.0177 + 1 unpriced call'],
    ]);
    expect(new Set(body.slice(2).map((l) => l.length)).size).toBe(1);
    const by = await runReport(cwd, ['--format', 'table', '--by', 'model']);
    expect(by.out).toContain('anthropic/claude-sonnet-4-5');
    expect(by.out).toMatch(/TOTAL .* 100\.00%$/m);
  });

  it('writes --output files and prints their path', async () => {
    const r = await runReport(cwd, ['--format', 'json', '--output', 'out.json']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('out.json');
    expect(JSON.parse(readFileSync(path.join(cwd, 'out.json'), 'utf8')).summary).toEqual(SUMMARY);
  });
});

describe('tokj report: the markdown report', () => {
  const cwd = journalWith({ '2026-11.jsonl': LEDGER }, { 'monitoring/usage_alerts.log': ALERTS });
  const reports = path.join(cwd, '.ai_workflow', 'monitoring', 'reports');
  let first = '';

  it('writes monitoring/reports/usage_report_YYYYMMDD.md and prints its path', async () => {
    const r = await runReport(cwd, ['--period', 'daily']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(path.join('.ai_workflow', 'monitoring', 'reports', 'usage_report_20261124.md'));
    first = readFileSync(path.join(cwd, r.out), 'utf8');
  });

  it('reads back: scope, totals, tables, shares and charts', () => {
    const md = readMd(path.join(reports, 'usage_report_20261124.md'));
    expect(listIn(md, 'Usage Report')).toMatchObject({ Period: 'daily', 'Time Zone': 'UTC', Range: '2026-11-23 to 2026-11-25', Generated: '2026-11-24 09:00:00 UTC' });
    expect(listIn(md, 'Totals')).toMatchObject({ Calls: '4', 'Input Tokens': '6,100', 'Output Tokens': '1,750', 'Cache Read Tokens': '1,000', 'Total Tokens': '7,850', 'Total Cost': '$0.0177 + 1 unpriced call', 'Unpriced Calls': '1', 'Estimated Calls': '1', Sessions: '2' });
    expect(tableIn(md, 'Usage by Period')).toEqual([
      ['Period', 'Calls', 'Input Tokens', 'Output Tokens', 'Total Tokens', 'Cost', 'Unpriced Calls'],
      ['2026-11-23', '1', '1,000', '500', '1,500', '$0.0075', '0'],
      ['2026-11-24', '2', '3,100', '250', '3,350', '$0.0093 + 1 unpriced call', '1'],
      ['2026-11-25', '1', '2,000', '1,000', '3,000', '$0.0009', '0'],
    ]);
    expect(tableIn(md, 'Cost by Model')).toEqual([
      ['Provider', 'Model', 'Calls', 'Input Tokens', 'Output Tokens', 'Total Tokens', 'Cost', 'Share'],
      ['anthropic', 'claude-sonnet-4-5', '1', '3,000', '200', '3,200', '$0.0093', '52.54%'],
      ['openai', 'gpt-4o', '1', '1,000', '500', '1,500', '$0.0075', '42.37%'],
      ['openai', 'gpt-4o-mini', '1', '2,000', '1,000', '3,000', '$0.0009', '5.08%'],
      ['ollama', 'llama3', '1', '100', '50', '150', 'n/a', '0.00%'],
    ]);
    expect(tableIn(md, 'Cost by Provider').slice(1).map((r) => [r[0], r[5], r[6]])).toEqual([
      ['anthropic', '$0.0093', '52.54%'],
      ['openai', '$0.0084', '47.46%'],
      ['ollama', 'n/a', '0.00%'],
    ]);
    expect(tableIn(md, 'Cost by Agent').slice(1).map((r) => [r[0], r[1], r[6]])).toEqual([
      ['coder', '2', '57.63%'],
      ['planner', '1', '42.37%'],
      ['(none)', '1', '0.00%'],
    ]);
    expect(tableIn(md, 'Top Sessions').slice(1).map((r) => [r[0], r[1], r[2], r[6], r[7], r[8]])).toEqual([
      ['s1', 'completed', '2', '$0.0168', '94.92%', '2026-11-23 23:30:00 UTC'],
      ['s2', 'active', '2', '$0.0009 + 1 unpriced call', '5.08%', '2026-11-24 12:00:00 UTC'],
    ]);
    expect(listIn(md, 'Efficiency Metrics')).toMatchObject({ 'Average Input Tokens per Call': '1,525', 'Cache Read Share of Input': '16.4%', 'Retried Calls': '1 ($0.0093)' });
    const charts = mermaidBlocks(md);
    expect(charts).toHaveLength(2);
    expect(charts[0]!.split('\n')).toEqual(['xychart-beta', '    title "Cost per day (USD)"', '    x-axis ["Mon 11-23", "Tue 11-24", "Wed 11-25"]', '    y-axis "USD" 0 --> 0.01', '    bar [0.0075, 0.0093, 0.0009]']);
    expect(charts[1]!.split('\n')).toEqual(['pie title Cost by model (% of total cost)', '    "claude-sonnet-4-5" : 52.54', '    "gpt-4o" : 42.37', '    "gpt-4o-mini" : 5.08']);
  });

  it('lists the alerts of the period from usage_alerts.log and notes skipped lines', () => {
    const md = readMd(path.join(reports, 'usage_report_20261124.md'));
    expect(tableIn(md, 'Alerts')).toEqual([
      ['Time', 'Kind', 'Session', 'Model', 'Value', 'Threshold', 'Average'],
      ['2026-10-01 00:00:00 UTC', 'budget', 's0', 'gpt-4o', '$1.2000', '$1.0000', ''],
      ['2026-11-24 10:01:00 UTC', 'cost_spike', 's1', 'claude-sonnet-4-5', '$0.0093 (221.4% of average)', '$0.0050', '$0.0042'],
    ]);
    expect(first).toContain('## Notes');
  });

  it('never overwrites a report: _HHMMSS, then a counter', async () => {
    const before = snapshotFiles(reports);
    expect((await runReport(cwd, ['--since', '2026-11-24'])).out).toMatch(/usage_report_20261124_090000\.md$/);
    expect((await runReport(cwd, [])).out).toMatch(/usage_report_20261124_090000_2\.md$/);
    expect(readFileSync(path.join(reports, 'usage_report_20261124.md'), 'utf8')).toBe(first);
    expect(Object.keys(before)).toEqual(['usage_report_20261124.md']);
    expect(readdirSync(reports).sort()).toEqual(['usage_report_20261124.md', 'usage_report_20261124_090000.md', 'usage_report_20261124_090000_2.md']);
    // --since limits the alerts too
    const later = readMd(path.join(reports, 'usage_report_20261124_090000.md'));
    expect(tableIn(later, 'Alerts').slice(1).map((r) => r[1])).toEqual(['cost_spike']);
  });

  it('names the file by the date in the report time zone', async () => {
    const r = await runReport(cwd, ['--tz', 'Pacific/Auckland'], { TOKJ_NOW: '2026-11-24T20:00:00.000Z' });
    expect(r.out).toMatch(/usage_report_20261125\.md$/);
  });

  it('escapes names in cells through the serializer', async () => {
    const dir = journalWith({ '2026-11.jsonl': [callLine({ session: 'x', timestamp: '2026-11-24T01:00:00.000Z', provider: 'openai', model: 'evil|<script>*x*', agent: 'a|b', input: 1, output: 1, cost: '0.01' })] });
    const r = await runReport(dir, []);
    const text = readFileSync(path.join(dir, r.out), 'utf8');
    expect(text).not.toMatch(/(?<!\\)<script>/); // escaped in cells, ‹script› in the chart
    expect(text).toContain('"evil|‹script›*x*" : 100.00');
    const md = readMd(path.join(dir, r.out));
    expect(tableIn(md, 'Cost by Model')[1]!.slice(0, 2)).toEqual(['openai', 'evil|<script>*x*']);
    expect(tableIn(md, 'Cost by Agent')[1]![0]).toBe('a|b');
  });
});

describe('tokj report: usage errors exit 2', () => {
  const cwd = journalWith({ '2026-11.jsonl': LEDGER });
  const cases: Array<[string[], RegExp]> = [
    [['--period', 'hourly'], /--period must be daily, weekly, monthly or session \(got "hourly"\)/],
    [['--tz', 'Mars/Olympus_Mons'], /--tz "Mars\/Olympus_Mons" is not an IANA time zone/],
    [['--since', '2026-13-01'], /--since must be a calendar date written YYYY-MM-DD/],
    [['--until', '2026-02-30'], /--until must be a calendar date/],
    [['--since', 'yesterday'], /--since must be a calendar date/],
    [['--since', '2026-11-25', '--until', '2026-11-24'], /--since 2026-11-25 is after --until 2026-11-24/],
    [['--week-start', 'tue'], /--week-start must be mon or sun/],
    [['--by', 'colour'], /--by must be model, provider, agent, operation, session, tier or label:KEY/],
    [['--by', 'label:'], /--by must be/],
    [['--format', 'pdf'], /--format must be markdown, table, json, csv or yaml/],
    [['--bogus'], /unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    it(`refuses ${args.join(' ')}`, async () => {
      const before = snapshotFiles(path.join(cwd, '.ai_workflow'));
      const r = await runReport(cwd, args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.out).toBe('');
      expect(snapshotFiles(path.join(cwd, '.ai_workflow'))).toEqual(before);
    });
  }

  it('refuses a directory without a journal', async () => {
    const r = await runReport(path.join(cwd, 'nowhere'), ['--dir', path.join(cwd, 'nowhere', '.ai_workflow')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no journal at/);
  });
});

describe('tokj report: edges', () => {
  it('reports an empty journal', async () => {
    const cwd = journalWith({});
    const j = await json(cwd, []);
    expect(j).toMatchObject({ since: null, until: null, periods: [], summary: { calls: 0, total_cost_usd: '0', unpriced_calls: 0 } });
    const md = await runReport(cwd, []);
    expect(md.code).toBe(0);
    expect(listIn(readMd(path.join(cwd, md.out)), 'Usage Report').Range).toBe('no calls recorded');
  });

  it('leaves out a torn last line and says so', async () => {
    const cwd = journalWith({ '2026-11.jsonl': LEDGER.slice(0, 3) });
    const torn = callLine({ session: 's1', timestamp: '2026-11-24T11:00:00.000Z', provider: 'openai', model: 'gpt-4o', input: 1, output: 1, cost: '1' }).slice(0, 60);
    readdirSync(cwd); // the journal exists
    const file = path.join(cwd, '.ai_workflow', 'monitoring', 'ledger', '2026-11.jsonl');
    const fs = await import('node:fs');
    fs.appendFileSync(file, torn);
    const r = await runReport(cwd, ['--format', 'json']);
    expect(JSON.parse(r.out).summary).toMatchObject({ calls: 2, total_cost_usd: '0.0168' });
    expect(r.err).toMatch(/last line of ledger\/2026-11\.jsonl is incomplete/);
  });

  it('goes on with default settings when a person broke the config table', async () => {
    const config = ['## Settings', '', '| Key | Value |', '| --- | --- |', '| report.timezone | Asia/Tokyo |', ''].join('\n');
    const cwd = journalWith({ '2026-11.jsonl': LEDGER }, { 'monitoring/token_collection_config.md': config });
    const r = await runReport(cwd, ['--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).timezone).toBe('UTC');
    expect(r.err).toMatch(/warning: .*Settings.*; the report uses the default settings and prices/);
  });

  it('reads every segment, one per month and host', async () => {
    const c = (timestamp: string, cost: string): string => callLine({ session: 'h', timestamp, provider: 'openai', model: 'gpt-4o', input: 1, output: 1, cost });
    const cwd = journalWith({ '2026-10.jsonl': [c('2026-10-31T10:00:00.000Z', '0.1')], '2026-11.jsonl': [c('2026-11-01T10:00:00.000Z', '0.2')], '2026-11.laptop.jsonl': [c('2026-11-02T10:00:00.000Z', '0.3')], 'notes.txt': ['ignored'] });
    const j = await json(cwd, ['--period', 'monthly']);
    expect(periodsOf(j)).toEqual([
      ['2026-10', 1, '0.1', 0],
      ['2026-11', 2, '0.5', 0],
    ]);
  });
});

function mermaidBlocks(root: Root): string[] {
  return root.children.filter((n): n is Code => n.type === 'code' && n.lang === 'mermaid').map((n) => n.value);
}
