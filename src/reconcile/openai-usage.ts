/**
 * OpenAI `/v1/organization/usage/completions` (and `/usage/embeddings`, `/usage/moderations`)
 * pages. `input_tokens` already holds cached and cache-write tokens, as the journal's input
 * does; `input_cached_tokens` are the cache reads; the modality fields are parts of those
 * and are not added. Usage of images, audio, web search and file search, vector stores and
 * code interpreter sessions carries no tokens to hold against the journal: it is counted in
 * `skipped` (its dollars are in the costs pages as other charges).
 */
import { countField, dimsOf, stringField, type JsonObject } from './fields.js';
import { OPENAI_PAGE, pageReader } from './bucketed-page.js';
import type { UsageFact } from './types.js';

const TOKEN_RESULTS = new Set(['organization.usage.completions.result', 'organization.usage.embeddings.result', 'organization.usage.moderations.result']);

export const OPENAI_DIMS = { project_id: 'project_id', api_key_id: 'api_key_id', user_id: 'user_id' } as const;

/** A result with token counts: by its `object`, or by its fields when it names none. */
function isTokenResult(r: JsonObject): boolean {
  return typeof r.object === 'string' ? TOKEN_RESULTS.has(r.object) : r.input_tokens !== undefined && r.amount === undefined;
}

function usageFact(r: JsonObject, date: string, where: string): UsageFact {
  return {
    kind: 'usage',
    provider: 'openai',
    date,
    model: stringField(r, 'model'),
    requests: countField(r, 'num_model_requests', where),
    input_tokens: countField(r, 'input_tokens', where),
    output_tokens: countField(r, 'output_tokens', where),
    cache_read_tokens: countField(r, 'input_cached_tokens', where),
    dims: dimsOf(r, OPENAI_DIMS),
  };
}

export const openAiUsage = pageReader({
  id: 'openai-usage',
  describe: 'an OpenAI /v1/organization/usage/* page',
  page: OPENAI_PAGE,
  kind: 'usage',
  fact: usageFact,
  skip: (r) => (isTokenResult(r) ? null : String(r.object ?? 'a usage result without token counts')),
});
