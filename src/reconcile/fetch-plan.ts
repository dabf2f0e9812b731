/**
 * What `--fetch` asks a provider's Admin API for: the usage and cost endpoints, daily
 * buckets over [since 00:00 UTC, the day after until 00:00 UTC), grouped so that every row
 * has its model (OpenAI usage by model, costs by line_item; Anthropic usage by model, costs
 * by description) and the `--map` dimensions the endpoint can group by. Pages follow
 * `next_page` (src/io/admin-api.ts). Base URLs: https://api.openai.com and
 * https://api.anthropic.com, or TOKJ_OPENAI_ADMIN_URL / TOKJ_ANTHROPIC_ADMIN_URL.
 */
import { DAY_MS, parseDateLabel } from '../report/calendar.js';
import type { DimensionMap } from './journal-side.js';
import type { BilledProvider, Dimension } from './types.js';

export interface PagedRequest {
  /** The reader for its pages (detect.ts). */
  format: 'openai-usage' | 'openai-costs' | 'anthropic-usage' | 'anthropic-costs';
  url: URL;
}

export const ADMIN_URL_ENV: Record<BilledProvider, string> = { openai: 'TOKJ_OPENAI_ADMIN_URL', anthropic: 'TOKJ_ANTHROPIC_ADMIN_URL' };
export const ADMIN_KEY_ENV: Record<BilledProvider, string> = { openai: 'OPENAI_ADMIN_KEY', anthropic: 'ANTHROPIC_ADMIN_KEY' };
export const DEFAULT_ADMIN_URL: Record<BilledProvider, string> = { openai: 'https://api.openai.com', anthropic: 'https://api.anthropic.com' };

/** Buckets per page: the daily maximum of the usage endpoints. */
const LIMIT = '31';

const OPENAI_USAGE_GROUPS: readonly Dimension[] = ['project_id', 'api_key_id', 'user_id'];
const OPENAI_COST_GROUPS: readonly Dimension[] = ['project_id', 'api_key_id'];
const ANTHROPIC_USAGE_GROUPS: readonly Dimension[] = ['api_key_id', 'workspace_id'];
const ANTHROPIC_COST_GROUPS: readonly Dimension[] = ['workspace_id'];

function endpoint(base: URL, path: string, params: Array<[string, string]>): URL {
  const url = new URL(base.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  for (const [k, v] of params) url.searchParams.append(k, v);
  return url;
}

/** The headers the provider's Admin API authenticates with. */
export function adminHeaders(provider: BilledProvider, key: string): Record<string, string> {
  return provider === 'openai' ? { authorization: `Bearer ${key}` } : { 'x-api-key': key, 'anthropic-version': '2023-06-01' };
}

export function fetchPlan(provider: BilledProvider, base: URL, since: string, until: string, maps: readonly DimensionMap[]): PagedRequest[] {
  const start = parseDateLabel(since)! * DAY_MS;
  const end = (parseDateLabel(until)! + 1) * DAY_MS;
  const groups = (allowed: readonly Dimension[]): Dimension[] => maps.map((m) => m.dimension).filter((d) => allowed.includes(d));
  if (provider === 'openai') {
    const common: Array<[string, string]> = [['start_time', String(start / 1000)], ['end_time', String(end / 1000)], ['bucket_width', '1d'], ['limit', LIMIT]];
    const usage = [...common, ['group_by', 'model'], ...groups(OPENAI_USAGE_GROUPS).map((d): [string, string] => ['group_by', d])] as Array<[string, string]>;
    return [
      { format: 'openai-usage', url: endpoint(base, '/v1/organization/usage/completions', usage) },
      { format: 'openai-usage', url: endpoint(base, '/v1/organization/usage/embeddings', usage) },
      { format: 'openai-costs', url: endpoint(base, '/v1/organization/costs', [...common, ['group_by', 'line_item'], ...groups(OPENAI_COST_GROUPS).map((d): [string, string] => ['group_by', d])]) },
    ];
  }
  const common: Array<[string, string]> = [['starting_at', new Date(start).toISOString().replace('.000Z', 'Z')], ['ending_at', new Date(end).toISOString().replace('.000Z', 'Z')], ['bucket_width', '1d'], ['limit', LIMIT]];
  return [
    { format: 'anthropic-usage', url: endpoint(base, '/v1/organizations/usage_report/messages', [...common, ['group_by[]', 'model'], ...groups(ANTHROPIC_USAGE_GROUPS).map((d): [string, string] => ['group_by[]', d])]) },
    { format: 'anthropic-costs', url: endpoint(base, '/v1/organizations/cost_report', [...common, ['group_by[]', 'description'], ...groups(ANTHROPIC_COST_GROUPS).map((d): [string, string] => ['group_by[]', d])]) },
  ];
}
