/**
 * Journal-wide counters per (provider, model, agent), fed one ledger line at a time. Only
 * `call` lines are parsed: session lines are recognised by their first bytes (the ledger
 * writes keys in a fixed order) and skipped. A line that is not a well-formed entry is
 * counted, never guessed at; `tokj doctor` is the tool that explains it.
 */
import { EXIT, TokjError } from '../core/errors.js';
import { BillingSeries } from './billing-series.js';
import { DecimalSum, isDecimal } from '../core/decimal-sum.js';

export interface SeriesKey {
  provider: string;
  model: string;
  agent: string | null;
}

export interface SeriesTotals extends SeriesKey {
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  /** Calls with a price; cost is their exact sum. */
  priced_calls: number;
  unpriced_calls: number;
  estimated_calls: number;
  cost: DecimalSum;
}

const SESSION_LINE = '{"type":"session_';
const TOKEN_FIELDS = ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens'] as const;

/**
 * Label values must be valid UTF-8. JSON can carry lone UTF-16 surrogates ("\ud800"), which
 * an encoder would turn into U+FFFD; doing it here keeps two such names from becoming two
 * series with the same labels.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const wellFormed = (s: string): string => s.replace(LONE_SURROGATE, '\ufffd');

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export class LedgerAggregate {
  readonly series = new Map<string, SeriesTotals>();
  /** Tool uses and fees, calls by tier: only calls that have them. */
  readonly billing = new BillingSeries();
  /** Lines that are neither a session event nor a well-formed call. */
  invalidLines = 0;
  /**
   * Earliest first-entry timestamp (ms) of the segments: where the cumulative counters
   * start. A segment's first line never changes (append-only), so neither does this until
   * another host's older segment is merged in.
   */
  startMs: number | null = null;
  private segmentStart = true;

  /** The next line is the first of a ledger segment. */
  beginSegment(): void {
    this.segmentStart = true;
  }

  /** One complete, non-empty ledger line. */
  acceptLine(text: string): void {
    if (!this.segmentStart && text.startsWith(SESSION_LINE)) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.invalidLines += 1;
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.invalidLines += 1;
      return;
    }
    const entry = value as Record<string, unknown>;
    if (this.segmentStart && typeof entry.timestamp === 'string') {
      const ms = Date.parse(entry.timestamp);
      if (Number.isFinite(ms)) {
        this.startMs = this.startMs === null ? ms : Math.min(this.startMs, ms);
        this.segmentStart = false;
      }
    }
    if (entry.type === 'call') this.acceptCall(entry);
    else if (entry.type !== 'session_start' && entry.type !== 'session_end') this.invalidLines += 1;
  }

  private acceptCall(r: Record<string, unknown>): void {
    const agent = r.agent === null || r.agent === undefined || r.agent === '' ? null : r.agent;
    const cost = r.cost_usd;
    const valid =
      typeof r.provider === 'string' &&
      typeof r.model === 'string' &&
      (agent === null || typeof agent === 'string') &&
      TOKEN_FIELDS.every((f) => isCount(r[f] ?? 0)) &&
      (cost === null || isDecimal(cost)) &&
      (r.estimated === undefined || typeof r.estimated === 'boolean');
    if (!valid) {
      this.invalidLines += 1;
      return;
    }
    const key = { provider: wellFormed(r.provider as string), model: wellFormed(r.model as string), agent: agent === null ? null : wellFormed(agent as string) };
    // Length-prefixed parts: unambiguous whatever characters the names contain.
    const id = `${key.provider.length}:${key.provider}${key.model.length}:${key.model}${key.agent === null ? '-' : `${key.agent.length}:${key.agent}`}`;
    let t = this.series.get(id);
    if (!t) {
      t = { ...key, calls: 0, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0, priced_calls: 0, unpriced_calls: 0, estimated_calls: 0, cost: new DecimalSum() };
      this.series.set(id, t);
    }
    t.calls += 1;
    for (const f of TOKEN_FIELDS) {
      const sum = t[f] + ((r[f] as number | undefined) ?? 0);
      if (!Number.isSafeInteger(sum)) {
        throw new TokjError(`${f} of ${key.provider}/${key.model} would exceed 2^53-1 (${Number.MAX_SAFE_INTEGER}); it cannot be reported exactly`, EXIT.rejected, 'overflow');
      }
      t[f] = sum;
    }
    if (cost === null) t.unpriced_calls += 1;
    else {
      t.priced_calls += 1;
      t.cost.addDecimal(cost as string);
    }
    if (r.estimated === true) t.estimated_calls += 1;
    if (r.tool_calls !== undefined || r.service_tier !== undefined || r.batch !== undefined) this.billing.accept(id, key, r);
  }
}
