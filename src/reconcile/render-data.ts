/**
 * The machine formats. JSON is the documented, stable shape:
 *   { since, until, provider, rows: [{ date, provider, model, status, journal: { calls,
 *     input_tokens, output_tokens, cache_read_tokens, cost_usd }, provider_side: { requests,
 *     input_tokens, output_tokens, cache_read_tokens, cost_usd }, diff_usd, dimensions? }],
 *     summary: { rows, statuses, drifting_rows, journal, provider_side, diff_usd,
 *     not_compared, tolerance } }
 * with money as exact decimal strings and `provider` the providers compared, comma-joined.
 * CSV is a header row and a row per reconciliation row, the same fields flattened.
 */
import { stringify as csvStringify } from 'csv-stringify/sync';
import type { Reconciliation, Row } from './result.js';

function rowJson(r: Row): Record<string, unknown> {
  return {
    date: r.date,
    provider: r.provider,
    model: r.model,
    status: r.status,
    journal: r.journal,
    provider_side: r.provider_side,
    diff_usd: r.diff_usd,
    ...(r.dimensions === undefined ? {} : { dimensions: r.dimensions }),
  };
}

export function reconciliationJson(rec: Reconciliation): Record<string, unknown> {
  return { since: rec.since, until: rec.until, provider: rec.providers.join(','), rows: rec.rows.map(rowJson), summary: rec.summary };
}

export function renderJson(rec: Reconciliation): string {
  return `${JSON.stringify(reconciliationJson(rec), null, 2)}\n`;
}

export function renderCsv(rec: Reconciliation): string {
  const dims = [...new Set(rec.rows.flatMap((r) => Object.keys(r.dimensions ?? {})))];
  const rows = rec.rows.map((r) => ({
    date: r.date,
    provider: r.provider,
    model: r.model,
    status: r.status,
    ...Object.fromEntries(dims.map((d) => [d, r.dimensions?.[d] ?? ''])),
    journal_calls: r.journal.calls,
    journal_input_tokens: r.journal.input_tokens,
    journal_output_tokens: r.journal.output_tokens,
    journal_cache_read_tokens: r.journal.cache_read_tokens,
    journal_cost_usd: r.journal.cost_usd,
    provider_requests: r.provider_side.requests ?? '',
    provider_input_tokens: r.provider_side.input_tokens ?? '',
    provider_output_tokens: r.provider_side.output_tokens ?? '',
    provider_cache_read_tokens: r.provider_side.cache_read_tokens ?? '',
    provider_cost_usd: r.provider_side.cost_usd ?? '',
    diff_usd: r.diff_usd ?? '',
  }));
  const columns = ['date', 'provider', 'model', 'status', ...dims, 'journal_calls', 'journal_input_tokens', 'journal_output_tokens', 'journal_cache_read_tokens', 'journal_cost_usd', 'provider_requests', 'provider_input_tokens', 'provider_output_tokens', 'provider_cache_read_tokens', 'provider_cost_usd', 'diff_usd'];
  return csvStringify(rows, { header: true, columns });
}
