/**
 * Suggestions computed from the report's own totals, each with the dollars at stake:
 * - cheaper model: the same tokens priced on the cheapest model that may stand in for it
 *   (pricing/family.ts: the same provider and family, the same purposes, not older, not a
 *   preview; not deprecated by the report's day, not a fine-tune, not free, and taking
 *   prompts as long as the largest one seen), at base rates;
 * - heavy operation: an operation whose calls average more than twice the overall tokens
 *   per call (with at least MIN_OPERATION_CALLS calls): what its calls cost above the average;
 * - prompt caching: a model and agent with at least MIN_CACHE_CALLS prompts over
 *   LARGE_PROMPT_TOKENS tokens reading less than 10% of them from the cache: the saving if
 *   half of that input were cache reads at the model's cache-read rate;
 * - retries: what calls with attempt N or N/M, N > 1, cost.
 * A suggestion is made only when it saves at least MIN_SAVING_USD and MIN_SAVING_PERCENT of
 * what it is about (the model's, operation's or agent's cost; for retries, the whole spend):
 * a fraction of a cent, or a few percent of a large bill, is not worth acting on.
 * Money is exact except where a ratio is involved (heavy operations), rounded to 1e-6 USD.
 */
import Big from 'big.js';
import { formatCount, formatUsd, moneyToString, parseRate, ZERO, type Money } from '../core/money.js';
import { canStandIn, resolveModel, type PriceEntry, type PriceTable, type UserPrice } from '../pricing/index.js';
import { plural } from '../views/format.js';
import { LARGE_PROMPT_TOKENS, type Aggregator } from './aggregate.js';
import type { Tally } from './tally.js';
import type { Suggestion } from './types.js';

export const MIN_OPERATION_CALLS = 5;
export const HEAVY_FACTOR = 2;
export const MIN_CACHE_CALLS = 10;
/** Cache reads below this share of large prompts' input count as "low". */
export const LOW_CACHE_SHARE = 0.1;
/** The least a suggestion must save, in USD and as a percentage of what it is about. */
export const MIN_SAVING_USD = '0.01';
export const MIN_SAVING_PERCENT = 5;

/** Is saving `saving` of `of` worth a suggestion? */
export function worthSaying(saving: Money, of: Money): boolean {
  return saving.gte(MIN_SAVING_USD) && saving.times(100).gte(of.times(MIN_SAVING_PERCENT));
}

export interface SuggestionsInput {
  agg: Aggregator;
  table: PriceTable;
  /** "YYYY-MM-DD": entries deprecated on or before this day are not suggested. */
  today: string;
  /** The journal's Custom Prices: a model's own rates come from here first, as when recording. */
  userPrices?: readonly UserPrice[];
}

interface Rates {
  input: Money;
  cacheRead: Money;
  cacheWrite: Money;
  cacheWrite1h: Money;
  output: Money;
  reasoning: Money;
}

/** Base (not long-context) rates, with the fallbacks pricing/cost.ts uses. */
export function ratesOf(entry: PriceEntry): Rates {
  const input = parseRate(entry.input_cost_per_token);
  const cacheRead = parseRate(entry.cache_read_input_token_cost ?? entry.input_cost_per_token_cache_hit ?? entry.input_cost_per_token);
  const cacheWrite = entry.cache_creation_input_token_cost === undefined ? input : parseRate(entry.cache_creation_input_token_cost);
  const cacheWrite1h = entry.cache_creation_input_token_cost_above_1hr === undefined ? cacheWrite : parseRate(entry.cache_creation_input_token_cost_above_1hr);
  const output = entry.output_cost_per_token === undefined ? ZERO : parseRate(entry.output_cost_per_token);
  const reasoning = entry.output_cost_per_reasoning_token === undefined ? output : parseRate(entry.output_cost_per_reasoning_token);
  return { input, cacheRead, cacheWrite, cacheWrite1h, output, reasoning };
}

/** What a group's tokens cost at the given rates. */
export function costAt(t: Tally, r: Rates): Money {
  const uncached = Math.max(0, t.input - t.cacheRead - t.cacheWrite);
  return r.input
    .times(uncached)
    .plus(r.cacheRead.times(t.cacheRead))
    .plus(r.cacheWrite.times(t.cacheWrite - t.cacheWrite1h))
    .plus(r.cacheWrite1h.times(t.cacheWrite1h))
    .plus(r.output.times(t.output - t.reasoning))
    .plus(r.reasoning.times(t.reasoning));
}

const perMillion = (rate: Money): string => `${formatUsd(rate.times(1_000_000))}/1M`;
const percent = (part: Money, whole: Money): string => (whole.eq(0) ? 'n/a' : `${part.times(100).div(whole).toFixed(1)}%`);

interface Candidate {
  key: string;
  entry: PriceEntry;
  rates: Rates;
}

function alternatives(table: PriceTable, provider: string, today: string, cache: Map<string, Candidate[]>): Candidate[] {
  let list = cache.get(provider);
  if (list !== undefined) return list;
  list = [];
  for (const [key, entry] of Object.entries(table.entries)) {
    if (entry.litellm_provider !== provider || entry.mode !== 'chat' || key.startsWith('ft:')) continue;
    if (typeof entry.input_cost_per_token !== 'string') continue;
    if (entry.deprecation_date !== undefined && entry.deprecation_date <= today) continue;
    const rates = ratesOf(entry);
    if (rates.input.eq(0) && rates.output.eq(0)) continue; // experimental entries listed at $0
    list.push({ key, entry, rates });
  }
  cache.set(provider, list);
  return list;
}

function cheaperModels({ agg, table, today, userPrices = [] }: SuggestionsInput): Suggestion[] {
  const out: Suggestion[] = [];
  const cache = new Map<string, Candidate[]>();
  for (const models of agg.models.values()) {
    for (const m of models.values()) {
      if (m.calls === 0 || m.unpriced > 0) continue;
      const actual = m.cost.toMoney();
      const price = resolveModel(table, { provider: m.provider, model: m.model }, userPrices);
      if (price === null || price.entry.mode !== 'chat' || actual.eq(0)) continue;
      let best: { c: Candidate; cost: Money } | null = null;
      for (const c of alternatives(table, price.entry.litellm_provider, today, cache)) {
        if (c.key === price.key || (c.entry.max_input_tokens !== undefined && c.entry.max_input_tokens < m.maxInput)) continue;
        if (!canStandIn(price.key, c.key)) continue;
        const cost = costAt(m, c.rates);
        const order = best === null ? -1 : cost.cmp(best.cost) || c.key.length - best.c.key.length || (c.key < best.c.key ? -1 : 1);
        if (order < 0) best = { c, cost };
      }
      if (best === null || best.cost.gte(actual)) continue;
      const saving = actual.minus(best.cost);
      if (!worthSaying(saving, actual)) continue;
      out.push({
        kind: 'cheaper-model',
        text: `${m.model} (${m.provider}): ${plural(m.calls, 'call')} cost ${formatUsd(actual)}; the same tokens on ${best.c.key} would have cost ${formatUsd(best.cost)}, ${formatUsd(saving)} less (${percent(saving, actual)}), where it does the job well enough.`,
        saving_usd: moneyToString(saving),
        detail: { provider: m.provider, model: m.model, calls: m.calls, cost_usd: moneyToString(actual), alternative: best.c.key, alternative_cost_usd: moneyToString(best.cost) },
      });
    }
  }
  return out;
}

function heavyOperations({ agg }: SuggestionsInput): Suggestion[] {
  const out: Suggestion[] = [];
  const calls = agg.total.calls;
  const tokens = agg.total.input + agg.total.output;
  if (calls === 0 || tokens === 0) return out;
  for (const [operation, t] of agg.operations) {
    if (operation === null || t.calls < MIN_OPERATION_CALLS) continue;
    const opTokens = t.input + t.output;
    // opTokens / t.calls > HEAVY_FACTOR * tokens / calls, cross-multiplied (exact: products can pass 2^53).
    const scaled = new Big(opTokens).times(calls);
    const average = new Big(tokens).times(t.calls);
    if (scaled.lte(average.times(HEAVY_FACTOR))) continue;
    const cost = t.cost.toMoney();
    if (cost.eq(0)) continue;
    // Above the average: cost * (1 - average / opAverage) = cost * (scaled - average) / scaled.
    const excess = cost.times(scaled.minus(average)).div(scaled).round(6, Big.roundHalfUp);
    const ratio = scaled.div(average).toFixed(1);
    if (!worthSaying(excess, cost)) continue;
    out.push({
      kind: 'heavy-operation',
      text: `Operation ${JSON.stringify(operation)}: ${plural(t.calls, 'call')} average ${formatCount(Math.round(opTokens / t.calls))} tokens, ${ratio}x the overall ${formatCount(Math.round(tokens / calls))}; at the overall average they would have cost ${formatUsd(excess)} less (of ${formatUsd(cost)}): trim what these prompts carry.`,
      saving_usd: moneyToString(excess),
      detail: { operation, calls: t.calls, tokens_per_call: Math.round(opTokens / t.calls), overall_tokens_per_call: Math.round(tokens / calls), cost_usd: moneyToString(cost) },
    });
  }
  return out;
}

function promptCaching({ agg, table, userPrices = [] }: SuggestionsInput): Suggestion[] {
  const out: Suggestion[] = [];
  for (const models of agg.models.values()) {
    for (const m of models.values()) {
      if (m.unpriced > 0 || m.largeByAgent.size === 0) continue;
      const price = resolveModel(table, { provider: m.provider, model: m.model }, userPrices);
      if (price === null) continue;
      const rates = ratesOf(price.entry);
      if (!rates.cacheRead.lt(rates.input)) continue;
      for (const [agent, t] of m.largeByAgent) {
        if (t.calls < MIN_CACHE_CALLS || t.cacheRead >= t.input * LOW_CACHE_SHARE) continue;
        const uncached = t.input - t.cacheRead - t.cacheWrite;
        const half = new Big(t.input).div(2).minus(t.cacheRead);
        const extra = half.gt(uncached) ? new Big(uncached) : half;
        if (extra.lte(0)) continue;
        const saving = extra.times(rates.input.minus(rates.cacheRead));
        if (!worthSaying(saving, t.cost.toMoney())) continue;
        out.push({
          kind: 'prompt-caching',
          text: `${m.model}${agent === null ? '' : ` for agent ${agent}`}: ${plural(t.calls, 'call')} with prompts over ${formatCount(LARGE_PROMPT_TOKENS)} tokens read ${percent(new Big(t.cacheRead), new Big(t.input))} of their ${formatCount(t.input)} input tokens from the prompt cache; with half of it cached (${perMillion(rates.cacheRead)} instead of ${perMillion(rates.input)}) they would have cost ${formatUsd(saving)} less: put the stable part of the prompt first and enable caching.`,
          saving_usd: moneyToString(saving),
          detail: { provider: m.provider, model: m.model, agent, calls: t.calls, input_tokens: t.input, cache_read_tokens: t.cacheRead, cost_usd: t.cost.toString() },
        });
      }
    }
  }
  return out;
}

function retries({ agg }: SuggestionsInput): Suggestion[] {
  const r = agg.retries;
  if (r.calls === 0) return [];
  const cost = r.cost.toMoney();
  if (!worthSaying(cost, agg.total.cost.toMoney())) return [];
  const worst = [...agg.retriesByModel].map(([model, t]) => ({ model, cost: t.cost.toMoney(), calls: t.calls })).sort((a, b) => b.cost.cmp(a.cost) || b.calls - a.calls)[0]!;
  return [
    {
      kind: 'retries',
      text: `${plural(r.calls, 'retried call')} (attempt 2 or later) cost ${formatUsd(cost)}, ${percent(cost, agg.total.cost.toMoney())} of the spend; the most on ${worst.model} (${plural(worst.calls, 'call')}, ${formatUsd(worst.cost)}): fixing what makes calls fail saves that.`,
      saving_usd: moneyToString(cost),
      detail: { calls: r.calls, tokens: r.input + r.output, unpriced_calls: r.unpriced, top_model: worst.model, top_model_cost_usd: moneyToString(worst.cost) },
    },
  ];
}

/** Every suggestion, the largest dollar figure first. */
export function computeSuggestions(input: SuggestionsInput): Suggestion[] {
  const all = [...cheaperModels(input), ...heavyOperations(input), ...promptCaching(input), ...retries(input)];
  return all.sort((a, b) => new Big(b.saving_usd).cmp(a.saving_usd) || (a.text < b.text ? -1 : 1));
}
