/**
 * The ledger's line types. One JSON object per line, appended, never rewritten. A call's
 * cost and price source are frozen when it is written: later price changes never rewrite
 * history. Key order is fixed so `record --json` output and the ledger read the same.
 */

/**
 * The token counts a call carries and every total of calls sums: the one list of them.
 * The journal's Totals (core/totals.ts), the report's JSON summary and metrics' series
 * derive their fields from it.
 */
export const TOKEN_FIELDS = ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'total_tokens'] as const;
export type TokenField = (typeof TOKEN_FIELDS)[number];
/** input_tokens holds the cache reads and writes; output_tokens the reasoning; total_tokens is input + output. */
export type TokenCounts = Record<TokenField, number>;

export interface CallRecord extends TokenCounts {
  type: 'call';
  id: string;
  timestamp: string;
  session: string;
  provider: string;
  model: string;
  agent: string | null;
  operation: string | null;
  /** "N" or "N/M", or null. */
  attempt: string | null;
  note: string | null;
  request_id: string | null;
  /** Exact USD decimal string; null when the model has no price (unpriced, never $0). */
  cost_usd: string | null;
  price_source: string | null;
  estimated: boolean;
  labels: Record<string, string>;
  cache_write_1h_tokens?: number;
  // What the cost depends on beyond tokens. Each is omitted when it does not apply, so a
  // plain call's line (and every ledger written before them) reads exactly as before.
  /** The tier the response reported ('flex', 'priority', 'scale', Anthropic 'batch'). */
  service_tier?: string;
  /** A Batch API result, billed at the batch rates. */
  batch?: true;
  /** Server-side tool uses by tool: {"web_search": 2}. */
  tool_calls?: Record<string, number>;
  /** Parts of input_tokens / output_tokens in those modalities. */
  audio_input_tokens?: number;
  audio_output_tokens?: number;
  image_input_tokens?: number;
  image_output_tokens?: number;
  inference_geo?: string;
  speed?: string;
  /** cost_usd = token_cost_usd + tool_cost_usd, when the call has tool fees or sub-calls. */
  token_cost_usd?: string;
  tool_cost_usd?: string;
  tool_fees?: Record<string, string>;
  /** Passes of other models inside the call (an Anthropic advisor), priced at their rates. */
  sub_calls?: Array<{ model: string; input_tokens: number; output_tokens: number; cost_usd: string; price_source: string }>;
  /** The pricing rules the cost rests on where the tables or providers leave a choice. */
  cost_rules?: string[];
  host?: string;
}

export interface SessionStartEvent {
  type: 'session_start';
  id: string;
  timestamp: string;
  session: string;
  provider: string | null;
  model: string | null;
  agent: string | null;
  budget_usd: string | null;
  labels: Record<string, string>;
}

export type SessionStatus = 'active' | 'completed' | 'failed';

export interface SessionEndEvent {
  type: 'session_end';
  id: string;
  timestamp: string;
  session: string;
  status: Exclude<SessionStatus, 'active'>;
  notes: string | null;
  errors: string[];
}

export type LedgerEntry = CallRecord | SessionStartEvent | SessionEndEvent;

export function serializeEntry(entry: LedgerEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

/**
 * The JSON value a ledger line holds when it is an object (unchecked); null when the line is
 * not JSON or holds no object. parseEntry, the report's and reconcile's tallies and metrics
 * read lines through it. An array passes: it has no `type`, `session` or `timestamp`, so no
 * reader takes it for an entry.
 */
export function parseLineObject(line: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
}

/** Parses one ledger line; null for a line that is not a ledger entry (doctor reports those). */
export function parseEntry(line: string): LedgerEntry | null {
  const value = parseLineObject(line);
  if (value === null || typeof value.session !== 'string' || typeof value.timestamp !== 'string') return null;
  if (value.type === 'call' || value.type === 'session_start' || value.type === 'session_end') return value as unknown as LedgerEntry;
  return null;
}
