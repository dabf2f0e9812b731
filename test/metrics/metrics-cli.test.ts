import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Big from 'big.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ledgerLines, snapshotFiles, tokj } from '../helpers.js';
import { requirement } from '../requirements.js';
import { parseExposition, sampleValue, type Exposition } from './exposition.js';
import { EXPECTED, makeJournal, NOW, WEIRD_MODEL } from './journal.js';

const hasPromtool = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
const promtool = requirement('`promtool check metrics`', hasPromtool ? null : 'promtool is not installed (Debian: apt-get install -y prometheus)');

const openai = { gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o' };

let cwd: string;
let root: string;
let text: string;
let exposition: Exposition;

beforeAll(async () => {
  ({ cwd, root } = await makeJournal());
  const r = await tokj(cwd, ['metrics']);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  text = `${r.stdout}\n`;
  exposition = parseExposition(text);
});

describe('tokj metrics (Prometheus text)', () => {
  it('token usage by provider, model, agent and token type, exactly the ledger', () => {
    const usage = (agent: string | undefined, type: string, labels = openai): string => sampleValue(exposition, 'gen_ai_client_token_usage_total', { ...labels, gen_ai_agent_name: agent, gen_ai_token_type: type });
    expect(usage('planner', 'input')).toBe('1500');
    expect(usage('planner', 'output')).toBe('800');
    expect(usage('coder', 'input')).toBe('9000');
    expect(usage('coder', 'output')).toBe('700');
    const claude = { gen_ai_provider_name: 'anthropic', gen_ai_request_model: 'claude-sonnet-4-20250514' };
    expect(usage(undefined, 'input', claude)).toBe('1200');
    expect(usage(undefined, 'output', claude)).toBe('300');
    const sum = (type: string): string =>
      String(exposition.samples.filter((s) => s.name === 'gen_ai_client_token_usage_total' && s.labels.gen_ai_token_type === type).reduce((n, s) => n + Number(s.value), 0));
    expect(sum('input')).toBe(EXPECTED.input);
    expect(sum('output')).toBe(EXPECTED.output);
    // The same totals as the ledger itself.
    const calls = ledgerLines(root).filter((l) => l.type === 'call');
    expect(String(calls.reduce((n, c) => n + (c.input_tokens as number), 0))).toBe(EXPECTED.input);
    expect(new Set(exposition.samples.filter((s) => s.name === 'gen_ai_client_token_usage_total').map((s) => s.labels.gen_ai_token_type))).toEqual(new Set(['input', 'output']));
  });

  it('cache and reasoning parts, calls, unpriced calls', () => {
    const coder = { ...openai, gen_ai_agent_name: 'coder' };
    expect(sampleValue(exposition, 'gen_ai_usage_cache_read_input_tokens_total', coder)).toBe('8192');
    expect(sampleValue(exposition, 'gen_ai_usage_cache_creation_input_tokens_total', coder)).toBe('100');
    expect(sampleValue(exposition, 'gen_ai_usage_reasoning_output_tokens_total', coder)).toBe('300');
    expect(sampleValue(exposition, 'gen_ai_usage_reasoning_output_tokens_total', { ...openai, gen_ai_agent_name: 'planner' })).toBe('0');
    expect(sampleValue(exposition, 'tokj_calls_total', coder)).toBe('1');
    const acme = { gen_ai_provider_name: 'acme', gen_ai_request_model: WEIRD_MODEL };
    expect(sampleValue(exposition, 'tokj_unpriced_calls_total', acme)).toBe('1');
    expect(sampleValue(exposition, 'tokj_unpriced_calls_total', coder)).toBe('0');
    expect(exposition.samples.filter((s) => s.name === 'tokj_calls_total').reduce((n, s) => n + Number(s.value), 0)).toBe(4);
  });

  it('costs are the exact decimal sums; an unpriced model has no cost sample', () => {
    expect(sampleValue(exposition, 'tokj_cost_usd_total', { ...openai, gen_ai_agent_name: 'planner' })).toBe(EXPECTED.cost.planner);
    expect(sampleValue(exposition, 'tokj_cost_usd_total', { ...openai, gen_ai_agent_name: 'coder' })).toBe(EXPECTED.cost.coder);
    expect(sampleValue(exposition, 'tokj_cost_usd_total', { gen_ai_provider_name: 'anthropic' })).toBe(EXPECTED.cost.claude);
    expect(exposition.samples.filter((s) => s.name === 'tokj_cost_usd_total' && s.labels.gen_ai_provider_name === 'acme')).toEqual([]);
    const ledgerCost = ledgerLines(root)
      .filter((l) => l.type === 'call' && l.cost_usd !== null)
      .reduce((sum, l) => sum.plus(l.cost_usd as string), new Big(0));
    const exported = exposition.samples.filter((s) => s.name === 'tokj_cost_usd_total').reduce((sum, s) => sum.plus(s.value), new Big(0));
    expect(exported.toString()).toBe(ledgerCost.toString());
  });

  it('budget utilisation of the active sessions only', () => {
    expect(sampleValue(exposition, 'tokj_active_sessions')).toBe('1');
    expect(sampleValue(exposition, 'tokj_session_cost_usd', { gen_ai_conversation_id: 's' })).toBe(EXPECTED.session.cost);
    expect(sampleValue(exposition, 'tokj_session_budget_usd', { gen_ai_conversation_id: 's' })).toBe(EXPECTED.session.budget);
    expect(sampleValue(exposition, 'tokj_session_budget_utilization_ratio', { gen_ai_conversation_id: 's' })).toBe(EXPECTED.session.utilization);
    expect(exposition.samples.filter((s) => s.labels.gen_ai_conversation_id === 't')).toEqual([]);
  });

  it('escapes label values: a model name with a quote, a backslash and a newline round-trips', () => {
    expect(text).toContain('gen_ai_request_model="we\\"ird\\\\mo\\ndel"');
    expect(exposition.samples.filter((s) => s.labels.gen_ai_request_model === WEIRD_MODEL)).not.toEqual([]);
  });

  it('every family has HELP and TYPE; counters end in _total', () => {
    for (const name of new Set(exposition.samples.map((s) => s.name))) {
      expect(exposition.help[name], name).toBeTruthy();
      expect(['counter', 'gauge']).toContain(exposition.type[name]);
      if (exposition.type[name] === 'counter') expect(name).toMatch(/_total$/);
    }
    expect(exposition.eof).toBe(false);
  });

  it.skipIf(promtool.skip)('passes promtool check metrics', () => {
    promtool.check();
    // promtool exits non-zero (and execFileSync throws) on a parse error or a lint problem.
    const out = execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(out).toBe('');
  });
});

describe('tokj metrics --format openmetrics', () => {
  it('names counter families without _total, the same samples, and ends with # EOF', async () => {
    const r = await tokj(cwd, ['metrics', '--format', 'openmetrics']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.endsWith('\n# EOF')).toBe(true);
    const om = parseExposition(`${r.stdout}\n`);
    expect(om.eof).toBe(true);
    expect(om.type.gen_ai_client_token_usage).toBe('counter');
    expect(om.type.gen_ai_client_token_usage_total).toBeUndefined();
    expect(om.type.tokj_session_budget_usd).toBe('gauge');
    expect(om.samples).toEqual(exposition.samples);
  });
});

describe('tokj metrics --format otlp-json', () => {
  it('prints the ExportMetricsServiceRequest that export pushes', async () => {
    const r = await tokj(cwd, ['metrics', '--format', 'otlp-json'], { env: { TOKJ_NOW: '2026-11-24T10:00:00Z' } });
    expect(r.exitCode, r.stderr).toBe(0);
    const body = JSON.parse(r.stdout);
    const rm = body.resourceMetrics[0];
    expect(rm.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'tokenjournal' } });
    const metric = rm.scopeMetrics[0].metrics.find((m: { name: string }) => m.name === 'tokj.cost');
    expect(metric.sum).toMatchObject({ isMonotonic: true, aggregationTemporality: 2 });
    // Exact decimal text on the wire, not a re-printed float.
    expect(r.stdout).toContain('"asDouble":0.01926');
    expect(metric.sum.dataPoints[0].timeUnixNano).toBe(String(BigInt(Date.parse('2026-11-24T10:00:00Z')) * 1_000_000n));
    expect(metric.sum.dataPoints[0].startTimeUnixNano).toBe(String(BigInt(Date.parse(NOW)) * 1_000_000n));
  });
});

describe('tokj metrics --textfile', () => {
  it('writes tokj.prom atomically, the same text, and leaves no temp file', async () => {
    const dir = path.join(cwd, 'textfile');
    mkdirSync(dir);
    for (let i = 0; i < 2; i++) {
      const r = await tokj(cwd, ['metrics', '--textfile', dir]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toBe('');
    }
    expect(readdirSync(dir)).toEqual(['tokj.prom']);
    const written = readFileSync(path.join(dir, 'tokj.prom'), 'utf8');
    expect(written).toBe(text);
    expect(parseExposition(written).samples).toEqual(exposition.samples);
  });

  it('refuses a missing directory and a non-Prometheus format with exit 2, writing nothing', async () => {
    const before = snapshotFiles(cwd);
    expect((await tokj(cwd, ['metrics', '--textfile', path.join(cwd, 'missing')])).exitCode).toBe(2);
    expect((await tokj(cwd, ['metrics', '--textfile', cwd, '--format', 'openmetrics'])).exitCode).toBe(2);
    expect(snapshotFiles(cwd)).toEqual(before);
  });
});

describe('usage errors', () => {
  it('exit 2 for an unknown format or no journal', async () => {
    expect((await tokj(cwd, ['metrics', '--format', 'json'])).exitCode).toBe(2);
    const r = await tokj(path.dirname(cwd), ['metrics', '--dir', path.join(cwd, 'nowhere')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('no journal');
  });
});
