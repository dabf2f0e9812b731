/**
 * What `tokj pricing show` lists beyond the standard token rates: the rates a call pays on
 * each service tier and in a batch (and where each comes from: the entry, its alias, or a
 * rule), the audio and image token rates, and the tool fees that apply to the model.
 */
import { moneyToString, type Money } from '../core/money.js';
import type { Usage } from '../core/usage.js';
import { ratesFor } from './rates.js';
import { feeFamily, toolFees, type ToolFee, type ToolFeeTable } from './tool-fees.js';
import type { PriceTable, ResolvedPrice } from './types.js';

export interface TierRates {
  tier: 'flex' | 'priority' | 'batch';
  /** USD per token. */
  input: string;
  cacheRead: string;
  output: string;
  /** Where the table had no rate of its own: the rule used instead. */
  rules: string[];
}

export interface RateSheet {
  tiers: TierRates[];
  /** USD per token; absent where the entry (and its alias) lists none (text rates apply). */
  modalities: Partial<Record<'audio_input' | 'audio_output' | 'image_input' | 'image_output', string>>;
  tools: ToolFee[];
}

const probe: Usage = { inputTokens: 3, outputTokens: 1, cacheReadTokens: 1, cacheWriteTokens: 0, reasoningTokens: 0 };
const str = (m: Money): string => moneyToString(m);

/** Tools whose fees are looked up for a model, by the family of its maker. */
const TOOLS: Record<string, string[]> = {
  openai: ['web_search', 'web_search_preview', 'file_search', 'code_interpreter', 'image_generation:medium:1024x1024'],
  anthropic: ['web_search', 'web_fetch'],
  gemini: ['google_search', 'url_context'],
};

export function rateSheet(price: ResolvedPrice, provider: string, table: PriceTable, fees: ToolFeeTable): RateSheet {
  const tiers: TierRates[] = [];
  for (const tier of ['flex', 'priority', 'batch'] as const) {
    const usage: Usage = tier === 'batch' ? { ...probe, batch: true } : { ...probe, serviceTier: tier };
    const r = ratesFor(price, usage, null);
    tiers.push({ tier, input: str(r.input), cacheRead: str(r.read), output: str(r.output), rules: r.rules });
  }
  const standard = ratesFor(price, { ...probe, audioInputTokens: 1, audioOutputTokens: 1, imageInputTokens: 1, imageOutputTokens: 1 }, null);
  const modalities: RateSheet['modalities'] = {};
  const e = price.entry;
  const a = price.alias?.entry;
  if (e.input_cost_per_audio_token ?? a?.input_cost_per_audio_token) modalities.audio_input = str(standard.audioIn);
  if (e.output_cost_per_audio_token ?? a?.output_cost_per_audio_token) modalities.audio_output = str(standard.audioOut);
  if (e.input_cost_per_image_token ?? a?.input_cost_per_image_token) modalities.image_input = str(standard.imageIn);
  if (e.output_cost_per_image_token ?? a?.output_cost_per_image_token) modalities.image_output = str(standard.imageOut);
  const family = feeFamily(provider, price);
  const calls = Object.fromEntries((TOOLS[family] ?? []).map((t) => [t, 1]));
  const tools = toolFees(calls, { provider, price, table, fees }).fees;
  return { tiers, modalities, tools };
}
