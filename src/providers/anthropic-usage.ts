/**
 * Anthropic usage, shared by Messages bodies and streams.
 *
 * Anthropic's input_tokens EXCLUDES cache reads and writes, unlike OpenAI and Gemini:
 * the billed prompt is input_tokens + cache_read_input_tokens + cache_creation_input_tokens.
 * thinking_tokens is a part of output_tokens. Server tool use (web_search_requests) is
 * billed per request, not in tokens (anthropicBilling, below). With compaction,
 * `usage.iterations` lists every model pass; the top-level numbers repeat only the last
 * one, so the billed usage is the sum over iterations (adding the top level too would
 * count the last pass twice).
 */
import type { SubCall, Usage } from '../core/usage.js';
import { addTool, subCallOf, tierOf } from './billing-read.js';
import { CountError, isObject, objectAt, readCount, readLabel, requireCount, sumCounts } from './counts.js';
import type { ExtractContext, JsonObject } from './types.js';

interface Pass {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  /** Undefined when the pass gives no 5m/1h breakdown. */
  cacheWrite1h: number | undefined;
}

function readPass(usage: JsonObject, path: string): Pass {
  const breakdown = objectAt(usage, 'cache_creation');
  const fiveMinutes = readCount(breakdown, 'ephemeral_5m_input_tokens', `${path}.cache_creation`);
  const oneHour = readCount(breakdown, 'ephemeral_1h_input_tokens', `${path}.cache_creation`);
  const written = readCount(usage, 'cache_creation_input_tokens', path);
  const fromBreakdown = fiveMinutes !== undefined || oneHour !== undefined ? sumCounts(fiveMinutes ?? 0, oneHour ?? 0) : undefined;
  return {
    input: requireCount(usage, 'input_tokens', path),
    cacheRead: readCount(usage, 'cache_read_input_tokens', path) ?? 0,
    cacheWrite: written ?? fromBreakdown ?? 0,
    output: requireCount(usage, 'output_tokens', path),
    cacheWrite1h: breakdown ? (oneHour ?? 0) : undefined,
  };
}

/** Normalizes one Anthropic usage object (a body's, or a stream's merged final one). */
export function normalizeAnthropicUsage(usage: JsonObject): Usage {
  const iterations = Array.isArray(usage.iterations) ? usage.iterations : [];
  const subCalls: SubCall[] = [];
  const passes = iterations.length > 0
    ? iterations.map((item, i) => {
        if (!isObject(item)) throw new CountError(`usage.iterations[${i}] is not an object`);
        const pass = readPass(item, `usage.iterations[${i}]`);
        // A pass naming its own model (an advisor) is billed at that model's rates.
        const model = readLabel(item.model);
        if (model) subCalls.push(subCallOf(model, pass));
        return pass;
      })
    : [readPass(usage, 'usage')];
  const sum = (pick: (p: Pass) => number): number => sumCounts(...passes.map(pick));
  const cacheRead = sum((p) => p.cacheRead);
  const cacheWrite = sum((p) => p.cacheWrite);
  const reasoning = readCount(objectAt(usage, 'output_tokens_details'), 'thinking_tokens', 'usage.output_tokens_details') ?? 0;
  const result: Usage = {
    inputTokens: sumCounts(sum((p) => p.input), cacheRead, cacheWrite),
    outputTokens: sum((p) => p.output),
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: reasoning,
  };
  // The 1-hour share is known only when every pass breaks its cache writes down.
  if (passes.every((p) => p.cacheWrite1h !== undefined)) result.cacheWrite1hTokens = sum((p) => p.cacheWrite1h ?? 0);
  return { ...result, ...anthropicBilling(usage), ...(subCalls.length > 0 ? { subCalls } : {}) };
}

/**
 * Tier, server tools, data residency and speed. `service_tier: "batch"` marks a Message
 * Batches result; web searches are billed per request, web fetches cost only their tokens
 * (recorded, no fee). `inference_geo` and `speed` are kept only when they change the price
 * ("us" and "fast" carry multipliers on newer models); "global"/"not_available" do not.
 */
function anthropicBilling(usage: JsonObject): Partial<Usage> {
  const out: Partial<Usage> = tierOf(usage.service_tier);
  if (out.serviceTier === 'batch') out.batch = true;
  const tools: Record<string, number> = {};
  const server = objectAt(usage, 'server_tool_use');
  addTool(tools, 'web_search', readCount(server, 'web_search_requests', 'usage.server_tool_use') ?? 0);
  addTool(tools, 'web_fetch', readCount(server, 'web_fetch_requests', 'usage.server_tool_use') ?? 0);
  if (Object.keys(tools).length > 0) out.toolCalls = tools;
  const geo = readLabel(usage.inference_geo)?.toLowerCase();
  if (geo && geo !== 'global' && geo !== 'not_available') out.inferenceGeo = geo;
  const speed = readLabel(usage.speed)?.toLowerCase();
  if (speed && speed !== 'standard') out.speed = speed;
  return out;
}

/** Bedrock and Vertex serve the same body; their message ids say where it came from. */
export function anthropicProvider(id: string | null, context: ExtractContext): string {
  if (context.provider) return context.provider;
  if (id?.startsWith('msg_bdrk_')) return 'bedrock';
  if (id?.startsWith('msg_vrtx_')) return 'vertex_ai';
  return 'anthropic';
}

