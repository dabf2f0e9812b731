/** Running totals of calls: counts are safe integers, cost is an exact decimal string. */
import { addMoney, moneyToString, parseMoney } from './money.js';
import { EXIT, TokjError } from './errors.js';
import type { CallRecord } from '../ledger/record.js';

export interface Totals {
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  cost_usd: string;
  unpriced_calls: number;
  estimated_calls: number;
}

export function emptyTotals(): Totals {
  return {
    calls: 0,
    input_tokens: 0,
    output_tokens: 0,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    total_tokens: 0,
    cost_usd: '0',
    unpriced_calls: 0,
    estimated_calls: 0,
  };
}

function safeAdd(a: number, b: number, what: string): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) {
    throw new TokjError(`${what} would exceed 2^53-1 (${Number.MAX_SAFE_INTEGER}); this journal cannot hold an exact total that large`, EXIT.rejected, 'overflow');
  }
  return sum;
}

const COUNTED = ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'total_tokens'] as const;

/**
 * Throws (exit 3) when adding these calls would take a total past 2^53-1, before anything
 * is written: the ledger must never hold a line the journal cannot total exactly.
 */
export function checkCanAdd(t: Totals, records: CallRecord[], what: string): void {
  const sums = Object.fromEntries(COUNTED.map((k) => [k, t[k]])) as Record<(typeof COUNTED)[number], number>;
  for (const r of records) {
    for (const k of COUNTED) {
      sums[k] += r[k];
      if (!Number.isSafeInteger(sums[k])) {
        throw new TokjError(
          `recording this would take ${what}'s ${k.replace(/_/g, ' ')} past 2^53-1 (${Number.MAX_SAFE_INTEGER}), beyond what can be totalled exactly; nothing was recorded (start a new session, or split the journal)`,
          EXIT.rejected,
          'overflow',
        );
      }
    }
  }
}

/** Adds one call to totals in place. */
export function addCall(t: Totals, r: CallRecord): void {
  t.calls += 1;
  t.input_tokens = safeAdd(t.input_tokens, r.input_tokens, 'total input tokens');
  t.output_tokens = safeAdd(t.output_tokens, r.output_tokens, 'total output tokens');
  t.cache_read_tokens = safeAdd(t.cache_read_tokens, r.cache_read_tokens, 'total cache-read tokens');
  t.cache_write_tokens = safeAdd(t.cache_write_tokens, r.cache_write_tokens, 'total cache-write tokens');
  t.reasoning_tokens = safeAdd(t.reasoning_tokens, r.reasoning_tokens, 'total reasoning tokens');
  t.total_tokens = safeAdd(t.total_tokens, r.total_tokens, 'total tokens');
  if (r.cost_usd === null) t.unpriced_calls += 1;
  else t.cost_usd = addMoney(t.cost_usd, r.cost_usd);
  if (r.estimated) t.estimated_calls += 1;
}

const SUMMED = ['calls', ...COUNTED, 'unpriced_calls', 'estimated_calls'] as const;

/**
 * Adds (sign 1) or takes away (sign -1) one set of totals from another, in place: a session
 * whose start moved into another month takes its totals with it. Taking away only ever
 * removes what was added, so no count goes negative.
 */
export function addTotals(t: Totals, other: Totals, sign: 1 | -1 = 1): void {
  for (const k of SUMMED) t[k] = safeAdd(t[k], sign * other[k], `total ${k.replace(/_/g, ' ')}`);
  t.cost_usd = sign === 1 ? addMoney(t.cost_usd, other.cost_usd) : moneyToString(parseMoney(t.cost_usd).minus(parseMoney(other.cost_usd)));
}

export function modelKey(provider: string, model: string): string {
  return `${provider}\u0000${model}`;
}

/** A copy of a map with its keys in sorted order (stored state must not depend on the order entries arrived in). */
export function sortedRecord<T>(map: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(map).sort()) out[key] = map[key]!;
  return out;
}
