/**
 * What an OpenAI Responses (or Realtime) response is billed for beyond tokens: the tier it
 * reports (top-level `service_tier`) and the built-in tools it ran, read from its output
 * items. Rules (README, "Tool fees"):
 * - web_search: a `tool_usage.web_search.num_requests` count, when the response gives one,
 *   is the provider's own and wins; otherwise each `web_search_call` whose action is
 *   `search` is one billed call (OpenAI's web search guide: "Search actions incur a tool
 *   call cost"); `open_page` and `find_in_page` read pages already found and are not.
 *   The preview tool on a non-reasoning model is its own tool (`web_search_preview`),
 *   priced differently;
 * - file_search: each `file_search_call` item is one call, whatever its number of queries;
 * - code_interpreter: billed per container, so the distinct `container_id`s are counted;
 * - image_generation: one image per call, keyed by the quality and size it was made at
 *   (`image_generation:low:1024x1024`), since the per-image price depends on both.
 */
import type { Usage } from '../core/usage.js';
import { addTool, tierOf } from './billing-read.js';
import { isObject, objectAt, readCount, readLabel } from './counts.js';
import type { JsonObject } from './types.js';

function items(response: JsonObject): JsonObject[] {
  return Array.isArray(response.output) ? response.output.filter(isObject) : [];
}

function toolSettings(response: JsonObject, type: string): JsonObject | undefined {
  const tools = Array.isArray(response.tools) ? response.tools.filter(isObject) : [];
  return tools.find((t) => typeof t.type === 'string' && t.type.startsWith(type));
}

/** A reasoning model reports an effort or emits reasoning items. */
function reasons(response: JsonObject): boolean {
  return readLabel(objectAt(response, 'reasoning')?.effort) !== null || items(response).some((i) => i.type === 'reasoning');
}

function webSearchTool(response: JsonObject): string {
  const types = (Array.isArray(response.tools) ? response.tools.filter(isObject) : []).map((t) => String(t.type));
  // web_search_preview (and its dated spellings) without the GA tool beside it.
  const preview = types.some((t) => t.startsWith('web_search_preview')) && !types.includes('web_search');
  return preview && !reasons(response) ? 'web_search_preview' : 'web_search';
}

/** The built-in tool uses a response ran, by billed unit. */
export function responsesToolCalls(response: JsonObject): Record<string, number> {
  const tally: Record<string, number> = {};
  const output = items(response);
  const reported = readCount(objectAt(objectAt(response, 'tool_usage'), 'web_search'), 'num_requests', 'tool_usage.web_search');
  const searches = output.filter((i) => i.type === 'web_search_call' && i.status !== 'failed');
  const searchActions = searches.filter((i) => {
    const action = objectAt(i, 'action');
    return action === undefined || action.type === 'search';
  }).length;
  addTool(tally, webSearchTool(response), reported ?? searchActions);
  addTool(tally, 'file_search', output.filter((i) => i.type === 'file_search_call').length);
  const containers = new Set<string>();
  let loose = 0;
  for (const i of output.filter((o) => o.type === 'code_interpreter_call')) {
    const id = readLabel(i.container_id);
    if (id) containers.add(id);
    else loose++;
  }
  addTool(tally, 'code_interpreter', containers.size + loose);
  const settings = toolSettings(response, 'image_generation');
  for (const i of output.filter((o) => o.type === 'image_generation_call' && o.status !== 'failed')) {
    const quality = readLabel(i.quality) ?? readLabel(settings?.quality) ?? 'auto';
    const size = readLabel(i.size) ?? readLabel(settings?.size) ?? 'auto';
    addTool(tally, `image_generation:${quality}:${size}`, 1);
  }
  return tally;
}

/** Tier and tools of a response, as Usage fields (nothing for a plain default-tier call). */
export function responsesBilling(response: JsonObject): Partial<Usage> {
  const tools = responsesToolCalls(response);
  return { ...tierOf(response.service_tier), ...(Object.keys(tools).length > 0 ? { toolCalls: tools } : {}) };
}
