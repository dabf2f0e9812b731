import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import '../../src/core/money.js'; // big.js settings: plain decimals, as the ledger stores them
import { LedgerAggregate } from '../../src/metrics/aggregate.js';
import { buildFamilies } from '../../src/metrics/families.js';
import { escapeLabelValue, prometheusSampleName, renderPrometheus } from '../../src/metrics/prometheus.js';
import { scanLedgerInto } from '../../src/metrics/scan.js';
import { buildReport } from '../../src/report/build-report.js';
import { tempDir } from '../helpers.js';
import { parseExposition, sampleValue } from './exposition.js';

const call = (over: Record<string, unknown> = {}): string =>
  JSON.stringify({
    type: 'call',
    id: 'x',
    timestamp: '2026-11-24T09:00:00.000Z',
    session: 's',
    provider: 'openai',
    model: 'gpt-4o',
    agent: null,
    input_tokens: 10,
    output_tokens: 5,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    total_tokens: 15,
    cost_usd: '0.001',
    estimated: false,
    labels: {},
    ...over,
  });

describe('LedgerAggregate', () => {
  it('counts malformed lines instead of guessing, and skips session events', () => {
    const a = new LedgerAggregate();
    const lines = [
      '{"type":"session_start","id":"s:start","timestamp":"2026-11-24T08:00:00.000Z","session":"s"}',
      call(),
      call({ cost_usd: null }),
      call({ cost_usd: 1.5 }),
      call({ input_tokens: -1 }),
      call({ model: 42 }),
      'not json',
      '{"type":"mystery","timestamp":"x","session":"s"}',
      '{"type":"session_end","id":"s:end","timestamp":"2026-11-24T10:00:00.000Z","session":"s","status":"completed"}',
    ];
    for (const l of lines) a.acceptLine(l);
    expect(a.invalidLines).toBe(5);
    expect(a.startMs).toBe(Date.parse('2026-11-24T08:00:00.000Z'));
    const [s] = [...a.series.values()];
    expect(s).toMatchObject({ calls: 2, input_tokens: 20, priced_calls: 1, unpriced_calls: 1 });
    expect(s!.cost.toString()).toBe('0.001');
  });

  it('an empty agent is no agent; a lone surrogate cannot split one label set in two', () => {
    const a = new LedgerAggregate();
    a.acceptLine(call({ agent: '' }));
    a.acceptLine(call({ agent: null }));
    a.acceptLine(call({ model: 'm\ud800' }));
    a.acceptLine(call({ model: 'm\udbff' }));
    expect([...a.series.values()].map((s) => [s.model, s.agent, s.calls])).toEqual([
      ['gpt-4o', null, 2],
      ['m\ufffd', null, 2],
    ]);
  });

  it('a model with no priced call gets no cost sample (never $0)', () => {
    const a = new LedgerAggregate();
    a.acceptLine(call({ model: 'free?', cost_usd: null }));
    const exposition = parseExposition(renderPrometheus(buildFamilies(a, [])));
    expect(exposition.samples.filter((s) => s.name === 'tokj_cost_usd_total')).toEqual([]);
    expect(sampleValue(exposition, 'tokj_unpriced_calls_total', { gen_ai_request_model: 'free?' })).toBe('1');
  });
});

describe('Prometheus names and escaping', () => {
  it('maps OpenTelemetry names the usual way', () => {
    expect(prometheusSampleName({ name: 'gen_ai.client.token.usage', unit: '{token}', kind: 'counter' })).toBe('gen_ai_client_token_usage_total');
    expect(prometheusSampleName({ name: 'tokj.cost', unit: 'USD', kind: 'counter' })).toBe('tokj_cost_usd_total');
    expect(prometheusSampleName({ name: 'tokj.session.budget.utilization', unit: '1', kind: 'gauge' })).toBe('tokj_session_budget_utilization_ratio');
    expect(prometheusSampleName({ name: 'tokj.session.budget', unit: 'USD', kind: 'gauge' })).toBe('tokj_session_budget_usd');
  });

  it('escapes backslash, double quote and newline in label values, nothing else', () => {
    expect(escapeLabelValue('a\\b"c\nd\te{}')).toBe('a\\\\b\\"c\\nd\te{}');
  });
});

describe('scanLedgerInto', () => {
  it('streams every segment, across read boundaries, ignoring a torn last line; starts at the earliest segment', () => {
    const dir = path.join(tempDir(), 'ledger');
    mkdirSync(dir);
    // ~2.5 MiB: lines straddle the 1 MiB reads.
    const line = call({ note: 'x'.repeat(300) });
    const n = Math.ceil((2.5 * (1 << 20)) / (line.length + 1));
    writeFileSync(path.join(dir, '2026-10.jsonl'), `${line}\n`.repeat(n));
    writeFileSync(path.join(dir, '2026-11.jsonl'), `${call({ agent: 'late', timestamp: '2026-11-30T00:00:00.000Z' })}\n${call().slice(0, 40)}`);
    // Another host's segment, merged in: its first entry is the earliest.
    writeFileSync(path.join(dir, '2026-11.laptop.jsonl'), `${call({ agent: 'late', timestamp: '2026-01-01T00:00:00.000Z' })}\n`);
    writeFileSync(path.join(dir, 'notes.txt'), 'not a segment\n');
    const a = new LedgerAggregate();
    scanLedgerInto(dir, a);
    expect(a.invalidLines).toBe(0);
    expect([...a.series.values()].map((s) => [s.agent, s.calls, s.input_tokens])).toEqual([
      [null, n, 10 * n],
      ['late', 2, 20],
    ]);
    expect(a.startMs).toBe(Date.parse('2026-01-01T00:00:00.000Z'));
    const cost = [...a.series.values()][0]!.cost.toString();
    expect(cost).toBe(new Big('0.001').times(n).toString());
  });
});

describe('one pipeline with the report', () => {
  it('counts the calls, tokens and cost `tokj report` counts, and skips the lines it skips', () => {
    const dir = path.join(tempDir(), 'ledger');
    mkdirSync(dir);
    const lines = [
      call(),
      call({ agent: 'coder', cost_usd: '0.0000000000000000000123', cache_read_tokens: 7, reasoning_tokens: 2 }),
      call({ cost_usd: null, estimated: true }),
      call({ provider: 'anthropic', model: 'claude-sonnet-4-5', cost_usd: '1.5' }),
      // Broken by hand: each is skipped by both, or counted by both.
      call({ estimated: 'yes' }),
      call({ input_tokens: undefined }),
      call({ cost_usd: undefined }),
      call({ timestamp: 'garbage' }),
      call({ agent: 7 }),
      call({ cost_usd: '1e-3' }),
      'not json',
    ];
    writeFileSync(path.join(dir, '2026-11.a.jsonl'), `${lines.join('\n')}\n`);
    const a = new LedgerAggregate();
    scanLedgerInto(dir, a);
    const report = buildReport({
      ledgerDir: dir,
      alertsLog: null,
      now: new Date('2026-11-24T09:00:00.000Z'),
      options: { period: 'daily', timeZone: 'UTC', weekStart: 'mon', since: null, until: null, by: null, format: 'json', suggestions: false },
    });
    const series = [...a.series.values()];
    const sum = (f: (s: (typeof series)[number]) => number): number => series.reduce((n, s) => n + f(s), 0);
    expect(a.invalidLines).toBe(report.skipped_lines);
    expect(a.invalidLines).toBe(4);
    expect({
      calls: sum((s) => s.calls),
      input_tokens: sum((s) => s.input_tokens),
      output_tokens: sum((s) => s.output_tokens),
      cache_read_tokens: sum((s) => s.cache_read_tokens),
      reasoning_tokens: sum((s) => s.reasoning_tokens),
      unpriced_calls: sum((s) => s.unpriced_calls),
      estimated_calls: sum((s) => s.estimated_calls),
    }).toEqual({
      calls: report.summary.calls,
      input_tokens: report.summary.input_tokens,
      output_tokens: report.summary.output_tokens,
      cache_read_tokens: report.summary.cache_read_tokens,
      reasoning_tokens: report.summary.reasoning_tokens,
      unpriced_calls: report.summary.unpriced_calls,
      estimated_calls: report.summary.estimated_calls,
    });
    expect(report.summary.calls).toBe(7);
    expect(series.reduce((t, s) => t.plus(s.cost.toMoney()), new Big(0)).toString()).toBe(report.summary.total_cost_usd);
    expect(report.summary.total_cost_usd).toBe('1.5030000000000000000123');
  });
});
