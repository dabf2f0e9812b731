/**
 * Cost of one call, exact: every rate is a decimal string, every product and sum goes
 * through big.js (exact for + and ×), so no binary floating point touches a cost.
 */
import { rejectedInput } from '../core/errors.js';
import Big from 'big.js';
import { type Money, moneyToString, scaledToString, tokensTimesRate } from '../core/money.js';
import type { Usage } from '../core/usage.js';
import { longContextTier, rateMultiplier, ratesFor } from './rates.js';
import type { PriceEntry, ResolvedPrice, TierThreshold } from './types.js';

export { longContextTier };

export interface CostParts {
  /** Uncached input: input - cache reads - cache writes, at the input rate. */
  input: string;
  cacheRead: string;
  /** 5-minute and 1-hour cache writes together. */
  cacheWrite: string;
  /** Output other than reasoning. */
  output: string;
  reasoning: string;
  /** Audio input and output at their rates; only when the call has audio tokens. */
  audio?: string;
  /** Image input and output at their rates; only when the call has image tokens. */
  image?: string;
}

export interface Cost {
  /** USD, plain decimal ("0.01175"): the sum of the parts. */
  costUsd: string;
  parts: CostParts;
  /** The fallback rules applied (rates.ts), when any. */
  rules?: string[];
}

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
  const count = (name: keyof Usage): number => (usage[name] === undefined ? 0 : checkCount(name, usage[name]));
  const inParts = count('audioInputTokens') + count('imageInputTokens');
  const outParts = count('audioOutputTokens') + count('imageOutputTokens');
  if (inParts > input || outParts + reasoning > output) {
    throw rejectedInput(
      `usage is inconsistent: audio and image tokens are parts of input (${inParts} of ${input}) and of output beside reasoning (${outParts} + ${reasoning} of ${output})`,
      'bad-usage',
    );
  }
}

/**
 * The cost of a call at a resolved price. Usage follows core/usage.ts: inputTokens includes
 * cache reads and writes, outputTokens includes reasoning. Throws on inconsistent usage.
 */
export function computeCost(price: ResolvedPrice, usage: Usage): Cost {
  validateUsage(usage);
  const entry = price.entry;
  const r = ratesFor(price, usage, longContextTier(entry, usage.inputTokens));
  const write1h = usage.cacheWrite1hTokens ?? 0;
  const uncached = usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens;
  // Modality parts are billed out of the uncached input first; any beyond it were cached
  // (Realtime caches audio) and stay at the cache-read rate.
  const audioIn = Math.min(usage.audioInputTokens ?? 0, uncached);
  const imageIn = Math.min(usage.imageInputTokens ?? 0, uncached - audioIn);
  const audioOut = usage.audioOutputTokens ?? 0;
  const imageOut = usage.imageOutputTokens ?? 0;
  const input = tokensTimesRate(uncached - audioIn - imageIn, r.input);
  const cacheRead = tokensTimesRate(usage.cacheReadTokens, r.read);
  const cacheWrite = tokensTimesRate(usage.cacheWriteTokens - write1h, r.write5m).plus(tokensTimesRate(write1h, r.write1h));
  const output = tokensTimesRate(usage.outputTokens - usage.reasoningTokens - audioOut - imageOut, r.output);
  const reasoning = tokensTimesRate(usage.reasoningTokens, r.reasoning);
  const audio = tokensTimesRate(audioIn, r.audioIn).plus(tokensTimesRate(audioOut, r.audioOut));
  const image = tokensTimesRate(imageIn, r.imageIn).plus(tokensTimesRate(imageOut, r.imageOut));
  const { factor, rules } = rateMultiplier(entry, usage);
  const scale = (m: Money): Money => (factor.eq(1) ? m : m.times(factor));
  const parts: CostParts = {
    input: moneyToString(scale(input)),
    cacheRead: moneyToString(scale(cacheRead)),
    cacheWrite: moneyToString(scale(cacheWrite)),
    output: moneyToString(scale(output)),
    reasoning: moneyToString(scale(reasoning)),
  };
  // Only calls with such tokens have these parts: a plain call's parts read as before.
  if (audioIn + audioOut > 0) parts.audio = moneyToString(scale(audio));
  if (imageIn + imageOut > 0) parts.image = moneyToString(scale(image));
  const total = scale(input.plus(cacheRead).plus(cacheWrite).plus(output).plus(reasoning).plus(audio).plus(image));
  const allRules = [...r.rules, ...rules];
  return { costUsd: moneyToString(total), parts, ...(allRules.length > 0 ? { rules: allRules } : {}) };
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

const PLAIN: Usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };

/** Tokens alone: no tier, batch, modality or multiplier (the integer fast path applies). */
export function isPlain(u: Usage): boolean {
  return !u.batch && !u.serviceTier && !u.audioInputTokens && !u.audioOutputTokens && !u.imageInputTokens && !u.imageOutputTokens && !u.inferenceGeo && !u.speed;
}

const scaledByEntry = new WeakMap<PriceEntry, Map<TierThreshold | null, ScaledRates | null>>();

function scaledRates(entry: PriceEntry, tier: TierThreshold | null): ScaledRates | null {
  let byTier = scaledByEntry.get(entry);
  if (!byTier) scaledByEntry.set(entry, (byTier = new Map()));
  if (byTier.has(tier)) return byTier.get(tier)!;
  const { input, read, write5m, write1h, output, reasoning } = ratesFor({ key: '', entry, matchedBy: 'exact', source: '' }, PLAIN, tier);
  const rates = { input, read, write5m, write1h, output, reasoning };
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
  // Tiers, batches, modalities and multipliers take the exact path; the fast one is for
  // the plain calls imports are made of.
  if (!isPlain(usage)) return computeCost(price, usage).costUsd;
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
