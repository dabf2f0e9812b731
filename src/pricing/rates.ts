/**
 * The per-token rates in force for one call: its long-context tier, its service tier or
 * batch, its modalities. Rules (README, "How costs are computed"):
 * - a service tier or a batch takes the entry's `<rate>_flex` / `_priority` / `_batches`
 *   keys; a dated entry without them takes them from its alias (gpt-4o-2024-08-06 ->
 *   gpt-4o);
 * - a batch without batch keys is billed at 50% of the standard rates (the published rule
 *   of OpenAI, Anthropic and Google); so is flex (OpenAI bills flex at Batch API rates);
 * - priority without priority keys stays at the standard rates, and the record says so;
 * - audio and image tokens take the modality rates; without them, the text rates.
 */
import Big from 'big.js';
import { type Money, ZERO, parseRate } from '../core/money.js';
import type { Usage } from '../core/usage.js';
import { TIER_THRESHOLDS, type PriceEntry, type ResolvedPrice, type ServiceSuffix, type TierThreshold } from './types.js';

export type RateField =
  | 'input_cost_per_token'
  | 'output_cost_per_token'
  | 'cache_read_input_token_cost'
  | 'cache_creation_input_token_cost'
  | 'cache_creation_input_token_cost_above_1hr';

const LONG_CONTEXT_FIELDS: readonly RateField[] = [
  'input_cost_per_token',
  'output_cost_per_token',
  'cache_read_input_token_cost',
  'cache_creation_input_token_cost',
  'cache_creation_input_token_cost_above_1hr',
];

type EntryField = keyof PriceEntry & string;
const field = (name: string): EntryField => name as EntryField;
const text = (entry: PriceEntry | undefined, name: string): string | undefined => {
  const value = entry?.[field(name)];
  return typeof value === 'string' ? value : undefined;
};

/**
 * The long-context tier in force: the highest threshold (thousands of prompt tokens) the
 * prompt exceeds among those the entry prices, or null.
 */
export function longContextTier(entry: PriceEntry, promptTokens: number): TierThreshold | null {
  for (let i = TIER_THRESHOLDS.length - 1; i >= 0; i--) {
    const n = TIER_THRESHOLDS[i] as TierThreshold;
    if (promptTokens > n * 1000 && LONG_CONTEXT_FIELDS.some((f) => text(entry, `${f}_above_${n}k_tokens`) !== undefined)) return n;
  }
  return null;
}

/** The rate variant a call is billed at, from its tier and batch flag; null for standard. */
export function serviceOf(usage: Usage): ServiceSuffix | null {
  if (usage.batch || usage.serviceTier === 'batch') return 'batches';
  if (usage.serviceTier === 'flex') return 'flex';
  if (usage.serviceTier === 'priority') return 'priority';
  return null;
}

export interface Rates {
  input: Money;
  read: Money;
  write5m: Money;
  write1h: Money;
  output: Money;
  reasoning: Money;
  audioIn: Money;
  audioOut: Money;
  imageIn: Money;
  imageOut: Money;
  /** The rules applied where the table had no rate of its own ("batch: 50% of standard"). */
  rules: string[];
}

interface Lookup {
  entry: PriceEntry;
  alias: PriceEntry | undefined;
  tier: TierThreshold | null;
  service: ServiceSuffix | null;
  rules: Set<string>;
}

const HALF = new Big('0.5');

/** A standard rate with its long-context variant, as before tiers existed (no alias). */
function standard(l: Lookup, name: string): Money | undefined {
  const t = (l.tier === null ? undefined : text(l.entry, `${name}_above_${l.tier}k_tokens`)) ?? text(l.entry, name);
  return t === undefined ? undefined : parseRate(t);
}

/** The rate in force for the call's service, falling back by the rules above. */
function inForce(l: Lookup, name: string, fallback: Money, used = true): Money {
  const base = standard(l, name) ?? fallback;
  if (l.service === null) return base;
  const suffixed = l.tier === null ? `${name}_${l.service}` : `${name}_above_${l.tier}k_tokens_${l.service}`;
  const own = text(l.entry, suffixed) ?? text(l.alias, suffixed);
  if (own !== undefined) return parseRate(own);
  // A rule is named only when the call has tokens of that kind: it is what the cost rests on.
  if (l.service === 'priority') {
    if (used) l.rules.add('priority: standard rates (no priority rates in the price table)');
    return base;
  }
  if (used) l.rules.add(`${l.service === 'batches' ? 'batch' : 'flex'}: 50% of standard rates (no ${l.service} rates in the price table)`);
  return base.times(HALF);
}

/** The modality rate from the entry or its alias; undefined when neither lists one. */
function modality(l: Lookup, name: string): Money | undefined {
  const t = text(l.entry, name) ?? text(l.alias, name);
  // The entry's own rate wins in inForce; the alias's is the fallback it starts from.
  return t === undefined ? undefined : inForce(l, name, parseRate(t));
}

export function ratesFor(price: ResolvedPrice, usage: Usage, tier: TierThreshold | null): Rates {
  const entry = price.entry;
  const l: Lookup = { entry, alias: price.alias?.entry, tier, service: serviceOf(usage), rules: new Set() };
  const write1hTokens = usage.cacheWrite1hTokens ?? 0;
  const input = inForce(l, 'input_cost_per_token', parseRate(entry.input_cost_per_token), usage.inputTokens > usage.cacheReadTokens + usage.cacheWriteTokens);
  const hit = entry.input_cost_per_token_cache_hit;
  const read = inForce(l, 'cache_read_input_token_cost', hit === undefined ? input : parseRate(hit), usage.cacheReadTokens > 0);
  const write5m = inForce(l, 'cache_creation_input_token_cost', input, usage.cacheWriteTokens > write1hTokens);
  const write1h = inForce(l, 'cache_creation_input_token_cost_above_1hr', write5m, write1hTokens > 0);
  const embedding = entry.mode === 'embedding';
  const output = embedding ? ZERO : inForce(l, 'output_cost_per_token', ZERO, usage.outputTokens > 0);
  const reasoning =
    embedding || entry.output_cost_per_reasoning_token === undefined ? output : inForce(l, 'output_cost_per_reasoning_token', output, usage.reasoningTokens > 0);
  // Looked up only when the call has such tokens: a plain call's rules stay empty.
  const audioIn = usage.audioInputTokens ? (modality(l, 'input_cost_per_audio_token') ?? input) : input;
  const audioOut = usage.audioOutputTokens ? (modality(l, 'output_cost_per_audio_token') ?? output) : output;
  const imageIn = usage.imageInputTokens ? (modality(l, 'input_cost_per_image_token') ?? input) : input;
  const imageOut = usage.imageOutputTokens ? (modality(l, 'output_cost_per_image_token') ?? output) : output;
  return { input, read, write5m, write1h, output, reasoning, audioIn, audioOut, imageIn, imageOut, rules: [...l.rules] };
}

/**
 * The multiplier of Anthropic's US-only inference (`inference_geo: "us"`) and fast mode
 * (`speed: "fast"`) from the entry's provider_specific_entry; 1 where it lists none.
 */
export function rateMultiplier(entry: PriceEntry, usage: Usage): { factor: Money; rules: string[] } {
  let factor = new Big(1);
  const rules: string[] = [];
  const specific = entry.provider_specific_entry ?? {};
  for (const [key, value] of [['us', usage.inferenceGeo], ['fast', usage.speed]] as const) {
    if (value !== key) continue;
    const m = specific[key];
    if (m === undefined) rules.push(`${key === 'us' ? 'inference_geo' : 'speed'} ${key}: no multiplier in the price table`);
    else factor = factor.times(parseRate(m));
  }
  return { factor, rules };
}
