/**
 * The pure pricing of what a call is billed for beyond tokens: tier and batch rates (with
 * the alias fallback and the 50% rule), modality rates, multipliers, tool fees, sub-calls.
 */
import { describe, expect, it } from 'vitest';
import type { Usage } from '../../src/core/usage.js';
import { billCall, computeCost, loadPriceTable, loadToolFeeTable, resolveModel, toolFees, type ResolvedPrice } from '../../src/pricing/index.js';

const table = loadPriceTable();
const fees = loadToolFeeTable();

function price(model: string, provider?: string): ResolvedPrice {
  const p = resolveModel(table, { provider, model });
  if (!p) throw new Error(`no price for ${model}`);
  return p;
}

function usage(u: Partial<Usage>): Usage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, ...u };
}

const bill = (model: string, u: Usage, provider = 'openai') =>
  billCall(price(model, provider), u, { provider, tables: () => ({ table, fees }), resolve: (m) => resolveModel(table, { provider, model: m }) });

describe('service tiers and batches', () => {
  it('priority gpt-4o-2024-08-06 takes gpt-4o priority rates from its alias (the issue: $0.01418 -> $0.024106)', () => {
    const p = price('gpt-4o-2024-08-06', 'openai');
    expect(p.alias?.key).toBe('gpt-4o');
    expect(computeCost(p, usage({ inputTokens: 1672, outputTokens: 1000 })).costUsd).toBe('0.01418');
    expect(computeCost(p, usage({ inputTokens: 1672, outputTokens: 1000, serviceTier: 'priority' })).costUsd).toBe('0.024106');
  });

  it('flex gpt-5 at its own flex keys: half of standard', () => {
    const u = usage({ inputTokens: 53, outputTokens: 469, reasoningTokens: 448, serviceTier: 'flex' });
    expect(computeCost(price('gpt-5-2025-08-07', 'openai'), u).costUsd).toBe('0.002378125');
    expect(computeCost(price('gpt-5-2025-08-07', 'openai'), { ...u, serviceTier: undefined }).costUsd).toBe('0.00475625');
  });

  it('a batch uses *_batches keys where the entry has them, else 50% of standard, and names the rule', () => {
    const keyed = computeCost(price('gpt-4o', 'openai'), usage({ inputTokens: 1000, outputTokens: 1000, batch: true }));
    expect(keyed).toMatchObject({ costUsd: '0.00625' });
    expect(keyed.rules).toBeUndefined();
    const half = computeCost(price('o3-mini-2025-01-31', 'openai'), usage({ inputTokens: 441, outputTokens: 568, reasoningTokens: 448, batch: true }));
    expect(half.costUsd).toBe('0.00149215');
    expect(half.rules).toEqual(['batch: 50% of standard rates (no batches rates in the price table)']);
  });

  it('priority without priority keys stays at standard rates and says so', () => {
    const c = computeCost(price('claude-sonnet-4-5', 'anthropic'), usage({ inputTokens: 1000, outputTokens: 100, serviceTier: 'priority' }));
    expect(c.costUsd).toBe('0.0045');
    expect(c.rules?.[0]).toMatch(/^priority: standard rates/);
  });
});

describe('modalities and multipliers', () => {
  it('audio input at the audio rate, the rest at the text rate', () => {
    const c = computeCost(price('gpt-4o-audio-preview-2024-12-17', 'openai'), usage({ inputTokens: 64, outputTokens: 9, audioInputTokens: 44 }));
    expect(c).toEqual({ costUsd: '0.0019', parts: { input: '0.00005', cacheRead: '0', cacheWrite: '0', output: '0.00009', reasoning: '0', audio: '0.00176' } });
  });

  it('image output tokens of a Gemini image model at output_cost_per_image_token', () => {
    expect(computeCost(price('gemini-3.1-flash-image', 'gemini'), usage({ inputTokens: 10, outputTokens: 1392, imageOutputTokens: 1120 })).costUsd).toBe('0.0676105');
  });

  it('refuses modality parts larger than their totals', () => {
    expect(() => computeCost(price('gpt-realtime', 'openai'), usage({ inputTokens: 10, audioInputTokens: 11 }))).toThrow(/inconsistent/);
  });

  it('Anthropic inference_geo "us" multiplies by the entry\'s us multiplier (1.1 on Opus 4.7)', () => {
    expect(computeCost(price('claude-opus-4-7', 'anthropic'), usage({ inputTokens: 1000, outputTokens: 1000, inferenceGeo: 'us' })).costUsd).toBe('0.033');
  });
});

describe('tool fees and sub-calls', () => {
  it('Anthropic web search from the model entry, $10 per 1,000', () => {
    const f = toolFees({ web_search: 2, web_fetch: 1 }, { provider: 'anthropic', price: price('claude-sonnet-4-5', 'anthropic'), table, fees });
    expect(f.totalUsd).toBe('0.02');
    expect(f.fees.map((x) => x.tool)).toEqual(['web_search', 'web_fetch']);
    expect(f.fees[0]!.source).toMatch(/search_context_cost_per_query$/);
  });

  it('Gemini 2.5 grounding: one fee per grounded prompt; Gemini 3: per query', () => {
    const g25 = toolFees({ google_search: 3 }, { provider: 'gemini', price: price('gemini-2.5-pro', 'gemini'), table, fees });
    expect(g25.totalUsd).toBe('0.035');
    const g3 = toolFees({ google_search: 3 }, { provider: 'gemini', price: price('gemini-3.6-flash', 'gemini'), table, fees });
    expect(g3.totalUsd).toBe('0.042');
  });

  it('a tool nobody prices is reported unpriced, not free', () => {
    const f = toolFees({ mystery_tool: 1 }, { provider: 'openai', price: price('gpt-4o', 'openai'), table, fees });
    expect(f).toMatchObject({ totalUsd: '0', unpriced: ['mystery_tool'] });
  });

  it('every row of the shipped tool-fee table names a source page and a date', () => {
    for (const row of fees.fees) {
      expect(row.source, row.tool).toMatch(/^https:\/\//);
      expect(row.as_of, row.tool).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(row.usd, row.tool).toMatch(/^\d+(\.\d+)?$/);
    }
  });

  it('an advisor pass is billed at its own model and the total adds up', () => {
    const u = usage({ inputTokens: 5142, outputTokens: 4074, subCalls: [{ model: 'claude-opus-4-7', inputTokens: 2728, outputTokens: 874, cacheReadTokens: 0, cacheWriteTokens: 0 }] });
    const b = bill('claude-sonnet-4-6', u, 'anthropic');
    expect(b).toMatchObject({ costUsd: '0.090732', tokenCostUsd: '0.090732' });
    expect(b?.subCalls?.[0]).toMatchObject({ model: 'claude-opus-4-7', cost_usd: '0.03549' });
  });

  it('an unpriced sub-call model leaves the whole call unpriced', () => {
    const u = usage({ inputTokens: 10, outputTokens: 10, subCalls: [{ model: 'no-such-model', inputTokens: 5, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 }] });
    expect(bill('claude-sonnet-4-6', u, 'anthropic')).toBeNull();
  });
});
