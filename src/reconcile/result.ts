/**
 * What a reconciliation finds: a row per UTC day × provider × model (× the mapped
 * dimensions), each with one status, and the totals. The JSON output is this shape (stable);
 * money is exact decimal strings.
 */
import type { BilledProvider } from './types.js';

export const STATUSES = ['match', 'missing_calls', 'unknown_to_provider', 'price_drift', 'other_charges', 'provisional'] as const;
export type Status = (typeof STATUSES)[number];

/** The statuses that make `tokj reconcile` exit 1: the journal and the bill disagree. */
export const DRIFT_STATUSES: ReadonlySet<Status> = new Set(['missing_calls', 'unknown_to_provider', 'price_drift']);

/** A row's model when the provider's lines do not name one: the day's calls are compared whole. */
export const ALL_MODELS = '(all models)';

export interface JournalSide {
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  /** Token cost of the priced calls (tool fees are billed apart). */
  cost_usd: string;
}

/** null: the reports given do not say (no usage pages for the day, Anthropic counts no requests, …). */
export interface ProviderSide {
  requests: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_tokens: number | null;
  cost_usd: string | null;
}

export interface Row {
  date: string;
  provider: BilledProvider;
  /** The model (the undated name when the two sides spell it differently), ALL_MODELS, or an other charge's line item. */
  model: string;
  status: Status;
  journal: JournalSide;
  provider_side: ProviderSide;
  /** Provider minus journal, exact; null when the provider's cost is not known or the row is an other charge. */
  diff_usd: string | null;
  /** The `--map` dimensions' values, when any are mapped. */
  dimensions?: Record<string, string | null>;
  /** How each side spelled the model (not in the JSON; the markdown shows them). */
  spellings: { journal: string[]; provider: string[] };
  /** Journal calls without a price (their cost is missing from cost_usd). */
  unpriced_calls: number;
}

export interface Tolerance {
  /** Dollars, exact decimal string. */
  usd: string;
  /** Percent of the provider's amount, exact decimal string ("0.5"). */
  percent: string;
}

export interface Summary {
  rows: number;
  statuses: Record<Status, number>;
  drifting_rows: number;
  journal: JournalSide & { unpriced_calls: number; tool_fees_usd: string };
  /** Each total is null unless every model row's provider side gives that figure. */
  provider_side: ProviderSide & { other_charges_usd: string };
  /** Provider token cost minus the journal's; null when some row's provider cost is not known. */
  diff_usd: string | null;
  /** Journal calls on days or of providers no report given covers. */
  not_compared: { calls: number; cost_usd: string };
  tolerance: Tolerance;
}

export interface Source {
  name: string;
  format: string;
  provider: BilledProvider;
}

export interface Reconciliation {
  since: string | null;
  until: string | null;
  providers: BilledProvider[];
  /** ISO time the reconciliation was made. */
  generated: string;
  /** The first day still provisional (today and yesterday, UTC). */
  provisional_from: string;
  sources: Source[];
  rows: Row[];
  summary: Summary;
  /** What was read but not compared, and why. */
  notices: string[];
}
