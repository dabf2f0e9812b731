/** How numbers read in the markdown: for people; exact values stay in the ledger. */
import Big from 'big.js';
import { formatCount, formatUsd, formatUsdCell, parseMoney } from '../core/money.js';
import type { Totals } from '../core/totals.js';

export const count = formatCount;

/**
 * A count with its noun, for prose: "1 call", "2 calls", "1,500 tokens", "0 sessions".
 * `many` for nouns whose plural is not noun + s ("1 entry", "2 entries").
 */
export function plural(n: number, noun: string, many = `${noun}s`): string {
  return `${formatCount(n)} ${n === 1 ? noun : many}`;
}

/**
 * A cost cell: "$0.0118" (four decimals in every cost column: formatUsdCell), "n/a" when
 * unpriced, "~$0.0012" when estimated.
 */
export function costCell(cost: string | null, estimated = false): string {
  if (cost === null) return 'n/a';
  return `${estimated ? '~' : ''}${formatUsdCell(cost)}`;
}

/** A total that includes unpriced calls says so rather than pretending to be complete. */
export function totalCostText(t: Totals): string {
  const base = formatUsd(t.cost_usd);
  if (t.unpriced_calls === 0) return base;
  return `${base} + ${plural(t.unpriced_calls, 'unpriced call')}`;
}

/** totalCostText for a table's cost column: "$0.0691", "$0.0691 + 2 unpriced calls". */
export function totalCostCell(t: Totals): string {
  const base = formatUsdCell(t.cost_usd);
  if (t.unpriced_calls === 0) return base;
  return `${base} + ${formatCount(t.unpriced_calls)} unpriced call${t.unpriced_calls === 1 ? '' : 's'}`;
}

/** "2026-11-24T13:05:01.123Z" -> "2026-11-24 13:05:01 UTC". */
export function timeText(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

export function ratioText(numerator: number, denominator: number, digits = 2): string {
  if (denominator === 0) return 'n/a';
  return new Big(numerator).div(denominator).toFixed(digits);
}

export function averageCount(total: number, n: number): string {
  if (n === 0) return 'n/a';
  return formatCount(Math.round(total / n));
}

export function percentText(part: Big | number, whole: Big | number, digits = 1): string {
  const w = new Big(whole);
  if (w.eq(0)) return 'n/a';
  return `${new Big(part).times(100).div(w).toFixed(digits)}%`;
}

export function averageCost(t: Totals): string {
  const priced = t.calls - t.unpriced_calls;
  if (priced === 0) return 'n/a';
  return formatUsd(parseMoney(t.cost_usd).div(priced));
}

/** Cost per 1K tokens over priced calls only. */
export function costPer1k(cost: string, tokens: number): string {
  if (tokens === 0) return 'n/a';
  return formatUsd(parseMoney(cost).times(1000).div(tokens));
}

export function durationText(fromIso: string, toIso: string): string {
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (!Number.isFinite(ms) || ms < 0) return 'n/a';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h ${m}m ${sec}s` : m > 0 ? `${m}m ${sec}s` : `${sec}s`;
}
