/**
 * What the billing fixtures are billed for beyond tokens, read by the collector (pure):
 * tier, batch, tool calls, modality parts, sub-calls, and the batch lines not billed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectFromText } from '../../src/ingest/collector.js';
import { collectInChunks } from './helpers.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/billing');

/** Per file, per call: the billing fields expected beside the token counts (expected.tsv). */
const EXPECTED: Record<string, Array<Record<string, unknown>>> = {
  'openai-batch-output-o3-mini.jsonl': [1, 2, 3].map((n) => ({ batch: true, requestId: expect.stringMatching(new RegExp(`^batch:batch_req_\\w+:chaining_${n}$`)) })),
  'anthropic-batch-results-sonnet-4-5.jsonl': [
    { batch: true, serviceTier: 'batch', requestId: 'batch:msg_017SY5ievvNM8fnNvtSeLZN6:my-first-request' },
    { batch: true, serviceTier: 'batch', requestId: 'batch:msg_01B3RHE29BGLhuEJbWsrKDPr:my-second-request' },
  ],
  'vertex-batch-predictions-gemini-2.5-flash-lite.jsonl': [
    { batch: true, provider: 'vertex_ai', requestId: 'batch:S8vNaIvKHdvshMIP_aOtuAg' },
    { batch: true, provider: 'vertex_ai', requestId: 'batch:S8vNaOneHISShMIP28nA8QQ' },
  ],
  'openai-responses-stream-flex.sse': [{ serviceTier: 'flex' }],
  'anthropic-messages-advisor-iterations.json': [{ subCalls: [{ model: 'claude-opus-4-7', inputTokens: 2728, outputTokens: 874, cacheReadTokens: 0, cacheWriteTokens: 0 }] }],
  'openai-responses-web-search.json': [{ toolCalls: { web_search: 1 } }],
  'azure-openai-responses-web-search-preview.json': [{ toolCalls: { web_search_preview: 2 } }],
  'openai-responses-file-search.json': [{ toolCalls: { file_search: 1 } }],
  'openai-responses-code-interpreter.json': [{ toolCalls: { code_interpreter: 1 } }],
  'gemini-stream-google-search.sse': [{ toolCalls: { google_search: 1 } }],
  'gemini-stream-url-context.sse': [{}],
  'gemini-generate-content-tool-use-tokens.json': [{}],
  'openai-chat-audio-input.json': [{ audioInputTokens: 44 }],
  'openai-realtime-response-done-audio.json': [{ audioInputTokens: 27, audioOutputTokens: 136, model: null }],
  'openai-images-generate-docs.json': [{ imageInputTokens: 40, imageOutputTokens: 50, model: null }],
  'gemini-image-output.json': [{ imageOutputTokens: 1120 }],
  'openai-chat-cache-write.json': [{ cacheWriteTokens: 4012 }],
  'openai-responses-web-search-cache-write.json': [{ toolCalls: { web_search: 1 }, cacheWriteTokens: 4418 }],
  'openai-responses-image-generation-tool.json': [{ toolCalls: { 'image_generation:low:1024x1024': 1 } }],
};

/** Fields a call has only when they apply. */
const OPTIONAL = ['serviceTier', 'batch', 'toolCalls', 'audioInputTokens', 'audioOutputTokens', 'imageInputTokens', 'imageOutputTokens', 'subCalls'];

describe('billing parts of each billing fixture', () => {
  for (const [file, calls] of Object.entries(EXPECTED)) {
    it(file, () => {
      const bytes = readFileSync(path.join(dir, file));
      for (const outcomes of [collectFromText(bytes.toString('utf8')), collectInChunks(bytes, 7, 64)]) {
        expect(outcomes.map((o) => o.ok)).toEqual(calls.map(() => true));
        outcomes.forEach((o, i) => {
          if (!o.ok) return;
          expect(o.call).toMatchObject(calls[i]!);
          for (const key of OPTIONAL) if (!(key in calls[i]!)) expect(o.call, `${file} ${key}`).not.toHaveProperty(key);
        });
      }
    });
  }

  it('expired OpenAI batch lines are not_billed outcomes, with their reason, not failures of another kind', () => {
    const outcomes = collectFromText(readFileSync(path.join(dir, 'openai-batch-errors-expired-docs.jsonl'), 'utf8'));
    expect(outcomes).toEqual([
      expect.objectContaining({ ok: false, code: 'not_billed', reason: 'batch_expired', requestId: 'batch:batch_req_123:request-3' }),
      expect.objectContaining({ ok: false, code: 'not_billed', reason: 'batch_expired', requestId: 'batch:batch_req_123:request-7' }),
    ]);
  });

  it('an errored or canceled Anthropic batch line is not billed', () => {
    const lines = [
      { custom_id: 'a', result: { type: 'errored', error: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } } },
      { custom_id: 'b', result: { type: 'canceled' } },
      { custom_id: 'c', result: { type: 'expired' } },
    ];
    const outcomes = collectFromText(lines.map((l) => JSON.stringify(l)).join('\n'));
    expect(outcomes.map((o) => (o.ok ? 'ok' : `${o.code}:${o.reason}`))).toEqual(['not_billed:errored: overloaded_error', 'not_billed:canceled', 'not_billed:expired']);
  });

  it('a Gemini API batch line ({key, response}) is a batch call; an OpenAI line with an error status is not billed', () => {
    const gemini = { key: 'req-1', response: { candidates: [{ content: { parts: [{ text: 'hi' }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 3, totalTokenCount: 12 }, modelVersion: 'gemini-2.5-flash', responseId: 'abc' } };
    const failed = { id: 'batch_req_9', custom_id: 'r9', response: { status_code: 400, request_id: 'x', body: { error: { message: 'bad', type: 'invalid_request_error', code: 'invalid_value' } } }, error: null };
    const outcomes = collectFromText([gemini, failed].map((l) => JSON.stringify(l)).join('\n'));
    expect(outcomes[0]).toMatchObject({ ok: true, call: { provider: 'gemini', model: 'gemini-2.5-flash', batch: true, requestId: 'batch:req-1:abc', inputTokens: 9, outputTokens: 3 } });
    expect(outcomes[1]).toMatchObject({ ok: false, code: 'not_billed', reason: 'invalid_value' });
  });
});
