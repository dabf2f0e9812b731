import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build-report.js';
import { parseReportFlags } from '../../src/report/options.js';
import { canStandIn, modelFamily, type PriceEntry, type PriceTable } from '../../src/pricing/index.js';
import { callLine, journalWith, runReport } from './helpers.js';

const entry = (provider: string, input: string, output: string, extra: Partial<PriceEntry> = {}): PriceEntry => ({ litellm_provider: provider, mode: 'chat', input_cost_per_token: input, output_cost_per_token: output, ...extra });

/**
 * A small price table, so the figures below do not move when the shipped table is refreshed.
 * Its names follow real ones: a suggestion stays within the model's family (pricing/family.ts).
 */
const TABLE: PriceTable = {
  source: 'test',
  snapshot: '2026-07-24T00:00:00Z',
  license: 'MIT',
  entries: {
    'gpt-4o': entry('openai', '0.00001', '0.00003', { cache_read_input_token_cost: '0.000001' }),
    'gpt-4o-mini': entry('openai', '0.000001', '0.000002'),
    'gpt-4o-nano': entry('openai', '0.0000005', '0.000001', { max_input_tokens: 1000 }),
    'gpt-4o-old': entry('openai', '0.0000001', '0.0000001', { deprecation_date: '2026-01-01' }),
    'ft:gpt-4o-tiny': entry('openai', '0.0000001', '0.0000001'),
    'gpt-4o-free': entry('openai', '0', '0'),
    'gpt-4o-mini-search': entry('openai', '0.0000001', '0.0000001'),
    'gpt-4o-mini-preview': entry('openai', '0.0000001', '0.0000001'),
    'gpt-3.5-turbo': entry('openai', '0.0000001', '0.0000001'),
    'embed-cheap': { litellm_provider: 'openai', mode: 'embedding', input_cost_per_token: '0.000000001' },
    'claude-3-haiku': entry('anthropic', '0.0000001', '0.0000001'),
  },
};

/**
 * gpt-4o: 10 calls by coder (5,000 in, no cache reads, 100 out: $0.053 each = $0.53), the last
 * two retries, and 5 "summarize" calls by summarizer (50,000 in with 25,000 cache reads,
 * 1,000 out: $0.305 each = $1.525). gpt-4o-mini: 3 calls of 1,000 in / 100 out ($0.0012 each).
 */
function ledger(): string[] {
  const lines: string[] = [];
  let minute = 0;
  const ts = (): string => new Date(Date.UTC(2026, 10, 24, 1, minute++)).toISOString();
  const coderAttempts = [null, null, null, null, null, null, null, null, '2/3', '3'];
  for (const attempt of coderAttempts) lines.push(callLine({ session: 'sg', timestamp: ts(), provider: 'openai', model: 'gpt-4o', agent: 'coder', operation: 'chat', attempt, input: 5000, output: 100, cost: '0.053' }));
  for (let i = 0; i < 5; i++) lines.push(callLine({ session: 'sg', timestamp: ts(), provider: 'openai', model: 'gpt-4o', agent: 'summarizer', operation: 'summarize', input: 50000, cacheRead: 25000, output: 1000, cost: '0.305' }));
  for (const attempt of ['1/3', null, null]) lines.push(callLine({ session: 'sg', timestamp: ts(), provider: 'openai', model: 'gpt-4o-mini', agent: 'coder', attempt, input: 1000, output: 100, cost: '0.0012' }));
  return lines;
}

describe('suggestions', () => {
  const cwd = journalWith({ '2026-11.jsonl': ledger() });
  const ledgerDir = path.join(cwd, '.ai_workflow', 'monitoring', 'ledger');
  const report = buildReport({ ledgerDir, alertsLog: null, options: parseReportFlags({ suggestions: true, format: 'json' }, { TZ: 'UTC' }), now: new Date('2026-11-24T09:00:00Z'), priceTable: () => TABLE });

  it('computes each with an exact dollar figure, the largest first', () => {
    expect(report.summary.total_cost_usd).toBe('2.0586');
    expect(report.suggestions!.map((s) => [s.kind, s.saving_usd])).toEqual([
      // gpt-4o's tokens at gpt-4o-mini's rates (no cache-read rate: cache reads at the input
      // rate): 175,000 x 0.000001 + 125,000 x 0.000001 + 6,000 x 0.000002 = 0.312; 2.055 - 0.312.
      ['cheaper-model', '1.743'],
      // summarize: 51,000 tokens a call against 309,300 / 18 overall; 1.525 x (1 - 1,546,500 / 4,590,000).
      ['heavy-operation', '1.011185'],
      // coder's 10 large prompts: half of 50,000 input as cache reads, at 0.00001 - 0.000001 less a token.
      ['prompt-caching', '0.225'],
      // attempts 2/3 and 3 (1/3 is a first attempt): 2 x 0.053, 5.1% of 2.0586
      ['retries', '0.106'],
      // not gpt-4o-mini on gpt-4o-nano (its largest prompt, 1,000, fits): 3,000 x 0.0000005 +
      // 300 x 0.000001 = 0.0018 less than 0.0036, under MIN_SAVING_USD
    ]);
  });

  it('says which model, operation and agent, with the figures', () => {
    const [model, heavy, cache, retries] = report.suggestions!;
    expect(model!.detail).toEqual({ provider: 'openai', model: 'gpt-4o', calls: 15, cost_usd: '2.055', alternative: 'gpt-4o-mini', alternative_cost_usd: '0.312' });
    expect(model!.text).toBe('gpt-4o (openai): 15 calls cost $2.06; the same tokens on gpt-4o-mini would have cost $0.312, $1.74 less (84.8%), where it does the job well enough.');
    expect(heavy!.text).toBe('Operation "summarize": 5 calls average 51,000 tokens, 3.0x the overall 17,183; at the overall average they would have cost $1.01 less (of $1.53): trim what these prompts carry.');
    expect(cache!.detail).toMatchObject({ model: 'gpt-4o', agent: 'coder', calls: 10, input_tokens: 50000, cache_read_tokens: 0 });
    expect(cache!.text).toContain('with half of it cached ($1.00/1M instead of $10.00/1M) they would have cost $0.225 less');
    expect(retries!.text).toBe('2 retried calls (attempt 2 or later) cost $0.106, 5.1% of the spend; the most on openai/gpt-4o (2 calls, $0.106): fixing what makes calls fail saves that.');
  });

  it('skips deprecated, fine-tuned, free, other-mode, other-provider, other-family, special-purpose and preview entries, and models too small for the prompts', () => {
    const alternatives = report.suggestions!.filter((s) => s.kind === 'cheaper-model').map((s) => s.detail.alternative);
    expect(alternatives).toEqual(['gpt-4o-mini']);
  });

  it('appear in JSON with --suggestions and in the markdown Suggestions section (shipped price table)', async () => {
    // gpt-4o at $2.50/$10 per 1M: 100,000 in and 50,000 out cost $0.75; at gpt-4o-mini's $0.15/$0.60, $0.045.
    const dir = journalWith({ '2026-11.jsonl': [callLine({ session: 'p', timestamp: '2026-11-24T01:00:00.000Z', provider: 'openai', model: 'gpt-4o', input: 100000, output: 50000, cost: '0.75' })] });
    const j = JSON.parse((await runReport(dir, ['--format', 'json', '--suggestions'])).out);
    expect(j.suggestions).toEqual([
      expect.objectContaining({ kind: 'cheaper-model', saving_usd: '0.705', detail: expect.objectContaining({ alternative: 'gpt-4o-mini', alternative_cost_usd: '0.045' }) }),
    ]);
    expect(JSON.parse((await runReport(dir, ['--format', 'json'])).out)).not.toHaveProperty('suggestions');
    const md = await runReport(dir, ['--suggestions']);
    const { readMd } = await import('../helpers.js');
    const root = readMd(path.join(dir, md.out));
    const at = root.children.findIndex((n) => n.type === 'heading' && n.depth === 2 && JSON.stringify(n).includes('Suggestions'));
    expect(at).toBeGreaterThan(0);
    expect(root.children[at + 1]?.type).toBe('list');
  });
});

describe('suggestions: only savings worth acting on', () => {
  // gpt-4.1-mini is 4% cheaper than gpt-4.1, gpt-5-mini exactly 5% cheaper than gpt-5.
  const table: PriceTable = {
    source: 'test',
    snapshot: '2026-07-24T00:00:00Z',
    license: 'MIT',
    entries: {
      'gpt-4.1': entry('openai', '0.000002', '0.000008'),
      'gpt-4.1-mini': entry('openai', '0.00000192', '0.00000768'),
      'gpt-5': entry('openai', '0.000002', '0.000008'),
      'gpt-5-mini': entry('openai', '0.0000019', '0.0000076'),
    },
  };
  // 100 calls of 10,000 in / 1,000 out on each: $2.80 (2 + 0.8); one retry of each, $0.028.
  const lines: string[] = [];
  for (const model of ['gpt-4.1', 'gpt-5']) {
    for (let i = 0; i < 100; i++) {
      lines.push(callLine({ session: 't', timestamp: new Date(Date.UTC(2026, 10, 24, 2, 0, i)).toISOString(), provider: 'openai', model, attempt: i === 0 ? '2' : null, input: 10000, output: 1000, cost: '0.028' }));
    }
  }
  const ledgerDir = path.join(journalWith({ '2026-11.jsonl': lines }), '.ai_workflow', 'monitoring', 'ledger');
  const report = buildReport({ ledgerDir, alertsLog: null, options: parseReportFlags({ suggestions: true, format: 'json' }, { TZ: 'UTC' }), now: new Date('2026-11-24T09:00:00Z'), priceTable: () => table });

  it('need at least $0.01 and 5% of what they are about', () => {
    // gpt-4.1 -> gpt-4.1-mini saves $0.112, 4%: no. gpt-5 -> gpt-5-mini saves $0.14 of $2.80, 5%: yes.
    // Retries: $0.056 of $5.60 is 1% of the spend: no.
    expect(report.suggestions!.map((s) => [s.kind, s.detail.model ?? null, s.saving_usd])).toEqual([['cheaper-model', 'gpt-5', '0.14']]);
  });
});

describe('suggestions over the shipped price table: the same family, current models', () => {
  const reportOf = async (model: string, input: number, output: number, cost: string) => {
    const dir = journalWith({ '2026-11.jsonl': [callLine({ session: 'f', timestamp: '2026-11-24T01:00:00.000Z', provider: 'anthropic', model, input, output, cost })] });
    return JSON.parse((await runReport(dir, ['--format', 'json', '--suggestions'])).out) as { suggestions: Array<{ kind: string; saving_usd: string; detail: Record<string, unknown> }> };
  };

  it('a Sonnet is offered a newer cheaper Sonnet, never a Haiku', async () => {
    // claude-sonnet-4-5 at $3/$15 per 1M: 100,000 in / 10,000 out = $0.45; claude-sonnet-5 at $2/$10: $0.30.
    const j = await reportOf('claude-sonnet-4-5', 100000, 10000, '0.45');
    expect(j.suggestions.map((s) => [s.kind, s.detail.alternative, s.saving_usd])).toEqual([['cheaper-model', 'claude-sonnet-5', '0.15']]);
  });

  it('an Opus 4.1 is offered a current Opus; a Haiku 4.5 is not offered the older, cheaper claude-3-haiku', async () => {
    // claude-opus-4-1 at $15/$75: $2.25; claude-opus-5 (the shortest name among the $5/$25 Opus models): $0.75.
    const opus = await reportOf('claude-opus-4-1', 100000, 10000, '2.25');
    expect(opus.suggestions.map((s) => [s.kind, s.detail.alternative, s.saving_usd])).toEqual([['cheaper-model', 'claude-opus-5', '1.5']]);
    // claude-haiku-4-5 at $1/$5: $0.15; claude-3-haiku-20240307 ($0.25/$1.25) is cheaper but of an older generation.
    const haiku = await reportOf('claude-haiku-4-5', 100000, 10000, '0.15');
    expect(haiku.suggestions).toEqual([]);
  });
});

describe('model families (pricing/family.ts)', () => {
  it('reads family, generation, purposes and previews from real names', () => {
    const of = (name: string) => {
      const f = modelFamily(name);
      return [f.family, f.generation.join('.'), f.purposes, f.unstable];
    };
    expect(of('claude-3-5-sonnet-20240620')).toEqual(['claude-sonnet', '3.5', '', false]);
    expect(of('claude-sonnet-4-5-20250929')).toEqual(['claude-sonnet', '4.5', '', false]);
    expect(of('claude-3-haiku-20240307')).toEqual(['claude-haiku', '3', '', false]);
    expect(of('gpt-4o-2024-08-06')).toEqual(['gpt-4o', '4', '', false]);
    expect(of('gpt-4o-mini-search-preview')).toEqual(['gpt-4o', '4', 'search', true]);
    expect(of('gpt-4.1-nano')).toEqual(['gpt-4.1', '4.1', '', false]);
    expect(of('o4-mini')).toEqual(['o', '4', '', false]);
    expect(of('gemini/gemini-2.5-flash-lite')).toEqual(['gemini-2.5', '2.5', '', false]);
    expect(of('gemini/gemini-2.5-flash-native-audio-preview-09-2025')).toEqual(['gemini-2.5', '2.5', 'audio,native', true]);
    expect(of('deepseek-chat')).toEqual(['deepseek-chat', '', 'chat', false]);
  });

  it('lets only the same family and purpose, of the same or a newer generation, stand in', () => {
    expect(canStandIn('claude-sonnet-4-5', 'claude-sonnet-5')).toBe(true);
    expect(canStandIn('claude-sonnet-4-5', 'claude-3-haiku-20240307')).toBe(false);
    expect(canStandIn('claude-haiku-4-5', 'claude-3-haiku-20240307')).toBe(false);
    expect(canStandIn('gpt-4o', 'gpt-4o-mini')).toBe(true);
    expect(canStandIn('gpt-4o', 'gpt-5-nano')).toBe(false);
    expect(canStandIn('gpt-4o', 'gpt-4o-mini-search-preview')).toBe(false);
    expect(canStandIn('o3', 'o4-mini')).toBe(true);
    expect(canStandIn('o4-mini', 'o3-mini')).toBe(false);
    expect(canStandIn('gemini-2.5-pro', 'gemini/gemini-2.5-flash')).toBe(true);
    expect(canStandIn('gemini-2.5-pro', 'gemini/gemini-2.0-flash')).toBe(false);
  });
});
