/** A reconciliation's totals, from its rows: both sides, the statuses, what was not compared. */
import { moneyToString, ZERO, type Money } from '../core/money.js';
import { DRIFT_STATUSES, STATUSES, type Row, type Status, type Summary, type Tolerance } from './result.js';

export interface SummaryExtras {
  tolerance: Tolerance;
  /** The journal's tool fees on the days compared. */
  toolFees: Money;
  notComparedCalls: number;
  notComparedCost: Money;
}

export function summarize(rows: readonly Row[], { tolerance, toolFees, notComparedCalls, notComparedCost }: SummaryExtras): Summary {
  const statuses = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const r of rows) statuses[r.status]++;
  const tokenRows = rows.filter((r) => r.status !== 'other_charges');
  // A provider total is given only when every row's provider side gives it: a sum over some
  // rows set against the journal's over all would read as a difference that is not there.
  const sumOf = (values: Array<number | null>): number | null => (values.some((v) => v === null) ? null : values.reduce<number>((a, v) => a + v!, 0));
  const money = (values: Array<string | null>): Money => values.reduce<Money>((a, v) => (v === null ? a : a.plus(v)), ZERO);
  const providerCosts = tokenRows.map((r) => r.provider_side.cost_usd);
  const costKnown = providerCosts.every((c) => c !== null);
  return {
    rows: rows.length,
    statuses,
    drifting_rows: rows.filter((r) => DRIFT_STATUSES.has(r.status)).length,
    journal: {
      calls: tokenRows.reduce((a, r) => a + r.journal.calls, 0),
      input_tokens: tokenRows.reduce((a, r) => a + r.journal.input_tokens, 0),
      output_tokens: tokenRows.reduce((a, r) => a + r.journal.output_tokens, 0),
      cache_read_tokens: tokenRows.reduce((a, r) => a + r.journal.cache_read_tokens, 0),
      cost_usd: moneyToString(money(tokenRows.map((r) => r.journal.cost_usd))),
      unpriced_calls: tokenRows.reduce((a, r) => a + r.unpriced_calls, 0),
      tool_fees_usd: moneyToString(toolFees),
    },
    provider_side: {
      requests: sumOf(tokenRows.map((r) => r.provider_side.requests)),
      input_tokens: sumOf(tokenRows.map((r) => r.provider_side.input_tokens)),
      output_tokens: sumOf(tokenRows.map((r) => r.provider_side.output_tokens)),
      cache_read_tokens: sumOf(tokenRows.map((r) => r.provider_side.cache_read_tokens)),
      cost_usd: costKnown ? moneyToString(money(providerCosts)) : null,
      other_charges_usd: moneyToString(money(rows.filter((r) => r.status === 'other_charges').map((r) => r.provider_side.cost_usd))),
    },
    diff_usd: costKnown ? moneyToString(money(tokenRows.map((r) => r.diff_usd))) : null,
    not_compared: { calls: notComparedCalls, cost_usd: moneyToString(notComparedCost) },
    tolerance,
  };
}
