import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokjError } from '../../src/core/errors.js';
import { sumMoney } from '../../src/core/decimal-sum.js';
import type { Usage } from '../../src/core/usage.js';
import {
  type PriceEntry,
  type ResolvedPrice,
  computeCost,
  computeCostUsd,
  loadPriceTable,
  longContextTier,
  resolveModel,
} from '../../src/pricing/index.js';

const table = loadPriceTable();

function price(model: string, provider?: string): ResolvedPrice {
  const p = resolveModel(table, { provider, model });
  if (!p) throw new Error(`no price for ${model}`);
  return p;
}

function synthetic(entry: Partial<PriceEntry>): ResolvedPrice {
  return {
    key: 'test/model',
    entry: { litellm_provider: 'test', mode: 'chat', input_cost_per_token: '0.000001', output_cost_per_token: '0.000002', ...entry },
    matchedBy: 'exact',
    source: 'test',
  };
}

function usage(u: Partial<Usage>): Usage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, ...u };
}

describe('computeCost with shipped prices', () => {
  it('gpt-4o: 1500 in / 800 out = $0.01175', () => {
    expect(computeCost(price('gpt-4o'), usage({ inputTokens: 1500, outputTokens: 800 }))).toEqual({
      costUsd: '0.01175',
      parts: { input: '0.00375', cacheRead: '0', cacheWrite: '0', output: '0.008', reasoning: '0' },
    });
  });

  it('claude-sonnet-4-5-20250929: cache reads, 5m and 1h cache writes', () => {
    // uncached 2000 x $3/M, reads 6000 x $0.30/M, 5m writes 1500 x $3.75/M, 1h writes 500 x $6/M,
    // output 1000 x $15/M
    const cost = computeCost(
      price('claude-sonnet-4-5-20250929', 'anthropic'),
      usage({ inputTokens: 10_000, cacheReadTokens: 6000, cacheWriteTokens: 2000, cacheWrite1hTokens: 500, outputTokens: 1000 }),
    );
    expect(cost).toEqual({
      costUsd: '0.031425',
      parts: { input: '0.006', cacheRead: '0.0018', cacheWrite: '0.008625', output: '0.015', reasoning: '0' },
    });
  });

  it('claude-sonnet-4-5 above 200k prompt tokens: every kind at its long-context rate, 1h writes too', () => {
    const cost = computeCost(
      price('claude-sonnet-4-5', 'anthropic'),
      usage({ inputTokens: 300_000, cacheWriteTokens: 100_000, cacheWrite1hTokens: 40_000, outputTokens: 1000 }),
    );
    // 200000 x $6/M + 60000 x $7.50/M + 40000 x $12/M + 1000 x $22.50/M
    expect(cost.parts).toEqual({ input: '1.2', cacheRead: '0', cacheWrite: '0.93', output: '0.0225', reasoning: '0' });
    expect(cost.costUsd).toBe('2.1525');
  });

  it('gpt-5-mini: reasoning tokens at the output rate (no separate reasoning rate)', () => {
    // openai-responses-cached-reasoning.json: 3700 in (2560 cached), 741 out (640 reasoning)
    const cost = computeCost(
      price('gpt-5-mini-2025-08-07', 'openai'),
      usage({ inputTokens: 3700, cacheReadTokens: 2560, outputTokens: 741, reasoningTokens: 640 }),
    );
    expect(cost).toEqual({
      costUsd: '0.001831',
      parts: { input: '0.000285', cacheRead: '0.000064', cacheWrite: '0', output: '0.000202', reasoning: '0.00128' },
    });
  });

  it('output_cost_per_reasoning_token when the entry has one (dashscope/qwen-turbo)', () => {
    const cost = computeCost(price('dashscope/qwen-turbo'), usage({ inputTokens: 100, outputTokens: 1000, reasoningTokens: 800 }));
    // 100 x $0.05/M + 200 x $0.20/M + 800 x $0.50/M
    expect(cost.parts).toEqual({ input: '0.000005', cacheRead: '0', cacheWrite: '0', output: '0.00004', reasoning: '0.0004' });
    expect(cost.costUsd).toBe('0.000445');
  });

  it('gemini-2.5-pro: base rates at exactly 200k prompt tokens, long-context rates above', () => {
    const p = price('gemini-2.5-pro', 'gemini');
    expect(p.key).toBe('gemini/gemini-2.5-pro');
    expect(computeCost(p, usage({ inputTokens: 200_000, outputTokens: 2000 })).costUsd).toBe('0.27');
    const above = computeCost(p, usage({ inputTokens: 250_000, cacheReadTokens: 50_000, outputTokens: 2000 }));
    // 200000 x $2.50/M + 50000 x $0.25/M + 2000 x $15/M
    expect(above).toEqual({
      costUsd: '0.5425',
      parts: { input: '0.5', cacheRead: '0.0125', cacheWrite: '0', output: '0.03', reasoning: '0' },
    });
  });

  it('gpt-5.4 above 272k prompt tokens', () => {
    const p = price('gpt-5.4');
    expect(longContextTier(p.entry, 272_000)).toBeNull();
    expect(longContextTier(p.entry, 272_001)).toBe(272);
    const cost = computeCost(p, usage({ inputTokens: 300_000, cacheReadTokens: 100_000, outputTokens: 1000 }));
    // 200000 x $5/M + 100000 x $0.50/M + 1000 x $22.50/M
    expect(cost.costUsd).toBe('1.0725');
  });

  it('claude-3-opus 1h cache writes use the patched official rate ($30/MTok)', () => {
    const cost = computeCost(
      price('claude-3-opus-20240229', 'anthropic'),
      usage({ inputTokens: 1000, cacheWriteTokens: 1000, cacheWrite1hTokens: 1000 }),
    );
    expect(cost.parts.cacheWrite).toBe('0.03');
  });

  it('deepseek: the old input_cost_per_token_cache_hit name prices cache reads', () => {
    const cost = computeCost(price('deepseek/deepseek-coder'), usage({ inputTokens: 1000, cacheReadTokens: 400, outputTokens: 10 }));
    // 600 x $0.14/M + 400 x $0.014/M + 10 x $0.28/M
    expect(cost.parts).toEqual({ input: '0.000084', cacheRead: '0.0000056', cacheWrite: '0', output: '0.0000028', reasoning: '0' });
  });

  it('embeddings: output costs nothing', () => {
    const p = price('text-embedding-3-small', 'openai');
    expect(computeCost(p, usage({ inputTokens: 12 })).costUsd).toBe('0.00000024');
    expect(computeCost(p, usage({ inputTokens: 12, outputTokens: 12 })).costUsd).toBe('0.00000024');
  });

  it('zero usage costs "0"', () => {
    expect(computeCost(price('gpt-4o'), usage({})).costUsd).toBe('0');
  });
});

describe('computeCost fallbacks', () => {
  it('cache reads fall back to the input rate', () => {
    expect(computeCost(synthetic({}), usage({ inputTokens: 10, cacheReadTokens: 10 })).parts.cacheRead).toBe('0.00001');
  });

  it('1h writes fall back to the 5m rate, then to the input rate', () => {
    const with5m = synthetic({ cache_creation_input_token_cost: '0.000003' });
    expect(computeCost(with5m, usage({ inputTokens: 10, cacheWriteTokens: 10, cacheWrite1hTokens: 4 })).parts.cacheWrite).toBe('0.00003');
    expect(computeCost(synthetic({}), usage({ inputTokens: 10, cacheWriteTokens: 10, cacheWrite1hTokens: 4 })).parts.cacheWrite).toBe('0.00001');
  });

  it('a kind without a long-context rate keeps its base rate in the tier', () => {
    const p = synthetic({ input_cost_per_token_above_128k_tokens: '0.000004', cache_read_input_token_cost: '0.0000001' });
    const cost = computeCost(p, usage({ inputTokens: 200_000, cacheReadTokens: 100_000, outputTokens: 1 }));
    expect(cost.parts).toEqual({ input: '0.4', cacheRead: '0.01', cacheWrite: '0', output: '0.000002', reasoning: '0' });
  });

  it('the highest threshold exceeded wins', () => {
    const p = synthetic({ input_cost_per_token_above_128k_tokens: '0.000002', input_cost_per_token_above_256k_tokens: '0.000003' });
    expect(longContextTier(p.entry, 128_001)).toBe(128);
    expect(longContextTier(p.entry, 256_001)).toBe(256);
    expect(longContextTier(p.entry, 1_000_000)).toBe(256);
    expect(computeCost(p, usage({ inputTokens: 300_000 })).costUsd).toBe('0.9');
  });
});

describe('usage validation', () => {
  const p = synthetic({});
  const bad: [string, Partial<Usage>, RegExp][] = [
    ['negative', { inputTokens: -1 }, /inputTokens must be a whole number/],
    ['fractional', { outputTokens: 1.5 }, /outputTokens must be a whole number/],
    ['NaN', { cacheReadTokens: Number.NaN }, /cacheReadTokens/],
    ['unsafe', { inputTokens: 2 ** 53 }, /inputTokens/],
    ['reads + writes > input', { inputTokens: 10, cacheReadTokens: 6, cacheWriteTokens: 5 }, /exceed inputTokens \(10\)/],
    ['1h > writes', { inputTokens: 10, cacheWriteTokens: 2, cacheWrite1hTokens: 3 }, /cacheWrite1hTokens \(3\) exceed cacheWriteTokens \(2\)/],
    ['reasoning > output', { outputTokens: 2, reasoningTokens: 3 }, /reasoningTokens \(3\) exceed outputTokens \(2\)/],
  ];
  it.each(bad)('refuses %s', (_name, u, message) => {
    let error: unknown;
    try {
      computeCost(p, usage(u));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TokjError);
    expect((error as TokjError).code).toBe('bad-usage');
    expect((error as TokjError).exitCode).toBe(3);
    expect((error as TokjError).message).toMatch(message);
  });
});

// Independent reference: rates as integers scaled by 10^SCALE, tokens as BigInt. No big.js,
// no floats: if computeCost ever rounded or went through a double, the sums would differ.
const SCALE = 30;
const ONE = 10n ** BigInt(SCALE);

function scaled(decimal: string): bigint {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(decimal);
  if (!m?.[1]) throw new Error(`not a plain decimal: ${decimal}`);
  const frac = m[2] ?? '';
  if (frac.length > SCALE) throw new Error(`more than ${SCALE} decimals: ${decimal}`);
  return BigInt(m[1]) * ONE + BigInt(frac.padEnd(SCALE, '0') || '0');
}

function referenceCost(entry: PriceEntry, u: Usage): bigint {
  const thresholds = [512, 272, 256, 200, 128];
  const fields = Object.keys(entry);
  const record: Record<string, unknown> = { ...entry };
  const tier = thresholds.find((n) => u.inputTokens > n * 1000 && fields.some((f) => f.endsWith(`_above_${n}k_tokens`)));
  const rate = (field: string): bigint | undefined => {
    const text = (tier === undefined ? undefined : record[`${field}_above_${tier}k_tokens`]) ?? record[field];
    return typeof text === 'string' ? scaled(text) : undefined;
  };
  const input = rate('input_cost_per_token') ?? 0n;
  const read = rate('cache_read_input_token_cost') ?? (entry.input_cost_per_token_cache_hit ? scaled(entry.input_cost_per_token_cache_hit) : input);
  const write5m = rate('cache_creation_input_token_cost') ?? input;
  const write1h = rate('cache_creation_input_token_cost_above_1hr') ?? write5m;
  const out = entry.mode === 'embedding' ? 0n : (rate('output_cost_per_token') ?? 0n);
  const reasoning = entry.mode === 'embedding' ? 0n : entry.output_cost_per_reasoning_token ? scaled(entry.output_cost_per_reasoning_token) : out;
  const w1h = BigInt(u.cacheWrite1hTokens ?? 0);
  return (
    BigInt(u.inputTokens - u.cacheReadTokens - u.cacheWriteTokens) * input +
    BigInt(u.cacheReadTokens) * read +
    (BigInt(u.cacheWriteTokens) - w1h) * write5m +
    w1h * write1h +
    BigInt(u.outputTokens - u.reasoningTokens) * out +
    BigInt(u.reasoningTokens) * reasoning
  );
}

// Shares in per-mille (integers): fc.double clusters at 0 and 1, which would rarely mix
// cache reads, 5m writes and 1h writes in one call.
const perMille = fc.integer({ min: 0, max: 1000 });
const usageArb: fc.Arbitrary<Usage> = fc
  .record({
    input: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 2_000_000 })),
    output: fc.integer({ min: 0, max: 200_000 }),
    read: perMille,
    write: perMille,
    oneHour: perMille,
    reasoning: perMille,
  })
  .map(({ input, output, read, write, oneHour, reasoning }) => {
    const cacheReadTokens = Math.floor((input * read) / 1000);
    const cacheWriteTokens = Math.floor(((input - cacheReadTokens) * write) / 1000);
    return {
      inputTokens: input,
      outputTokens: output,
      cacheReadTokens,
      cacheWriteTokens,
      cacheWrite1hTokens: Math.floor((cacheWriteTokens * oneHour) / 1000),
      reasoningTokens: Math.floor((output * reasoning) / 1000),
    };
  });

describe('exactness (property)', () => {
  const keys = Object.keys(table.entries);

  it('each cost equals the BigInt reference, and the big.js sum of many equals the BigInt sum', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...keys), usageArb), { minLength: 1, maxLength: 60 }), (calls) => {
        let expected = 0n;
        const costs: string[] = [];
        for (const [key, u] of calls) {
          const entry = table.entries[key] as PriceEntry;
          const cost = computeCost({ key, entry, matchedBy: 'exact', source: 'test' }, u);
          expect(cost.costUsd).toMatch(/^\d+(\.\d+)?$/);
          const ref = referenceCost(entry, u);
          expect(scaled(cost.costUsd)).toBe(ref);
          const parts = Object.values(cost.parts).reduce((s, p) => s + scaled(p), 0n);
          expect(parts).toBe(ref);
          expected += ref;
          costs.push(cost.costUsd);
        }
        expect(scaled(sumMoney(costs).toString())).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('computeCostUsd (integer-scaled fast path) equals computeCost for every shipped entry', () => {
    fc.assert(
      fc.property(fc.constantFrom(...keys), usageArb, (key, u) => {
        const p = { key, entry: table.entries[key] as PriceEntry, matchedBy: 'exact' as const, source: 'test' };
        expect(computeCostUsd(p, u)).toBe(computeCost(p, u).costUsd);
      }),
      { numRuns: 3000 },
    );
  });

  it('computeCostUsd falls back to big.js when a product would pass 2^53', () => {
    const p = synthetic({ input_cost_per_token: '0.000000000000000001234567', output_cost_per_token: '1234.5' });
    const u = usage({ inputTokens: 9_000_000_000_000, outputTokens: 9_000_000_000_000 });
    expect(computeCostUsd(p, u)).toBe(computeCost(p, u).costUsd);
    expect(computeCostUsd(p, u)).toBe('11110500000000000.000011111103');
  });
});

