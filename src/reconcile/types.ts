/**
 * What the provider's reports say, once read: facts (usage counts or dollar amounts, one
 * per report line) on a UTC day, and the days each report covers. Every format reader
 * (openai-usage.ts, anthropic-costs.ts, csv-export.ts, …) turns its own shape into these,
 * so the comparison never sees a provider's field names, units or money types.
 */
import type { Money } from '../core/money.js';

/** The providers whose bills can be read. Journal provider keys are spelled the same. */
export const BILLED_PROVIDERS = ['openai', 'anthropic'] as const;
export type BilledProvider = (typeof BILLED_PROVIDERS)[number];

/**
 * Report dimensions a journal label can stand for (`--map project_id=label:project`):
 * the API's ids, and the names the consoles' CSV exports carry instead.
 */
export const DIMENSIONS = ['project_id', 'api_key_id', 'workspace_id', 'user_id', 'api_key', 'workspace'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The providers whose reports carry each dimension: a mapped dimension applies to their rows only. */
export const DIMENSION_PROVIDERS: Record<Dimension, readonly BilledProvider[]> = {
  project_id: ['openai'],
  user_id: ['openai'],
  api_key_id: ['openai', 'anthropic'],
  workspace_id: ['anthropic'],
  api_key: ['anthropic'],
  workspace: ['anthropic'],
};

/** A dimension's value on a report line; null when the line is not grouped by it (or is the default). */
export type Dims = Partial<Record<Dimension, string | null>>;

/** Counts the provider metered: requests (null when the report has none, as Anthropic's) and tokens. */
export interface UsageFact {
  kind: 'usage';
  provider: BilledProvider;
  /** UTC day, YYYY-MM-DD. */
  date: string;
  /** As the report spells it; null when the report is not grouped by model. */
  model: string | null;
  requests: number | null;
  /** All input, cache reads and writes included (the journal's meaning). */
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  dims: Dims;
}

/** Tokens a cost line counts (OpenAI `quantity`), by which part of the input or output. */
export interface CostQuantity {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
}

/** A dollar amount the provider billed. */
export interface CostFact {
  kind: 'cost';
  provider: BilledProvider;
  date: string;
  /** Model tokens, or a charge that is not (web search, storage, code execution, …). */
  charge: 'tokens' | 'other';
  /** The model for token charges (null when the report is not grouped so); null for other charges. */
  model: string | null;
  /** The line as the provider names it: `gpt-4o-2024-08-06, input`, `Code Execution Usage`. */
  label: string;
  /** US dollars, exact. */
  amount: Money;
  quantity: CostQuantity | null;
  dims: Dims;
}

export type Fact = UsageFact | CostFact;

/** Which kind of figures a report gives for the days it covers. */
export type FactKind = 'usage' | 'cost';

/** A stretch of time a report answers for, [start, end) in ms since the epoch. */
export interface Span {
  provider: BilledProvider;
  kind: FactKind;
  start: number;
  end: number;
}

/** One report file (or fetched page), read. */
export interface ReportPage {
  /** The format reader that read it (`openai-usage`, `anthropic-cost-csv`, …). */
  format: string;
  provider: BilledProvider;
  facts: Fact[];
  spans: Span[];
  /** Paged responses: whether the provider said more pages follow. */
  hasMore: boolean;
  /** Things read but not compared (image or audio usage, …), for the notices. */
  skipped: string[];
}

/**
 * A format reader. `detect` looks at a parsed document (JSON with exact numbers, or CSV
 * rows) and says whether it is this format; `read` turns it into facts, throwing a
 * ReportError that says what is wrong when a field is not what the format promises.
 */
export interface ReportReader<Doc> {
  id: string;
  provider: BilledProvider;
  /** For messages: what a file of this format is. */
  describe: string;
  detect(doc: Doc): boolean;
  read(doc: Doc): ReportPage;
}

/** A report file that is not what it claims to be. The caller names the file. */
export class ReportError extends Error {}
