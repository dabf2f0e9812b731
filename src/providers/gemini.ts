/**
 * Gemini API and Vertex AI generateContent / streamGenerateContent (SSE or JSON array).
 *
 * promptTokenCount includes cachedContentTokenCount (a cache read). candidatesTokenCount
 * EXCLUDES thoughtsTokenCount: billed output is candidates + thoughts. Tool-use prompt
 * tokens are billed as input and sit outside promptTokenCount; with them
 * input + output = totalTokenCount. Zero counts are simply omitted (proto3 JSON).
 *
 * Stream chunks have exactly the shape of complete responses and each repeats the
 * CUMULATIVE usageMetadata: the last chunk wins, summing chunks multiplies the call. A
 * stream cut early still shows a plausible running total, so a stream counts only once it
 * is seen to finish (a finishReason, a prompt block reason, or the closing `]`).
 */
import type { Usage } from '../core/usage.js';
import { modalityCount, tierOf } from './billing-read.js';
import { buildCall, guardCounts, isObject, objectAt, readCount, readLabel, sumCounts } from './counts.js';
import type { CallLabels } from './counts.js';
import { createOutputText } from './output-text.js';
import type { OutputText } from './output-text.js';
import type { ExtractContext, Extraction, JsonObject, ProviderModule, StreamAccumulator } from './types.js';
import { displayName } from './vendor.js';

function normalizeGeminiUsage(meta: JsonObject): Usage | null {
  const path = 'usageMetadata';
  const prompt = readCount(meta, 'promptTokenCount', path);
  const total = readCount(meta, 'totalTokenCount', path);
  if (prompt === undefined && total === undefined) return null;
  const toolPrompt = readCount(meta, 'toolUsePromptTokenCount', path) ?? 0;
  const cached = readCount(meta, 'cachedContentTokenCount', path) ?? 0;
  const candidates = readCount(meta, 'candidatesTokenCount', path) ?? 0;
  const thoughts = readCount(meta, 'thoughtsTokenCount', path) ?? 0;
  const inDetails = [meta.promptTokensDetails, meta.toolUsePromptTokensDetails];
  const inPart = (m: string): number => sumCounts(...inDetails.map((d) => modalityCount(d, m, `${path}.promptTokensDetails`)));
  const outPart = (m: string): number => modalityCount(meta.candidatesTokensDetails, m, `${path}.candidatesTokensDetails`);
  return {
    inputTokens: sumCounts(prompt ?? 0, toolPrompt),
    outputTokens: sumCounts(candidates, thoughts),
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
    audioInputTokens: inPart('AUDIO'),
    imageInputTokens: inPart('IMAGE'),
    audioOutputTokens: outPart('AUDIO'),
    imageOutputTokens: outPart('IMAGE'),
    ...tierOf(meta.serviceTier),
  };
}

/**
 * Grounding with Google Search: the queries the model ran (`webSearchQueries`, in the last
 * chunk of a stream). Billed per grounded prompt on 2.5 models, per query on Gemini 3 (the
 * price table's web_search_billing_unit decides); URL context has no fee.
 */
function searchQueries(payload: JsonObject): number {
  let n = 0;
  for (const c of Array.isArray(payload.candidates) ? payload.candidates : []) {
    const grounding = objectAt(c, 'groundingMetadata');
    if (Array.isArray(grounding?.webSearchQueries)) n += grounding.webSearchQueries.length;
  }
  return n;
}

function withSearch(usage: Usage, queries: number): Usage {
  return queries > 0 ? { ...usage, toolCalls: { google_search: queries } } : usage;
}

/** Vertex adds createTime and a trafficType the Gemini API does not send. */
function isVertex(payload: JsonObject): boolean {
  return 'createTime' in payload || 'trafficType' in (objectAt(payload, 'usageMetadata') ?? {});
}

function appendText(payload: JsonObject, text: OutputText): void {
  for (const candidate of Array.isArray(payload.candidates) ? payload.candidates : []) {
    const parts = objectAt(candidate, 'content')?.parts;
    for (const part of Array.isArray(parts) ? parts : []) if (isObject(part)) text.append(part.text);
  }
}

function isFinished(payload: JsonObject): boolean {
  if (typeof objectAt(payload, 'promptFeedback')?.blockReason === 'string') return true;
  const candidates = Array.isArray(payload.candidates) ? payload.candidates : [];
  return candidates.some((c) => isObject(c) && typeof c.finishReason === 'string');
}

function usageCall(meta: JsonObject, labels: CallLabels, text: OutputText, queries = 0): Extraction {
  return guardCounts(() => {
    const normalized = normalizeGeminiUsage(meta);
    const usage = normalized && withSearch(normalized, queries);
    if (!usage) {
      return { ok: false, code: 'no_usage', message: `${displayName(labels.provider)} usageMetadata has no token counts`, ...labels, ...text.snapshot() };
    }
    return buildCall(labels, usage);
  }, labels);
}

function extractGenerateContent(payload: JsonObject, context: ExtractContext): Extraction {
  const labels: CallLabels = {
    provider: context.provider ?? (isVertex(payload) ? 'vertex_ai' : 'gemini'),
    model: readLabel(payload.modelVersion) ?? readLabel(payload.model),
    requestId: readLabel(payload.responseId),
  };
  const text = createOutputText();
  appendText(payload, text);
  const meta = objectAt(payload, 'usageMetadata');
  if (!meta) {
    return { ok: false, code: 'no_usage', message: `${displayName(labels.provider)} response carries no usageMetadata`, ...labels, ...text.snapshot() };
  }
  return usageCall(meta, labels, text, searchQueries(payload));
}

function createGeminiStream(context: ExtractContext): StreamAccumulator {
  let model: string | null = null;
  let responseId: string | null = null;
  let vertex = false;
  let finished = false;
  let usage: JsonObject | undefined;
  // Grounding metadata arrives whole in one chunk (usually the last): the largest wins.
  let queries = 0;
  const text = createOutputText();
  const labels = (): CallLabels => ({
    provider: context.provider ?? (vertex ? 'vertex_ai' : 'gemini'),
    model,
    requestId: responseId,
  });
  return {
    accepts(event) {
      if (!gemini.detect(event)) return false;
      const id = readLabel(event.responseId);
      return !(id && responseId && id !== responseId);
    },
    push(event) {
      model ??= readLabel(event.modelVersion) ?? readLabel(event.model);
      responseId ??= readLabel(event.responseId);
      vertex ||= isVertex(event);
      finished ||= isFinished(event);
      // Cumulative: replace, never add.
      usage = objectAt(event, 'usageMetadata') ?? usage;
      queries = Math.max(queries, searchQueries(event));
      appendText(event, text);
    },
    finish(end) {
      const known = labels();
      const name = displayName(known.provider);
      const complete = !end.tailBroken && (finished || end.reason === 'array-end');
      if (!complete) {
        const detail = usage ? '; its usage so far is only a running total' : '';
        return { ok: false, code: 'stream_truncated', message: `${name} stream was cut before its final chunk${detail}`, ...known };
      }
      if (!usage) {
        return { ok: false, code: 'no_usage', message: `${name} stream finished without usageMetadata`, ...known, ...text.snapshot() };
      }
      return usageCall(usage, known, text, queries);
    },
    isComplete: () => finished,
    context: () => labels(),
  };
}

export const gemini: ProviderModule = {
  name: 'gemini',
  detect(payload) {
    if (!isObject(payload)) return false;
    return Array.isArray(payload.candidates) || isObject(payload.usageMetadata) || isObject(payload.promptFeedback);
  },
  // A Gemini chunk looks like a complete response; only its container makes it a chunk.
  isStreamEvent: (_payload, meta) => meta.container !== 'document',
  extract: extractGenerateContent,
  createStream: createGeminiStream,
};
