/**
 * Anthropic `GET /v1/organizations/usage_report/messages` pages. Input comes in four parts
 * priced differently: `uncached_input_tokens` (which excludes cache reads and writes),
 * `cache_read_input_tokens`, and `cache_creation.ephemeral_5m_input_tokens` /
 * `ephemeral_1h_input_tokens`; the journal's input is their sum. The report counts no
 * requests (requests: null). `server_tool_use.web_search_requests` are billed in the cost
 * report as web_search charges.
 */
import type { ExactJson } from './exact-json.js';
import { countField, dimsOf, hasMoreOf, stringField, type JsonObject } from './fields.js';
import { anthropicBuckets, anthropicResults, isAnthropicPage, requireRecord } from './anthropic-page.js';
import type { ReportPage, ReportReader, Span, UsageFact } from './types.js';

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

export const anthropicUsage = {
  id: 'anthropic-usage',
  provider: 'anthropic',
  describe: 'an Anthropic /v1/organizations/usage_report/messages page',
  detect: (doc) => isAnthropicPage(doc) && anthropicResults(doc).every((r) => r.amount === undefined),
  read(doc): ReportPage {
    const facts: UsageFact[] = [];
    const spans: Span[] = [];
    for (const b of anthropicBuckets(doc)) {
      spans.push({ provider: 'anthropic', kind: 'usage', start: b.start, end: b.end });
      b.results.forEach((r, i) => facts.push(usageFact(r, b.date, `${b.where}, result ${i + 1}`)));
    }
    return { format: 'anthropic-usage', provider: 'anthropic', facts, spans, hasMore: hasMoreOf(doc), skipped: [] };
  },
} satisfies ReportReader<ExactJson>;
