/**
 * Chat Completions usage, shared by complete bodies and streams.
 *
 * Counting rules (test/fixtures/responses/README.md):
 * - prompt_tokens already includes cached tokens (DeepSeek reports the same hits twice,
 *   as cached_tokens and prompt_cache_hit_tokens: counted once);
 * - completion_tokens includes reasoning, except at xAI where
 *   prompt + completion + reasoning = total;
 * - durations (Groq), credits (OpenRouter `cost`) and cost ticks (xAI) are not tokens and
 *   are never read.
 */
import type { Usage } from '../core/usage.js';
import { buildCall, guardCounts, isObject, objectAt, readCount, readLabel, requireCount, sumCounts } from './counts.js';
import type { CallLabels } from './counts.js';
import type { Extraction, JsonObject } from './types.js';
import { displayName, excludesReasoning, ruleFromTotal } from './vendor.js';

/** Where the usage sits: top level, or under x_groq in Groq's streams. */
export function findChatUsage(payload: JsonObject): unknown {
  if (isObject(payload.usage)) return payload.usage;
  const groq = objectAt(payload, 'x_groq');
  if (groq && isObject(groq.usage)) return groq.usage;
  return payload.usage;
}

/** Groq's own request id (x_groq.id) is the one its logs and support know. */
export function readChatRequestId(payload: JsonObject, vendor: string): string | null {
  if (vendor === 'groq') return readLabel(objectAt(payload, 'x_groq')?.id) ?? readLabel(payload.id);
  return readLabel(payload.id);
}

/** Normalizes one Chat Completions `usage` object. Throws CountError on bad counts. */
export function normalizeChatUsage(usage: JsonObject, vendor: string): Usage {
  const prompt = requireCount(usage, 'prompt_tokens', 'usage');
  const completion = requireCount(usage, 'completion_tokens', 'usage');
  const total = readCount(usage, 'total_tokens', 'usage');
  const promptDetails = objectAt(usage, 'prompt_tokens_details');
  const completionDetails = objectAt(usage, 'completion_tokens_details');
  // One quantity under two names (DeepSeek): take cached_tokens, fall back to the other.
  const cacheRead =
    readCount(promptDetails, 'cached_tokens', 'usage.prompt_tokens_details') ??
    readCount(usage, 'prompt_cache_hit_tokens', 'usage') ??
    0;
  // OpenRouter reports cache writes (Anthropic/Gemini upstreams) inside prompt_tokens.
  const cacheWrite = readCount(promptDetails, 'cache_write_tokens', 'usage.prompt_tokens_details') ?? 0;
  const reasoning = readCount(completionDetails, 'reasoning_tokens', 'usage.completion_tokens_details') ?? 0;
  let output = completion;
  if (excludesReasoning(vendor)) {
    output = sumCounts(completion, reasoning);
  } else if (
    ruleFromTotal(vendor) &&
    total !== undefined &&
    sumCounts(prompt, completion) !== total &&
    sumCounts(prompt, completion, reasoning) === total
  ) {
    // An unknown vendor whose total only adds up with reasoning outside completion counts
    // like xAI. Known vendors keep the README's rule even when their total disagrees.
    output = sumCounts(completion, reasoning);
  }
  return {
    inputTokens: prompt,
    outputTokens: output,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: reasoning,
    // Audio and image tokens are parts of prompt/completion, billed at their own rates.
    audioInputTokens: readCount(promptDetails, 'audio_tokens', 'usage.prompt_tokens_details') ?? 0,
    imageInputTokens: readCount(promptDetails, 'image_tokens', 'usage.prompt_tokens_details') ?? 0,
    audioOutputTokens: readCount(completionDetails, 'audio_tokens', 'usage.completion_tokens_details') ?? 0,
    imageOutputTokens: readCount(completionDetails, 'image_tokens', 'usage.completion_tokens_details') ?? 0,
  };
}

/** Extracts a call from a chat usage object found in a complete body or a stream. */
export function extractChatUsage(usage: unknown, labels: CallLabels, billing: Partial<Usage> = {}): Extraction {
  const name = displayName(labels.provider);
  if (usage === null) {
    return { ok: false, code: 'usage_null', message: `${name} payload has "usage": null: no token counts`, ...labels };
  }
  if (!isObject(usage)) {
    return { ok: false, code: 'bad_count', message: `${name} payload has a usage that is not an object`, ...labels };
  }
  return guardCounts(() => buildCall(labels, { ...normalizeChatUsage(usage, labels.provider), ...billing }), labels);
}

