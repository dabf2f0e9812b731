/**
 * OpenAI Chat Completions and legacy Completions, and every vendor that copies the shape
 * (Azure, Mistral, DeepSeek, xAI, Groq, OpenRouter, Together, Fireworks, Ollama's /v1).
 * The counting rules live in openai-chat-usage.ts.
 */
import { tierOf } from './billing-read.js';
import { isObject, objectAt, readLabel } from './counts.js';
import type { CallLabels } from './counts.js';
import { createChatStream } from './openai-chat-stream.js';
import { extractChatUsage, findChatUsage, readChatRequestId } from './openai-chat-usage.js';
import { createOutputText } from './output-text.js';
import type { OutputText } from './output-text.js';
import type { EventMeta, ExtractContext, Extraction, JsonObject, ProviderModule } from './types.js';
import { displayName, identifyChatVendor } from './vendor.js';

const OBJECTS = new Set(['chat.completion', 'chat.completion.chunk', 'text_completion']);

/** The text of a complete response, kept for --estimate when it carries no usage. */
function collectText(payload: JsonObject): ReturnType<OutputText['snapshot']> {
  const text = createOutputText();
  for (const choice of Array.isArray(payload.choices) ? payload.choices : []) {
    if (!isObject(choice)) continue;
    text.append(choice.text);
    const message = objectAt(choice, 'message');
    text.append(message?.reasoning_content);
    text.append(message?.reasoning);
    text.append(message?.content);
  }
  return text.snapshot();
}

function extractChat(payload: JsonObject, context: ExtractContext): Extraction {
  const vendor = context.provider ?? identifyChatVendor(payload);
  const labels: CallLabels = { provider: vendor, model: readLabel(payload.model), requestId: readChatRequestId(payload, vendor) };
  const usage = findChatUsage(payload);
  if (usage === undefined) {
    return { ok: false, code: 'no_usage', message: `${displayName(vendor)} response carries no usage`, ...labels, ...collectText(payload) };
  }
  return extractChatUsage(usage, labels, tierOf(payload.service_tier));
}

function isChunk(payload: JsonObject): boolean {
  if (payload.object === 'chat.completion.chunk') return true;
  // Azure's first stream event: empty object name, no choices, only prompt filter results.
  if (payload.object === '' || (payload.object === undefined && 'prompt_filter_results' in payload)) return true;
  // Legacy completion chunks share the complete body's name; only they lack a usage object.
  if (payload.object === 'text_completion') return !isObject(findChatUsage(payload));
  // Bodies that omit `object`: a delta makes a chunk, a message a complete response.
  return Array.isArray(payload.choices) && payload.choices.some((c) => isObject(c) && 'delta' in c);
}

export const openaiChat: ProviderModule = {
  name: 'openai-chat',
  detect(payload) {
    if (!isObject(payload)) return false;
    if (typeof payload.object === 'string' && OBJECTS.has(payload.object)) return true;
    return Array.isArray(payload.choices) && (payload.object === undefined || payload.object === '');
  },
  isStreamEvent(payload: JsonObject, _meta: EventMeta) {
    return isChunk(payload);
  },
  extract: extractChat,
  createStream: (context) => createChatStream(context),
};
