/**
 * `tokj reconcile` flags -> checked options, with the defaults documented here: a terminal
 * table; tolerance the larger of $0.01 and 0.5% of the provider's amount per row; every day
 * the reports cover; no dimensions but day, provider and model. Anything else is a usage
 * error (exit 2) saying what to type instead.
 */
import { usageError } from '../core/errors.js';
import { moneyToString, parseMoney } from '../core/money.js';
import { parseDateLabel } from '../report/calendar.js';
import type { DimensionMap } from './journal-side.js';
import type { Tolerance } from './result.js';
import { BILLED_PROVIDERS, DIMENSIONS, type BilledProvider, type Dimension } from './types.js';

export const RECONCILE_FORMATS = ['table', 'json', 'csv', 'markdown'] as const;
export type ReconcileFormat = (typeof RECONCILE_FORMATS)[number];

export const DEFAULT_TOLERANCE: Tolerance = { usd: '0.01', percent: '0.5' };
/** Pages fetched per endpoint before --fetch gives up (has_more still true). */
export const DEFAULT_MAX_PAGES = 20;

export interface ReconcileFlags {
  since?: string;
  until?: string;
  map?: string[];
  tolerance?: string;
  format?: string;
  fetch?: string;
  maxPages?: string;
}

export interface ReconcileOptions {
  since: string | null;
  until: string | null;
  maps: DimensionMap[];
  tolerance: Tolerance;
  format: ReconcileFormat;
  fetch: BilledProvider | null;
  maxPages: number;
}

function parseDate(value: string | undefined, flag: string): string | null {
  if (value === undefined) return null;
  if (parseDateLabel(value.trim()) === null) throw usageError(`${flag} must be a UTC day written YYYY-MM-DD, like 2026-11-01 (got ${JSON.stringify(value)})`, 'bad_reconcile_option');
  return value.trim();
}

/** `project_id=label:project`: the report's dimension, the journal label that holds it. */
export function parseMaps(values: readonly string[] | undefined): DimensionMap[] {
  const maps: DimensionMap[] = [];
  for (const item of values ?? []) {
    const m = /^([a-z_]+)=label:(.+)$/.exec(item.trim());
    if (!m || !(DIMENSIONS as readonly string[]).includes(m[1]!)) {
      throw usageError(`--map takes DIMENSION=label:KEY with DIMENSION one of ${DIMENSIONS.join(', ')}, like --map project_id=label:project (got ${JSON.stringify(item)})`, 'bad_reconcile_option');
    }
    const dimension = m[1] as Dimension;
    if (maps.some((x) => x.dimension === dimension)) throw usageError(`--map ${dimension} is given twice`, 'bad_reconcile_option');
    maps.push({ dimension, label: m[2]! });
  }
  return maps;
}

/** `0.01` (dollars), `0.5%`, or both, `0.01,0.5%`: the larger applies to each row. What is given replaces the default. */
export function parseTolerance(value: string | undefined): Tolerance {
  if (value === undefined) return DEFAULT_TOLERANCE;
  const out: Tolerance = { usd: '0', percent: '0' };
  const parts = value.split(',').map((p) => p.trim());
  const bad = (): never => {
    throw usageError(`--tolerance takes dollars, a percent of the provider's amount, or both: 0.01, 0.5% or 0.01,0.5% (got ${JSON.stringify(value)})`, 'bad_reconcile_option');
  };
  if (parts.length > 2) bad();
  for (const part of parts) {
    const percent = part.endsWith('%');
    const text = (percent ? part.slice(0, -1) : part).replace(/^\$/, '').trim();
    let amount: string;
    try {
      amount = moneyToString(parseMoney(text));
    } catch {
      return bad();
    }
    if (amount.startsWith('-')) bad();
    if (percent) out.percent = amount;
    else out.usd = amount;
  }
  return out;
}

function parseMaxPages(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_PAGES;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > 10_000) throw usageError(`--max-pages must be a whole number from 1 to 10000 (got ${JSON.stringify(value)})`, 'bad_reconcile_option');
  return Number(value);
}

export function parseReconcileFlags(flags: ReconcileFlags): ReconcileOptions {
  const format = flags.format ?? 'table';
  if (!(RECONCILE_FORMATS as readonly string[]).includes(format)) throw usageError(`--format must be table, json, csv or markdown (got ${JSON.stringify(format)})`, 'bad_reconcile_option');
  const fetch = flags.fetch;
  if (fetch !== undefined && !(BILLED_PROVIDERS as readonly string[]).includes(fetch)) throw usageError(`--fetch must be openai or anthropic (got ${JSON.stringify(fetch)})`, 'bad_reconcile_option');
  const since = parseDate(flags.since, '--since');
  const until = parseDate(flags.until, '--until');
  if (since !== null && until !== null && since > until) throw usageError(`--since ${since} is after --until ${until}: nothing could be compared`, 'bad_reconcile_option');
  return {
    since,
    until,
    maps: parseMaps(flags.map),
    tolerance: parseTolerance(flags.tolerance),
    format: format as ReconcileFormat,
    fetch: (fetch as BilledProvider | undefined) ?? null,
    maxPages: parseMaxPages(flags.maxPages),
  };
}
