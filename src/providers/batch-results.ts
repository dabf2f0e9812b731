/**
 * Batch result files, one JSON line per request: OpenAI Batch output
 * (`{"id","custom_id","response":{"status_code","body"},"error"}`), Anthropic Message
 * Batches results (`{"custom_id","result":{"type":"succeeded","message"}}`), Vertex AI batch
 * predictions (`{"status","request","response"}`) and the Gemini API's (`{"key","response"}`).
 *
 * A succeeded line is one call, read by the module of its inner body and marked `batch`
 * (billed at the batch rates, whatever tier the body names: OpenAI's say "default"). Its
 * request id is `batch:` + the line's own ids, so collecting a file again records nothing
 * new. A line that errored, expired or was canceled was not billed: it comes out as
 * `not_billed`, which the CLI counts and reports without failing the file.
 */
import { cleanText, isObject, objectAt, readLabel } from './counts.js';
import { anthropic } from './anthropic.js';
import { gemini } from './gemini.js';
import { openaiChat } from './openai-chat.js';
import { openaiEmbeddings } from './openai-embeddings.js';
import { openaiResponses } from './openai-responses.js';
import type { ExtractContext, Extraction, JsonObject, ProviderModule } from './types.js';

interface Inner {
  body?: JsonObject;
  /** Why the line was not billed (error code, result type, status). */
  notBilled?: string;
  ids: Array<string | null>;
}

function openaiLine(line: JsonObject): Inner {
  const response = objectAt(line, 'response');
  const status = typeof response?.status_code === 'number' ? response.status_code : null;
  const body = objectAt(response, 'body');
  const ids = [readLabel(line.id), readLabel(line.custom_id)];
  if (!body || (status !== null && status !== 200)) {
    const error = objectAt(line, 'error') ?? objectAt(body, 'error');
    return { notBilled: readLabel(error?.code) ?? readLabel(error?.type) ?? (status !== null ? `status ${status}` : 'no response'), ids };
  }
  return { body, ids };
}

function anthropicLine(line: JsonObject): Inner {
  const result = objectAt(line, 'result') ?? {};
  const message = objectAt(result, 'message');
  const ids = [readLabel(message?.id), readLabel(line.custom_id)];
  if (result.type !== 'succeeded' || !message) {
    const error = objectAt(objectAt(result, 'error'), 'error') ?? objectAt(result, 'error');
    return { notBilled: [readLabel(result.type) ?? 'unknown', readLabel(error?.type)].filter(Boolean).join(': '), ids };
  }
  return { body: message, ids };
}

function googleLine(line: JsonObject): Inner {
  const response = objectAt(line, 'response');
  const ids = [readLabel(line.key), readLabel(response?.responseId)];
  const status = readLabel(line.status);
  if (!response) return { notBilled: status ?? readLabel(objectAt(line, 'error')?.message) ?? 'no response', ids };
  return { body: response, ids };
}

function kindOf(line: JsonObject): 'openai' | 'anthropic' | 'google' | null {
  if (typeof line.custom_id === 'string' && isObject(line.result)) return 'anthropic';
  if (typeof line.custom_id === 'string' && 'response' in line) return 'openai';
  const response = objectAt(line, 'response');
  const isGoogle = response !== undefined && (Array.isArray(response.candidates) || isObject(response.usageMetadata));
  if (isGoogle && (isObject(line.request) || typeof line.key === 'string')) return 'google';
  // A Vertex line whose request failed: the request echoed, a status, no response.
  if (isObject(line.request) && typeof line.status === 'string' && line.status !== '' && !response) return 'google';
  return null;
}

function extractLine(line: JsonObject, context: ExtractContext): Extraction {
  const kind = kindOf(line);
  const inner = kind === 'anthropic' ? anthropicLine(line) : kind === 'openai' ? openaiLine(line) : googleLine(line);
  const requestId = `batch:${inner.ids.filter(Boolean).join(':')}`;
  if (!inner.body) {
    const reason = inner.notBilled ?? 'failed';
    return { ok: false, code: 'not_billed', message: cleanText(`batch line ${requestId} not billed (${reason})`), requestId, reason };
  }
  // The bodies each batch API returns (OpenAI's endpoints: chat, responses, embeddings).
  const modules = kind === 'anthropic' ? [anthropic] : kind === 'openai' ? [openaiResponses, openaiEmbeddings, openaiChat] : [gemini];
  const module = modules.find((m) => m.detect(inner.body));
  if (!module) {
    return { ok: false, code: 'unknown_shape', message: `batch line ${requestId}: its body is not a known provider response`, requestId };
  }
  const result = module.extract(inner.body, context);
  if (!result.ok) return { ...result, requestId };
  const call = { ...result.call, requestId, batch: true };
  // The body's own tier ("default") is not what a batch is billed at.
  if (call.serviceTier !== 'batch') delete call.serviceTier;
  return { ok: true, call };
}

export const batchResults: ProviderModule = {
  name: 'batch-results',
  detect: (payload) => isObject(payload) && kindOf(payload) !== null,
  isStreamEvent: () => false,
  extract: extractLine,
};
