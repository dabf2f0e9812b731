/**
 * Normalized billable usage of one model call, following the OpenTelemetry GenAI
 * conventions (see test/fixtures/responses/README.md):
 * - inputTokens counts every prompt-side token billed: uncached + cache reads + cache writes;
 * - outputTokens counts every output-side token billed, reasoning included;
 * - the cache and reasoning counts are parts of those totals, never additions to them.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  /** All cache writes (5-minute and 1-hour TTL together). */
  cacheWriteTokens: number;
  /** The part of cacheWriteTokens written with a 1-hour TTL (Anthropic), when known. */
  cacheWrite1hTokens?: number;
  reasoningTokens: number;
  /** Parts of inputTokens/outputTokens in another modality, billed at their own rates. */
  audioInputTokens?: number;
  audioOutputTokens?: number;
  imageInputTokens?: number;
  imageOutputTokens?: number;
  /** The tier the response reports ('flex', 'priority', 'scale', Anthropic 'batch'); absent for the default tier. */
  serviceTier?: string;
  /** A Batch API result: billed at the batch rates. */
  batch?: boolean;
  /** Server-side tool uses billed per use, by tool ('web_search', 'code_interpreter', …). */
  toolCalls?: Record<string, number>;
  /** Anthropic data residency ('us') and speed ('fast'), where they change the price. */
  inferenceGeo?: string;
  speed?: string;
  /**
   * Passes of another model inside this call (an Anthropic advisor iteration): parts of the
   * totals above, each billed at its own model's rates.
   */
  subCalls?: SubCall[];
}

/** The token counts of a usage as the ledger and --dry-run write them (snake_case, the record's field names). */
export interface TokenCountFields {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
}

export function tokenCountFields(u: Usage): TokenCountFields {
  return { input_tokens: u.inputTokens, output_tokens: u.outputTokens, cache_read_tokens: u.cacheReadTokens, cache_write_tokens: u.cacheWriteTokens, reasoning_tokens: u.reasoningTokens };
}

export interface SubCall {
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export const ZERO_USAGE: Usage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
});

export function totalTokens(u: Usage): number {
  return u.inputTokens + u.outputTokens;
}
