/**
 * What a provider module turns raw API payloads into. A module recognizes the shape of one
 * JSON document or stream event (`detect`), extracts the normalized billable usage of a
 * complete response (`extract`), and, for streaming APIs, accumulates the running usage
 * state of one stream (`createStream`) without keeping the stream itself.
 */
import type { Usage } from '../core/usage.js';

export interface ExtractedCall extends Usage {
  /** 'openai' | 'azure' | 'anthropic' | 'gemini' | 'vertex_ai' | 'bedrock' | 'mistral' | … */
  provider: string;
  /** The model the payload names (e.g. 'gpt-4o-2024-08-06'); null if it names none. */
  model: string | null;
  /** chatcmpl-…, msg_…, resp_…, Gemini responseId, Cohere id…; null if the payload has none. */
  requestId: string | null;
  estimated?: boolean;
  /** Only when usage is missing: the streamed/returned output text, for --estimate. */
  outputText?: string;
}

/**
 * What is known about a call that could not be recorded, so the CLI can say which call
 * failed and, for `no_usage`, offer `--estimate` from the output text.
 */
export interface FailureContext {
  provider?: string;
  model?: string | null;
  requestId?: string | null;
  outputText?: string;
  /** The output text was longer than the cap and was cut. */
  outputTextTruncated?: boolean;
  /** Why a batch line was not billed (`batch_expired`, `errored: overloaded_error`…). */
  reason?: string;
}

export type FailureCode =
  | 'provider_error'
  | 'stream_failed'
  | 'stream_truncated'
  | 'usage_null'
  | 'no_usage'
  | 'not_json'
  | 'truncated_json'
  | 'empty_input'
  | 'unknown_shape'
  | 'bad_count'
  | 'inconsistent_usage'
  | 'too_large'
  /** A batch result line that errored, expired or was canceled: not billed, not a failure. */
  | 'not_billed';

export type CallOutcome =
  | { ok: true; call: ExtractedCall; index: number }
  | ({ ok: false; index: number; code: FailureCode; message: string } & FailureContext);

/** A module's verdict on one complete payload or one finished stream. */
export type Extraction =
  | { ok: true; call: ExtractedCall }
  | ({ ok: false; code: FailureCode; message: string } & FailureContext);

export type JsonObject = Record<string, unknown>;

/**
 * Where a payload came from. The container matters for one provider: Gemini stream chunks
 * have exactly the shape of complete responses, so a Gemini object is a chunk inside an SSE
 * stream or a JSON array, and a complete call on its own or in JSON Lines.
 */
export type Container = 'document' | 'array' | 'sse';

export interface EventMeta {
  container: Container;
  /** The SSE `event:` name, when there was one. */
  eventName?: string;
}

export interface StreamEnd {
  /**
   * done: SSE `data: [DONE]`; array-end: the closing `]` of a JSON array stream;
   * next: another stream or document began; eof: the input ended.
   */
  reason: 'done' | 'array-end' | 'next' | 'eof';
  /** The input ended inside an event (a cut line or unclosed JSON). */
  tailBroken: boolean;
}

/** Options that shape extraction: a provider named by the caller wins over detection. */
export interface ExtractContext {
  provider?: string;
}

export interface StreamAccumulator {
  /** False when the event belongs to another stream (a new id, a second message_start). */
  accepts(event: JsonObject, meta: EventMeta): boolean;
  push(event: JsonObject, meta: EventMeta): void;
  finish(end: StreamEnd): Extraction;
  /**
   * The final usage has arrived (message_stop, response.completed, done:true…): what comes
   * next belongs to another call, even an error body.
   */
  isComplete(): boolean;
  /** What is known so far, for the message of a failed stream. */
  context(): FailureContext;
}

export interface ProviderModule {
  name: string;
  /** Shape-based detection of ONE JSON document or stream event. */
  detect(payload: unknown): boolean;
  /** True when the payload is one event of a stream rather than a complete response. */
  isStreamEvent(payload: JsonObject, meta: EventMeta): boolean;
  extract(payload: JsonObject, context: ExtractContext): Extraction;
  createStream?(context: ExtractContext): StreamAccumulator;
}
