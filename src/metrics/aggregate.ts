/**
 * Journal-wide counters per (provider, model, agent), fed one ledger line at a time. The
 * sums are the report's (report/aggregate.ts: the same check of a call line, the same exact
 * cost sum, the same tallies per provider, model and agent); this keeps what metrics add:
 * series labels that are valid UTF-8, an empty agent as no agent, tool uses and tiers per
 * series, and where the counters start. A line that is not a well-formed entry is counted,
 * never guessed at (as the report skips it); `tokj doctor` is the tool that explains it.
 */
import type { Totals } from '../core/totals.js';
import { EXIT, TokjError } from '../core/errors.js';
import type { DecimalSum } from '../core/decimal-sum.js';
import { parseLineObject, type TokenField } from '../ledger/record.js';
import { Aggregator } from '../report/aggregate.js';
import { Tally } from '../report/tally.js';
import { ZoneDays } from '../report/zone.js';
import { BillingSeries } from './billing-series.js';

export interface SeriesKey {
  provider: string;
  model: string;
  agent: string | null;
}

/** A series' totals: the journal's Totals fields but total_tokens, with the cost as its exact sum. */
export type SeriesTotals = SeriesKey &
  Omit<Totals, 'total_tokens' | 'cost_usd'> & {
    /** Calls with a price; cost is their exact sum. */
    priced_calls: number;
    cost: DecimalSum;
  };

/**
 * Label values must be valid UTF-8. JSON can carry lone UTF-16 surrogates ("\ud800"), which
 * an encoder would turn into U+FFFD; doing it here keeps two such names from becoming two
 * series with the same labels.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const wellFormed = (s: string): string => s.replace(LONE_SURROGATE, '\ufffd');

function seriesKey(provider: string, model: string, agent: string | null): SeriesKey {
  return { provider: wellFormed(provider), model: wellFormed(model), agent: agent === null || agent === '' ? null : wellFormed(agent) };
}

/** Length-prefixed parts: unambiguous whatever characters the names contain. */
const seriesId = (k: SeriesKey): string => `${k.provider.length}:${k.provider}${k.model.length}:${k.model}${k.agent === null ? '-' : `${k.agent.length}:${k.agent}`}`;

type SeriesCount = Exclude<TokenField, 'total_tokens'>;

/** Where each token count of a series is in the report's Tally (the type keeps it complete). */
const FROM_TALLY: Record<SeriesCount, 'input' | 'output' | 'cacheRead' | 'cacheWrite' | 'reasoning'> = {
  input_tokens: 'input',
  output_tokens: 'output',
  cache_read_tokens: 'cacheRead',
  cache_write_tokens: 'cacheWrite',
  reasoning_tokens: 'reasoning',
};

function seriesTotals(key: SeriesKey, t: Tally): SeriesTotals {
  const counts = {} as Record<SeriesCount, number>;
  for (const [field, from] of Object.entries(FROM_TALLY) as Array<[SeriesCount, (typeof FROM_TALLY)[SeriesCount]]>) {
    // Every count added was a whole number >= 0: a safe sum proves each partial sum was exact.
    if (!Number.isSafeInteger(t[from])) {
      throw new TokjError(`${field} of ${key.provider}/${key.model} would exceed 2^53-1 (${Number.MAX_SAFE_INTEGER}); it cannot be reported exactly`, EXIT.rejected, 'overflow');
    }
    counts[field] = t[from];
  }
  return { ...key, calls: t.calls, ...counts, priced_calls: t.calls - t.unpriced, unpriced_calls: t.unpriced, estimated_calls: t.estimated, cost: t.cost };
}

export class LedgerAggregate {
  /** Tool uses and fees, calls by tier: only calls that have them. */
  readonly billing = new BillingSeries();
  /**
   * Earliest first-entry timestamp (ms) of the segments: where the cumulative counters
   * start. A segment's first line never changes (append-only), so neither does this until
   * another host's older segment is merged in.
   */
  startMs: number | null = null;
  private segmentStart = true;
  private readonly agg = new Aggregator({
    zone: new ZoneDays('UTC'),
    period: 'session',
    weekStart: 'mon',
    sinceDay: null,
    untilDay: null,
    labelKey: null,
    onBilledCall: (entry, f) => {
      const key = seriesKey(f.provider, f.model, f.agent);
      this.billing.accept(seriesId(key), key, entry);
    },
  });

  /** Lines that are neither a session event nor a well-formed call. */
  get invalidLines(): number {
    return this.agg.skipped;
  }

  /** The totals of each series (computed from the report's tallies on each read). */
  get series(): Map<string, SeriesTotals> {
    const merged = new Map<string, { key: SeriesKey; tally: Tally }>();
    for (const [provider, byModel] of this.agg.tree) {
      for (const [model, byAgent] of byModel) {
        for (const [agent, node] of byAgent) {
          const key = seriesKey(provider, model, agent);
          const id = seriesId(key);
          let m = merged.get(id);
          if (m === undefined) merged.set(id, (m = { key, tally: new Tally() }));
          for (const t of node.operations.values()) m.tally.addTally(t);
        }
      }
    }
    return new Map([...merged].map(([id, m]) => [id, seriesTotals(m.key, m.tally)]));
  }

  /** The next line is the first of a ledger segment. */
  beginSegment(): void {
    this.segmentStart = true;
  }

  /** One complete, non-empty ledger line. */
  acceptLine(text: string): void {
    if (this.segmentStart) this.noteStart(text);
    this.agg.consumeLine(text);
  }

  /** A segment starts at its first entry with a timestamp. */
  private noteStart(text: string): void {
    const timestamp = parseLineObject(text)?.timestamp;
    const ms = typeof timestamp === 'string' ? Date.parse(timestamp) : NaN;
    if (!Number.isFinite(ms)) return;
    this.startMs = this.startMs === null ? ms : Math.min(this.startMs, ms);
    this.segmentStart = false;
  }
}
