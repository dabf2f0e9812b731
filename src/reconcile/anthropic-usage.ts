/**
 * Anthropic `GET /v1/organizations/usage_report/messages` pages. Input comes in four parts
 * priced differently: `uncached_input_tokens` (which excludes cache reads and writes),
 * `cache_read_input_tokens`, and `cache_creation.ephemeral_5m_input_tokens` /
 * `ephemeral_1h_input_tokens`; the journal's input is their sum. The report counts no
 * requests (requests: null). `server_tool_use.web_search_requests` are billed in the cost
 * report as web_search charges.
 */
import { countField, dimsOf, requireRecord, stringField, type JsonObject } from './fields.js';
import { ANTHROPIC_PAGE, pageReader } from './bucketed-page.js';
import type { UsageFact } from './types.js';

export const ANTHROPIC_DIMS = { api_key_id: 'api_key_id', workspace_id: 'workspace_id' } as const;

function usageFact(r: JsonObject, date: string, where: string): UsageFact {
  const creation = requireRecord(r.cache_creation, where, 'cache_creation');
  const cacheRead = countField(r, 'cache_read_input_tokens', where);
  return {
    kind: 'usage',
    provider: 'anthropic',
    date,
    model: stringField(r, 'model'),
    requests: null,
    input_tokens: countField(r, 'uncached_input_tokens', where) + cacheRead + countField(creation, 'ephemeral_5m_input_tokens', where) + countField(creation, 'ephemeral_1h_input_tokens', where),
    output_tokens: countField(r, 'output_tokens', where),
    cache_read_tokens: cacheRead,
    dims: dimsOf(r, ANTHROPIC_DIMS),
  };
}

export const anthropicUsage = pageReader({
  id: 'anthropic-usage',
  describe: 'an Anthropic /v1/organizations/usage_report/messages page',
  page: ANTHROPIC_PAGE,
  kind: 'usage',
  fact: usageFact,
});
