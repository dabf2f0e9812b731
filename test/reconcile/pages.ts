/**
 * Provider report pages built from a journal's own ledger lines, the way OpenAI's and
 * Anthropic's Admin APIs would answer for the same calls: daily buckets (empty days
 * included), the model as its dated snapshot (or as the report spells it), several pages
 * linked by next_page, OpenAI dollars as JSON numbers, Anthropic cents as decimal strings.
 * Tests then change the report lines to inject each kind of difference.
 */
import Big from 'big.js';
// money.ts sets big.js to print plain decimals, never exponents (0.0000794, not 7.94e-5).
import { moneyToString } from '../../src/core/money.js';

export interface Call {
  timestamp: string;
  provider: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cost_usd: string;
  labels: Record<string, string>;
}

/** A report line before it is written: one per day × model (× project). */
export interface Line {
  date: string;
  model: string;
  project: string | null;
  requests: number;
  input: number;
  output: number;
  cacheRead: number;
  /** Dollars, exact decimal string. */
  cost: string;
}

export const DAY_S = 86_400;
export const unixDay = (date: string): number => Date.parse(`${date}T00:00:00Z`) / 1000;

/** The journal's calls summed the way a report groups them. */
export function linesOf(calls: readonly Call[], provider: string, spell: (model: string) => string, byProject = false): Line[] {
  const out = new Map<string, Line>();
  for (const c of calls.filter((x) => x.provider === provider)) {
    const date = c.timestamp.slice(0, 10);
    const model = spell(c.model);
    const project = byProject ? (c.labels.project ?? null) : null;
    const key = `${date}|${model}|${project}`;
    const l = out.get(key) ?? { date, model, project, requests: 0, input: 0, output: 0, cacheRead: 0, cost: '0' };
    l.requests += 1;
    l.input += c.input_tokens;
    l.output += c.output_tokens;
    l.cacheRead += c.cache_read_tokens;
    l.cost = moneyToString(new Big(l.cost).plus(c.cost_usd));
    out.set(key, l);
  }
  return [...out.values()];
}

/** Dates from first to last, inclusive. */
export function days(first: string, last: string): string[] {
  const out: string[] = [];
  for (let t = unixDay(first); t <= unixDay(last); t += DAY_S) out.push(new Date(t * 1000).toISOString().slice(0, 10));
  return out;
}

/** Buckets split into pages of `perPage`, each linking the next through has_more/next_page. */
function paged<B>(buckets: B[], perPage: number, page: (data: B[], hasMore: boolean, next: string | null) => unknown): string[] {
  const pages: string[] = [];
  for (let i = 0; i < buckets.length; i += perPage) {
    const more = i + perPage < buckets.length;
    pages.push(numbersRaw(JSON.stringify(page(buckets.slice(i, i + perPage), more, more ? `page_${i + perPage}` : null), null, 2)));
  }
  return pages;
}

/** OpenAI prints dollars as JSON numbers: `num(x)` is written as the bare number x. */
const num = (decimal: string): string => `@@${decimal}@@`;
const numbersRaw = (json: string): string => json.replace(/"@@(-?[0-9.]+)@@"/g, '$1');

export function openAiUsagePages(lines: readonly Line[], dates: readonly string[], perPage: number): string[] {
  const buckets = dates.map((date) => ({
    object: 'bucket',
    start_time: unixDay(date),
    end_time: unixDay(date) + DAY_S,
    results: lines
      .filter((l) => l.date === date)
      .map((l) => ({
        object: 'organization.usage.completions.result',
        input_tokens: l.input,
        input_cached_tokens: l.cacheRead,
        input_cache_write_tokens: 0,
        input_uncached_tokens: l.input - l.cacheRead,
        output_tokens: l.output,
        input_text_tokens: l.input - l.cacheRead,
        output_text_tokens: l.output,
        num_model_requests: l.requests,
        project_id: l.project,
        user_id: null,
        api_key_id: null,
        model: l.model,
        batch: null,
        service_tier: null,
      })),
  }));
  return paged(buckets, perPage, (data, has_more, next_page) => ({ object: 'page', data, has_more, next_page }));
}

/** A cost line of OpenAI's: `<model>, input` and `<model>, output`, the cost split half and half (exact in decimals). */
export function openAiCostPages(lines: readonly Line[], dates: readonly string[], perPage: number, extra: Array<{ date: string; line_item: string; value: string }> = []): string[] {
  const result = (lineItem: string, value: string, project: string | null) => ({ object: 'organization.costs.result', amount: { value: num(value), currency: 'usd' }, line_item: lineItem, project_id: project, quantity: null, quantity_unit: null });
  const buckets = dates.map((date) => ({
    object: 'bucket',
    start_time: unixDay(date),
    end_time: unixDay(date) + DAY_S,
    results: [
      ...lines
        .filter((l) => l.date === date)
        .flatMap((l) => {
          const output = new Big(l.cost).div(2);
          return [result(`${l.model}, input`, moneyToString(new Big(l.cost).minus(output)), l.project), result(`${l.model}, output`, moneyToString(output), l.project)];
        }),
      ...extra.filter((e) => e.date === date).map((e) => result(e.line_item, e.value, null)),
    ],
  }));
  return paged(buckets, perPage, (data, has_more, next_page) => ({ object: 'page', data, has_more, next_page }));
}

const iso = (date: string, plusDays = 0): string => new Date((unixDay(date) + plusDays * DAY_S) * 1000).toISOString().replace('.000Z', 'Z');

export function anthropicUsagePages(lines: readonly Line[], dates: readonly string[], perPage: number): string[] {
  const buckets = dates.map((date) => ({
    starting_at: iso(date),
    ending_at: iso(date, 1),
    results: lines
      .filter((l) => l.date === date)
      .map((l) => ({
        uncached_input_tokens: l.input - l.cacheRead,
        cache_read_input_tokens: l.cacheRead,
        cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
        output_tokens: l.output,
        server_tool_use: { web_search_requests: 0 },
        model: l.model,
        api_key_id: null,
        workspace_id: null,
        service_tier: null,
        context_window: null,
      })),
  }));
  return paged(buckets, perPage, (data, has_more, next_page) => ({ data, has_more, next_page }));
}

/** Anthropic's cost lines: per model and token type, amounts in cents as decimal strings. */
export function anthropicCostPages(lines: readonly Line[], dates: readonly string[], perPage: number, extra: Array<{ date: string; cost_type: string; description: string; cents: string }> = []): string[] {
  const row = (model: string | null, tokenType: string | null, description: string, costType: string, cents: string) => ({ currency: 'USD', amount: cents, workspace_id: null, description, cost_type: costType, context_window: model ? '0-200k' : null, model, service_tier: model ? 'standard' : null, token_type: tokenType });
  const buckets = dates.map((date) => ({
    starting_at: iso(date),
    ending_at: iso(date, 1),
    results: [
      ...lines
        .filter((l) => l.date === date)
        .flatMap((l) => {
          const cents = new Big(l.cost).times(100);
          const output = cents.div(4);
          return [row(l.model, 'uncached_input_tokens', `${l.model} Usage - Input Tokens`, 'tokens', moneyToString(cents.minus(output))), row(l.model, 'output_tokens', `${l.model} Usage - Output Tokens`, 'tokens', moneyToString(output))];
        }),
      ...extra.filter((e) => e.date === date).map((e) => row(null, null, e.description, e.cost_type, e.cents)),
    ],
  }));
  return paged(buckets, perPage, (data, has_more, next_page) => ({ data, has_more, next_page }));
}
