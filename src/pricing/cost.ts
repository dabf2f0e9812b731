/**
 * Cost of one call, exact: every rate is a decimal string, every product and sum goes
 * through big.js (exact for + and ×), so no binary floating point touches a cost.
 */
import { rejectedInput } from '../core/errors.js';
import Big from 'big.js';
import { type Money, ZERO, moneyToString, parseRate, scaledToString, tokensTimesRate } from '../core/money.js';
import type { Usage } from '../core/usage.js';
import { TIER_THRESHOLDS, type PriceEntry, type ResolvedPrice, type TierThreshold } from './types.js';

export interface CostParts {
  /** Uncached input: input - cache reads - cache writes, at the input rate. */
  input: string;
  cacheRead: string;
  /** 5-minute and 1-hour cache writes together. */
  cacheWrite: string;
  /** Output other than reasoning. */
  output: string;
  reasoning: string;
}

export interface Cost {
  /** USD, plain decimal ("0.01175"): the sum of the parts. */
  costUsd: string;
  parts: CostParts;
}

type RateField =
  | 'input_cost_per_token'
  | 'output_cost_per_token'
  | 'cache_read_input_token_cost'
  | 'cache_creation_input_token_cost'
  | 'cache_creation_input_token_cost_above_1hr';

function checkCount(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw rejectedInput(`usage ${name} must be a whole number of tokens, 0 or more; got ${String(value)}`, 'bad-usage');
  }
  return value;
}

/** Checks the counts a cost is computed from; the parts must fit inside their totals. */
export function validateUsage(usage: Usage): void {
  const input = checkCount('inputTokens', usage.inputTokens);
  const output = checkCount('outputTokens', usage.outputTokens);
  const read = checkCount('cacheReadTokens', usage.cacheReadTokens);
  const write = checkCount('cacheWriteTokens', usage.cacheWriteTokens);
  const reasoning = checkCount('reasoningTokens', usage.reasoningTokens);
  const write1h = usage.cacheWrite1hTokens === undefined ? 0 : checkCount('cacheWrite1hTokens', usage.cacheWrite1hTokens);
  if (read + write > input) {
    throw rejectedInput(
      `usage is inconsistent: cacheReadTokens (${read}) + cacheWriteTokens (${write}) exceed inputTokens (${input}); inputTokens must include cache reads and writes`,
      'bad-usage',
    );
  }
  if (write1h > write) {
    throw rejectedInput(
      `usage is inconsistent: cacheWrite1hTokens (${write1h}) exceed cacheWriteTokens (${write}); the 1-hour writes are part of all cache writes`,
      'bad-usage',
    );
  }
  if (reasoning > output) {
    throw rejectedInput(
      `usage is inconsistent: reasoningTokens (${reasoning}) exceed outputTokens (${output}); outputTokens must include reasoning`,
      'bad-usage',
    );
  }
}

const tierField = (field: RateField, n: TierThreshold): `${RateField}_above_${TierThreshold}k_tokens` => `${field}_above_${n}k_tokens`;
const RATE_FIELDS: readonly RateField[] = [
  'input_cost_per_token',
  'output_cost_per_token',
  'cache_read_input_token_cost',
  'cache_creation_input_token_cost',
  'cache_creation_input_token_cost_above_1hr',
];

/**
 * The long-context tier in force: the highest threshold (thousands of prompt tokens) the
 * prompt exceeds among those the entry prices, or null.
 */
export function longContextTier(entry: PriceEntry, promptTokens: number): TierThreshold | null {
  for (let i = TIER_THRESHOLDS.length - 1; i >= 0; i--) {
    const n = TIER_THRESHOLDS[i] as TierThreshold;
    if (promptTokens > n * 1000 && RATE_FIELDS.some((f) => entry[tierField(f, n)] !== undefined)) return n;
  }
  return null;
}

/** A rate in force: its long-context variant when the tier has one, else the base rate. */
function rateOf(entry: PriceEntry, field: RateField, tier: TierThreshold | null): Money | undefined {
  const text = (tier === null ? undefined : entry[tierField(field, tier)]) ?? entry[field];
  return text === undefined ? undefined : parseRate(text);
}

interface Rates {
  input: Money;
  read: Money;
  write5m: Money;
  write1h: Money;
  output: Money;
  reasoning: Money;
}

function ratesFor(entry: PriceEntry, tier: TierThreshold | null): Rates {
  const input = rateOf(entry, 'input_cost_per_token', tier) ?? parseRate(entry.input_cost_per_token);
  const read = rateOf(entry, 'cache_read_input_token_cost', tier) ?? (entry.input_cost_per_token_cache_hit === undefined ? input : parseRate(entry.input_cost_per_token_cache_hit));
  const write5m = rateOf(entry, 'cache_creation_input_token_cost', tier) ?? input;
  const write1h = rateOf(entry, 'cache_creation_input_token_cost_above_1hr', tier) ?? write5m;
  const embedding = entry.mode === 'embedding';
  const output = embedding ? ZERO : (rateOf(entry, 'output_cost_per_token', tier) ?? ZERO);
  const reasoning = embedding ? ZERO : entry.output_cost_per_reasoning_token === undefined ? output : parseRate(entry.output_cost_per_reasoning_token);
  return { input, read, write5m, write1h, output, reasoning };
}

/**
 * The cost of a call at a resolved price. Usage follows core/usage.ts: inputTokens includes
 * cache reads and writes, outputTokens includes reasoning. Throws on inconsistent usage.
 */
export function computeCost(price: ResolvedPrice, usage: Usage): Cost {
  validateUsage(usage);
  const entry = price.entry;
  const r = ratesFor(entry, longContextTier(entry, usage.inputTokens));
  const write1h = usage.cacheWrite1hTokens ?? 0;
  const uncached = usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens;
  const input = tokensTimesRate(uncached, r.input);
  const cacheRead = tokensTimesRate(usage.cacheReadTokens, r.read);
  const cacheWrite = tokensTimesRate(usage.cacheWriteTokens - write1h, r.write5m).plus(tokensTimesRate(write1h, r.write1h));
  const output = tokensTimesRate(usage.outputTokens - usage.reasoningTokens, r.output);
  const reasoning = tokensTimesRate(usage.reasoningTokens, r.reasoning);
  const total = input.plus(cacheRead).plus(cacheWrite).plus(output).plus(reasoning);
  return {
    costUsd: moneyToString(total),
    parts: {
      input: moneyToString(input),
      cacheRead: moneyToString(cacheRead),
      cacheWrite: moneyToString(cacheWrite),
      output: moneyToString(output),
      reasoning: moneyToString(reasoning),
    },
  };
}

/**
 * The same rates as integers at one scale (rate x 10^places), or null when one of them has
 * no exact integer form below 2^53.
 */
interface ScaledRates {
  places: number;
  input: number;
  read: number;
  write5m: number;
  write1h: number;
  output: number;
  reasoning: number;
}

const scaledByEntry = new WeakMap<PriceEntry, Map<TierThreshold | null, ScaledRates | null>>();

function scaledRates(entry: PriceEntry, tier: TierThreshold | null): ScaledRates | null {
  let byTier = scaledByEntry.get(entry);
  if (!byTier) scaledByEntry.set(entry, (byTier = new Map()));
  if (byTier.has(tier)) return byTier.get(tier)!;
  const rates = ratesFor(entry, tier);
  const all = Object.values(rates);
  // big.js keeps digits in c and the exponent in e: decimals = digits after the point.
  const places = Math.max(0, ...all.map((m) => m.c.length - m.e - 1));
  const scale = (m: Money): number => Number(m.times(new Big(10).pow(places)).toFixed(0));
  const scaled: ScaledRates | null =
    places <= 20 && all.every((m) => m.gte(0) && Number.isSafeInteger(scale(m)))
      ? { places, input: scale(rates.input), read: scale(rates.read), write5m: scale(rates.write5m), write1h: scale(rates.write1h), output: scale(rates.output), reasoning: scale(rates.reasoning) }
      : null;
  byTier.set(tier, scaled);
  return scaled;
}

/**
 * computeCost(price, usage).costUsd, for the paths that price many calls (imports, batches):
 * tokens times integer-scaled rates are exact in doubles while every product and the sum
 * stay below 2^53, which they do for any real call; otherwise big.js, as computeCost.
 */
export function computeCostUsd(price: ResolvedPrice, usage: Usage): string {
  validateUsage(usage);
  const r = scaledRates(price.entry, longContextTier(price.entry, usage.inputTokens));
  if (r !== null) {
    const write1h = usage.cacheWrite1hTokens ?? 0;
    const parts = [
      (usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens) * r.input,
      usage.cacheReadTokens * r.read,
      (usage.cacheWriteTokens - write1h) * r.write5m,
      write1h * r.write1h,
      (usage.outputTokens - usage.reasoningTokens) * r.output,
      usage.reasoningTokens * r.reasoning,
    ];
    let sum = 0;
    for (const p of parts) sum += p;
    if (Number.isSafeInteger(sum) && parts.every(Number.isSafeInteger)) return scaledToString(sum, r.places);
  }
  return computeCost(price, usage).costUsd;
}
