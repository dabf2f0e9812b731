/**
 * One Chat Completions stream (`chat.completion.chunk` events, or legacy `text_completion`
 * chunks). Usage arrives once, in a last chunk with empty choices, and only when the caller
 * asked for it (`stream_options.include_usage`); every other chunk has no usage key or
 * `"usage": null`, which is not a count. We keep the last usage object, the labels and the
 * output text (for --estimate), never the chunks.
 */
import { tierOf } from './billing-read.js';
import { isObject, objectAt, readLabel } from './counts.js';
import type { CallLabels } from './counts.js';
import { extractChatUsage, findChatUsage } from './openai-chat-usage.js';
import { createOutputText } from './output-text.js';
import type { Container, EventMeta, ExtractContext, Extraction, JsonObject, StreamAccumulator, StreamEnd } from './types.js';
import { displayName, identifyChatVendor, mergeVendor } from './vendor.js';

const CHUNK_OBJECTS = new Set(['chat.completion.chunk', 'text_completion', '']);

function looksLikeChunk(event: JsonObject): boolean {
  if (typeof event.object === 'string') return CHUNK_OBJECTS.has(event.object);
  return Array.isArray(event.choices) || 'prompt_filter_results' in event;
}

export function createChatStream(context: ExtractContext): StreamAccumulator {
  let vendor: string | null = null;
  let model: string | null = null;
  let id: string | null = null;
  let groqId: string | null = null;
  let usage: unknown;
  let tier: unknown;
  let sawFinishReason = false;
  let sawNullUsage = false;
  let container: Container = 'document';
  const text = createOutputText();

  const labels = (): CallLabels => {
    const provider = context.provider ?? vendor ?? 'openai-compatible';
    return { provider, model, requestId: provider === 'groq' ? (groqId ?? id) : id };
  };

  return {
    accepts(event) {
      if (!looksLikeChunk(event)) return false;
      // Azure's first chunk has an empty id; only two real ids that differ split streams.
      const eventId = readLabel(event.id);
      return !(eventId && id && eventId !== id);
    },
    push(event: JsonObject, meta: EventMeta) {
      container = meta.container;
      vendor = mergeVendor(vendor, identifyChatVendor(event));
      model ??= readLabel(event.model);
      id ??= readLabel(event.id);
      groqId ??= readLabel(objectAt(event, 'x_groq')?.id);
      tier = event.service_tier ?? tier;
      const found = findChatUsage(event);
      // The usage is cumulative for the whole call; the last object reported wins.
      if (isObject(found)) usage = found;
      else if (found === null) sawNullUsage = true;
      for (const choice of Array.isArray(event.choices) ? event.choices : []) {
        if (!isObject(choice)) continue;
        if (typeof choice.finish_reason === 'string') sawFinishReason = true;
        text.append(choice.text);
        const delta = objectAt(choice, 'delta');
        text.append(delta?.reasoning_content);
        text.append(delta?.reasoning);
        text.append(delta?.content);
      }
    },
    finish(end: StreamEnd): Extraction {
      const known = labels();
      if (usage !== undefined) return extractChatUsage(usage, known, tierOf(tier));
      const name = displayName(known.provider);
      // Over SSE a finished stream always ends with `data: [DONE]`; a JSON Lines dump of
      // chunks has no terminator, so a finish_reason is the best evidence of completion.
      const complete = container === 'sse' ? end.reason === 'done' : sawFinishReason && !end.tailBroken;
      if (complete) {
        return {
          ok: false,
          code: 'no_usage',
          message: `${name} chat stream finished without a usage chunk (request one with stream_options.include_usage)`,
          ...known,
          ...text.snapshot(),
        };
      }
      const notes = [container === 'sse' ? 'no data: [DONE]' : '', sawNullUsage ? 'chunks so far carry "usage": null' : '']
        .filter(Boolean)
        .join('; ');
      return {
        ok: false,
        code: 'stream_truncated',
        message: `${name} chat stream was cut before its usage chunk${notes ? ` (${notes})` : ''}`,
        ...known,
      };
    },
    // The usage chunk is the last one before [DONE].
    isComplete: () => usage !== undefined,
    context: () => labels(),
  };
}
