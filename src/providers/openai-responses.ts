/**
 * OpenAI Responses API: complete `response` objects and their SSE streams.
 *
 * input_tokens includes cached tokens; output_tokens includes reasoning. In a stream,
 * `response.created` and `response.in_progress` carry `"usage": null` (not an error, not a
 * count); the usage arrives once, in the terminal `response.completed` or
 * `response.incomplete` event (an incomplete response, e.g. cut by max_output_tokens, was
 * still billed). `response.failed` carries no usage: refused.
 */
import type { Usage } from '../core/usage.js';
import { buildCall, cleanText, guardCounts, isObject, objectAt, readCount, readLabel, requireCount, sumCounts } from './counts.js';
import type { CallLabels } from './counts.js';
import { createOutputText } from './output-text.js';
import type { ExtractContext, Extraction, JsonObject, ProviderModule, StreamAccumulator } from './types.js';
import { responsesBilling } from './openai-responses-tools.js';
import { displayName } from './vendor.js';

function normalizeResponsesUsage(usage: JsonObject, vendor: string): Usage {
  const input = requireCount(usage, 'input_tokens', 'usage');
  let output = requireCount(usage, 'output_tokens', 'usage');
  const total = readCount(usage, 'total_tokens', 'usage');
  // Realtime's response.done spells the details without the "s" (input_token_details).
  const inKey = 'input_tokens_details' in usage ? 'input_tokens_details' : 'input_token_details';
  const outKey = 'output_tokens_details' in usage ? 'output_tokens_details' : 'output_token_details';
  const inputDetails = objectAt(usage, inKey);
  const outputDetails = objectAt(usage, outKey);
  const cacheRead = readCount(inputDetails, 'cached_tokens', `usage.${inKey}`) ?? 0;
  const cacheWrite = readCount(inputDetails, 'cache_write_tokens', `usage.${inKey}`) ?? 0;
  const reasoning = readCount(outputDetails, 'reasoning_tokens', `usage.${outKey}`) ?? 0;
  const modalities = {
    audioInputTokens: readCount(inputDetails, 'audio_tokens', `usage.${inKey}`) ?? 0,
    imageInputTokens: readCount(inputDetails, 'image_tokens', `usage.${inKey}`) ?? 0,
    audioOutputTokens: readCount(outputDetails, 'audio_tokens', `usage.${outKey}`) ?? 0,
    imageOutputTokens: readCount(outputDetails, 'image_tokens', `usage.${outKey}`) ?? 0,
  };
  // Other vendors serving this API (xAI) may count reasoning outside output_tokens; the
  // total tells. OpenAI's own bodies keep the documented rule.
  if (vendor !== 'openai' && total !== undefined && sumCounts(input, output) !== total && sumCounts(input, output, reasoning) === total) {
    output = sumCounts(output, reasoning);
  }
  return { inputTokens: input, outputTokens: output, cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite, reasoningTokens: reasoning, ...modalities };
}

function labelsOf(response: JsonObject, context: ExtractContext): CallLabels {
  const model = readLabel(response.model);
  const provider = context.provider ?? (model?.startsWith('grok') ? 'xai' : 'openai');
  return { provider, model, requestId: readLabel(response.id) };
}

/** A complete response object, from a body or from a stream's terminal event. */
function extractResponse(response: JsonObject, context: ExtractContext, inStream: boolean, precomputed?: Partial<Usage>): Extraction {
  const labels = labelsOf(response, context);
  const name = displayName(labels.provider);
  const status = typeof response.status === 'string' ? response.status : 'unknown';
  if (status === 'failed' || status === 'cancelled') {
    const error = objectAt(response, 'error');
    const code = typeof error?.code === 'string' ? error.code : status;
    const detail = typeof error?.message === 'string' ? `: ${error.message}` : '';
    return { ok: false, code: inStream ? 'stream_failed' : 'provider_error', message: cleanText(`${name} error ${code}${detail}`, 500), ...labels };
  }
  const usage = response.usage;
  if (!isObject(usage)) {
    const code = usage === null ? 'usage_null' : 'no_usage';
    const which = labels.requestId ? ` ${labels.requestId}` : '';
    return { ok: false, code, message: `${name} response${which} has status ${status} and no usage`, ...labels };
  }
  const billing = precomputed ?? responsesBilling(response);
  return guardCounts(() => buildCall(labels, { ...normalizeResponsesUsage(usage, labels.provider), ...billing }), labels);
}

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed', 'response.cancelled']);

function createResponsesStream(context: ExtractContext): StreamAccumulator {
  let id: string | null = null;
  let model: string | null = null;
  let terminal: JsonObject | null = null;
  let billing: Partial<Usage> | undefined;
  const text = createOutputText();
  const labels = (): CallLabels => ({
    provider: context.provider ?? (model?.startsWith('grok') ? 'xai' : 'openai'),
    model,
    requestId: id,
  });
  return {
    accepts(event) {
      if (typeof event.type !== 'string' || !event.type.startsWith('response.') || terminal) return false;
      const eventId = readLabel(objectAt(event, 'response')?.id);
      return !(eventId && id && eventId !== id);
    },
    push(event) {
      const response = objectAt(event, 'response');
      if (response) {
        id ??= readLabel(response.id);
        model ??= readLabel(response.model);
      }
      if (event.type === 'response.output_text.delta') text.append(event.delta);
      // Only the terminal event's response is kept, and only what usage extraction needs.
      if (response && TERMINAL.has(String(event.type))) {
        // Tier and tool calls are read here, so the output items are not kept.
        terminal = { id: response.id, model: response.model, status: response.status, error: response.error, usage: response.usage };
        billing = responsesBilling(response);
        if (event.type === 'response.failed' && terminal.status === undefined) terminal.status = 'failed';
      }
    },
    finish() {
      if (terminal) {
        const result = extractResponse(terminal, context, true, billing);
        // A finished stream without counts can still be estimated from its text.
        return !result.ok && (result.code === 'no_usage' || result.code === 'usage_null') ? { ...result, ...text.snapshot() } : result;
      }
      const known = labels();
      return {
        ok: false,
        code: 'stream_truncated',
        message: `${displayName(known.provider)} Responses stream was cut before response.completed`,
        ...known,
      };
    },
    isComplete: () => terminal !== null,
    context: () => labels(),
  };
}

export const openaiResponses: ProviderModule = {
  name: 'openai-responses',
  detect(payload) {
    if (!isObject(payload)) return false;
    return payload.object === 'response' || (typeof payload.type === 'string' && payload.type.startsWith('response.'));
  },
  // Realtime's response.done event is a whole response (a websocket message, not SSE).
  isStreamEvent: (payload) => typeof payload.type === 'string' && payload.type.startsWith('response.') && payload.type !== 'response.done',
  extract: (payload, context) => extractResponse(payload.type === 'response.done' ? (objectAt(payload, 'response') ?? {}) : payload, context, false),
  createStream: createResponsesStream,
};
