/**
 * Recognizes provider error bodies and says what they report, in the provider's own words:
 * "OpenAI error insufficient_quota: You exceeded…", "Gemini error RESOURCE_EXHAUSTED (429):
 * …". An error body carries no usage; it must be refused, never read as a zero-token call.
 *
 * Successful payloads often hold `"error": null` (Responses API) or mention "tokens" in a
 * message; only a non-null error in a body without usage counts.
 */
import { cleanText, isObject, stringifyForMessage } from './counts.js';
import { displayName } from './vendor.js';
import type { JsonObject } from './types.js';

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number') return String(value);
  if (isObject(value) || Array.isArray(value)) return stringifyForMessage(value);
  return undefined;
}

function compose(label: string, kind: string | undefined, detail: string | undefined, message: string | undefined): string {
  const head = `${label} error${kind ? ` ${kind}` : ''}${detail ? ` (${detail})` : ''}`;
  return cleanText(message ? `${head}: ${message}` : head, 500);
}

/** Bedrock ConverseStream exceptions arrive as `{ "throttlingException": { "message": … } }`. */
function describeAwsException(payload: JsonObject): string | null {
  const keys = Object.keys(payload);
  if (keys.length !== 1 || !keys[0]!.endsWith('Exception')) return null;
  const body = payload[keys[0]!];
  if (!isObject(body)) return null;
  return compose('Bedrock', keys[0], undefined, text(body.message));
}

const BARE_KEYS = new Set(['message', 'Message', '__type', 'code', 'type', 'id', 'request_id', 'status']);

/** `{ "message": "…" }` with at most a type or id beside it: AWS, API gateways, Cohere. */
function describeBareMessage(payload: JsonObject, label: string | undefined): string | null {
  const message = text(payload.message) ?? text(payload.Message);
  if (message === undefined || typeof (payload.message ?? payload.Message) !== 'string') return null;
  if (!Object.keys(payload).every((k) => BARE_KEYS.has(k))) return null;
  const awsType = typeof payload.__type === 'string' ? payload.__type.split('#').pop() : undefined;
  const kind = awsType ?? text(payload.type) ?? text(payload.code);
  return compose(label ?? 'Provider', kind, undefined, message);
}

/**
 * The error a payload reports, or null when it is not an error body. `provider` names the
 * stream the payload arrived in, when known, for the label.
 */
export function describeErrorBody(payload: JsonObject, provider?: string): string | null {
  const label = provider ? displayName(provider) : undefined;
  // A body that reports usage is a response (perhaps a failed one), left to its module.
  if (payload.usage != null || payload.usageMetadata != null || payload.object === 'response') return null;
  // A batch result line carries its request's error beside custom_id: batch-results.ts
  // reports it as not billed, it does not fail the file.
  if (typeof payload.custom_id === 'string') return null;
  const error = payload.error;
  if (isObject(error)) {
    const message = text(error.message);
    // Anthropic bodies and stream events, and Responses stream `error` events.
    if (payload.type === 'error') {
      const who = label ?? ('sequence_number' in payload ? 'OpenAI' : 'Anthropic');
      return compose(who, text(error.type) ?? text(error.code), undefined, message);
    }
    // Google: { code: 429, message, status: "RESOURCE_EXHAUSTED" }.
    if (typeof error.status === 'string') {
      return compose(label ?? 'Gemini', error.status, text(error.code), message);
    }
    // OpenAI and the many bodies that copy it: { message, type, param, code }.
    const kind = text(error.type) ?? text(error.code);
    const code = text(error.code);
    return compose(label ?? 'OpenAI', kind, code !== kind ? code : undefined, message);
  }
  if (typeof error === 'string' && error.trim() !== '') {
    // Ollama answers { "error": "model 'x' not found" }; xAI adds a "code" sentence.
    const onlyKey = Object.keys(payload).length === 1;
    return compose(label ?? (onlyKey ? 'Ollama' : 'Provider'), undefined, text(payload.code), error);
  }
  if (payload.object === 'error') {
    // Mistral: { object: "error", message, type, param, code }.
    return compose(label ?? 'Mistral', text(payload.type), undefined, text(payload.message));
  }
  return describeAwsException(payload) ?? describeBareMessage(payload, label);
}
