/**
 * The report's charts: a bar for every day of the range (zeros where nothing was spent), the
 * y-axis from zero, short labels no two bars share, at most 31 bars (weeks, then months,
 * beyond that), pie slices under 2% as "other".
 */
import Big from 'big.js';
import type { Code, Root } from 'mdast';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDateLabel } from '../../src/report/calendar.js';
import { axisTop, costSeries, MAX_BARS } from '../../src/report/chart-series.js';
import { pieChart } from '../../src/report/mermaid.js';
import { parseMarkdown } from '../../src/markdown/parse.js';
import { callLine, journalWith, runReport } from './helpers.js';

const day = (label: string): number => parseDateLabel(label)!;
const charts = (text: string): string[] => (parseMarkdown(text) as Root).children.filter((n): n is Code => n.type === 'code' && n.lang === 'mermaid').map((n) => n.value);

const call = (timestamp: string, cost: string, model = 'gpt-4o') => callLine({ session: 's', timestamp, provider: 'openai', model, input: 1000, output: 100, cost });

describe('the cost chart of a report', () => {
  const cwd = journalWith({
    '2026-11.jsonl': [call('2026-11-03T10:00:00.000Z', '0.048'), call('2026-11-05T10:00:00.000Z', '0.27'), call('2026-11-05T11:00:00.000Z', '0.0005'), call('2026-11-20T10:00:00.000Z', '0.012')],
  });

  it('draws every day of a week from zero, quiet days as zeros, labelled by weekday', async () => {
    const r = await runReport(cwd, ['--period', 'weekly', '--since', '2026-11-02', '--until', '2026-11-08', '--output', 'week.md'], { TOKJ_NOW: '2026-11-24T09:00:00Z' });
    expect(r.code, r.err).toBe(0);
    expect(charts(readFileSync(path.join(cwd, 'week.md'), 'utf8'))[0]).toBe(
      [
        'xychart-beta',
        '    title "Cost per day (USD)"',
        '    x-axis ["Mon 11-02", "Tue 11-03", "Wed 11-04", "Thu 11-05", "Fri 11-06", "Sat 11-07", "Sun 11-08"]',
        '    y-axis "USD" 0 --> 0.3',
        '    bar [0, 0.048, 0, 0.2705, 0, 0, 0]',
      ].join('\n'),
    );
  });

  it('draws every day of a month as MM-DD', async () => {
    const r = await runReport(cwd, ['--period', 'monthly', '--since', '2026-11-01', '--until', '2026-11-30', '--output', 'month.md']);
    expect(r.code, r.err).toBe(0);
    const chart = charts(readFileSync(path.join(cwd, 'month.md'), 'utf8'))[0]!.split('\n');
    const labels = Array.from({ length: 30 }, (_, i) => `"11-${String(i + 1).padStart(2, '0')}"`);
    expect(chart[2]).toBe(`    x-axis [${labels.join(', ')}]`);
    expect(chart[3]).toBe('    y-axis "USD" 0 --> 0.3');
    const bars = Array.from({ length: 30 }, () => '0');
    [bars[2], bars[4], bars[19]] = ['0.048', '0.2705', '0.012'];
    expect(chart[4]).toBe(`    bar [${bars.join(', ')}]`);
  });
});

describe('chart series', () => {
  const costs: Array<[number, string]> = [
    [day('2026-10-01'), '1.5'],
    [day('2026-10-07'), '0.25'],
    [day('2026-11-16'), '2'],
  ];

  it('draws a long range by week, labelled by the week’s first day, with empty weeks as zeros', () => {
    const s = costSeries(costs, day('2026-10-01'), day('2026-11-20'), 'mon');
    expect(s.unit).toBe('week');
    expect(s.labels).toEqual(['09-28', '10-05', '10-12', '10-19', '10-26', '11-02', '11-09', '11-16']);
    expect(s.costs.map(String)).toEqual(['1.5', '0.25', '0', '0', '0', '0', '0', '2']);
    expect(costSeries(costs, day('2026-10-01'), day('2026-11-20'), 'sun').labels[0]).toBe('09-27');
  });

  it('draws more than 31 weeks by month, and more than 31 months by year', () => {
    const months = costSeries(costs, day('2026-01-01'), day('2026-12-31'), 'mon');
    expect(months.unit).toBe('month');
    expect(months.labels).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12']);
    expect(months.costs.map(String)).toEqual(['0', '0', '0', '0', '0', '0', '0', '0', '0', '1.75', '2', '0']);
    const years = costSeries(costs, day('2020-01-01'), day('2026-12-31'), 'mon');
    expect(years.unit).toBe('year');
    expect(years.labels).toEqual(['2020', '2021', '2022', '2023', '2024', '2025', '2026']);
  });

  it('keeps at most 31 bars, with labels no two bars share', () => {
    for (const days of [1, 7, 8, 31, 32, 100, 217, 218, 400, 940, 2000]) {
      const s = costSeries([], day('2026-03-15'), day('2026-03-15') + days - 1, 'mon');
      expect(s.labels.length, `${days} days`).toBeLessThanOrEqual(MAX_BARS);
      expect(new Set(s.labels).size, `${days} days`).toBe(s.labels.length);
    }
  });

  it('ends the y-axis on a round number at or above the tallest bar', () => {
    expect(['0.069137', '0.27', '0.3', '1', '1.01', '7.2', '9.5', '12', '0.00000824'].map((v) => axisTop(new Big(v)).toString())).toEqual(['0.08', '0.3', '0.3', '1', '1.2', '8', '10', '12', '0.00001']);
  });
});

describe('the pie of cost by model', () => {
  it('groups slices under 2% as other', () => {
    const pie = pieChart('Cost by model (% of total cost)', [
      { label: 'a', percent: '60.00' },
      { label: 'b', percent: '36.50' },
      { label: 'c', percent: '2.00' },
      { label: 'd', percent: '1.49' },
      { label: 'e', percent: '0.01' },
      { label: 'f', percent: '0.00' },
    ]);
    expect(pie?.value).toBe(['pie title Cost by model (% of total cost)', '    "a" : 60.00', '    "b" : 36.50', '    "c" : 2.00', '    "other (2)" : 1.50'].join('\n'));
  });
});
