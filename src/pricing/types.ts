/**
 * The shipped price table (pricing/prices.json, built by scripts/build-prices.mjs from a
 * LiteLLM snapshot). Every rate is an exact decimal string in USD per token.
 */

export type PriceMode = 'chat' | 'completion' | 'embedding' | 'responses' | 'realtime' | 'image_generation';

/** The rate variants of a service tier or the Batch API: `input_cost_per_token_flex`, … */
export type ServiceSuffix = 'flex' | 'priority' | 'batches';

/** Long-context thresholds, in thousands of prompt tokens. */
export const TIER_THRESHOLDS = [128, 200, 256, 272, 512] as const;
export type TierThreshold = (typeof TIER_THRESHOLDS)[number];

export interface PriceEntry {
  /** LiteLLM's provider key (openai, anthropic, gemini, vertex_ai-language-models, bedrock, ...). */
  litellm_provider: string;
  mode: PriceMode;
  input_cost_per_token: string;
  /** Absent only on some embedding entries (output costs nothing). */
  output_cost_per_token?: string;
  cache_read_input_token_cost?: string;
  /** deepseek's older name for the cache-read rate. */
  input_cost_per_token_cache_hit?: string;
  /** Cache write with the default 5-minute TTL. */
  cache_creation_input_token_cost?: string;
  /** Cache write with the 1-hour TTL (the name says "above_1hr"; it is the 1h write rate). */
  cache_creation_input_token_cost_above_1hr?: string;
  output_cost_per_reasoning_token?: string;
  max_input_tokens?: number;
  deprecation_date?: string;
  /** URL the upstream entry's prices were taken from. */
  source?: string;
  /** `<rate>_above_<N>k_tokens`: the rate when the prompt exceeds N thousand tokens. */
  [tier: `${string}_above_${number}k_tokens`]: string | undefined;
  // Spelled out: TypeScript matches the pattern above at the first "_above_" only.
  [tier1h: `cache_creation_input_token_cost_above_1hr_above_${number}k_tokens`]: string | undefined;
  /** `<rate>[_above_Nk_tokens]_<flex|priority|batches>`: the rate on that tier or in a batch. */
  [service: `${string}_${ServiceSuffix}`]: string | undefined;
  input_cost_per_audio_token?: string;
  output_cost_per_audio_token?: string;
  input_cost_per_image_token?: string;
  output_cost_per_image_token?: string;
  /** USD per web search (grounded prompt or query) by search context size. */
  search_context_cost_per_query?: Record<string, string>;
  /** 'per_query' (Gemini 3: each query) or absent (per grounded prompt / request). */
  web_search_billing_unit?: string;
  /** Rate multipliers: `us` (Anthropic US-only inference), `fast` (fast mode). */
  provider_specific_entry?: Record<string, string>;
}

/** A price of a tool rather than of tokens (prices.json `tools`). */
export interface ToolPrice {
  litellm_provider: string;
  code_interpreter_cost_per_session?: string;
  cost_per_image?: string;
}

export interface PriceTable {
  source: string;
  /** ISO time of the upstream snapshot, e.g. "2026-07-24T18:23:43Z". */
  snapshot: string;
  license: string;
  entries: Record<string, PriceEntry>;
  /** Tool prices from the snapshot (container sessions, per-image prices); may be absent. */
  tools?: Record<string, ToolPrice>;
}

/** How a model name was matched to a price; frozen into records for auditing. */
export type MatchKind =
  /** A user price from the journal's configuration. */
  | 'user'
  /** The table key, exactly as given. */
  | 'exact'
  /** The table key, ignoring case. */
  | 'case'
  /** After adding or removing a provider route prefix (openai/, gemini/, models/, xai/...). */
  | 'prefix'
  /** A Vertex `@version` (gemini-2.5-pro@001, claude-3-5-sonnet@20240620) mapped to its base. */
  | 'vertex-version'
  /** A dated snapshot (-YYYY-MM-DD, -YYYYMMDD) priced as its base model. */
  | 'snapshot';

export interface ResolvedPrice {
  /** The table key, or `<provider>/<model>` for a user price. */
  key: string;
  entry: PriceEntry;
  matchedBy: MatchKind;
  /** e.g. "litellm@2026-07-24:gpt-4o" or "user:token_collection_config.md:openai/my-model". */
  source: string;
  /**
   * The undated entry a dated key belongs to (gpt-4o-2024-08-06 -> gpt-4o): supplies the
   * tier, batch and modality rates the dated entry lacks.
   */
  alias?: { key: string; entry: PriceEntry };
}
