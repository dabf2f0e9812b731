/** The figures of a reconciliation as people read them: shared by the terminal table and the markdown. */
import Big from 'big.js';
import { formatCount, formatUsd } from '../core/money.js';
import { DRIFT_STATUSES, STATUSES, type Reconciliation, type Row, type Summary, type Tolerance } from './result.js';

export const money = (v: string | null): string => (v === null ? 'n/a' : formatUsd(v));

/** "+$0.50" when the provider billed more, "-$0.50" when less, "$0.00" when equal. */
export function signedMoney(v: string | null): string {
  if (v === null) return 'n/a';
  const m = new Big(v);
  return m.gt(0) ? `+${formatUsd(m)}` : formatUsd(m);
}

/** "1,500 / 1,500": the journal's figure, then the provider's. */
export const pair = (journal: number, provider: number | null): string => `${formatCount(journal)} / ${provider === null ? 'n/a' : formatCount(provider)}`;

export function toleranceText(t: Tolerance): string {
  const usd = new Big(t.usd);
  const pct = new Big(t.percent);
  if (usd.eq(0) && pct.eq(0)) return 'none (amounts must be equal)';
  if (pct.eq(0)) return `${formatUsd(usd)} per row`;
  if (usd.eq(0)) return `${t.percent}% of the provider's amount, per row`;
  return `the larger of ${formatUsd(usd)} and ${t.percent}% of the provider's amount, per row`;
}

export const rangeText = (rec: Pick<Reconciliation, 'since' | 'until'>): string => (rec.since === null ? 'no day covered' : rec.since === rec.until ? rec.since : `${rec.since} to ${rec.until}`);

export function verdictText(s: Summary): string {
  if (s.drifting_rows === 0) return s.rows === 0 ? 'nothing to compare' : 'no row drifts';
  const parts = STATUSES.filter((st) => DRIFT_STATUSES.has(st) && s.statuses[st] > 0).map((st) => `${s.statuses[st]} ${st}`);
  return `${s.drifting_rows} row${s.drifting_rows === 1 ? '' : 's'} drift${s.drifting_rows === 1 ? 's' : ''}: ${parts.join(', ')}`;
}

/** Every status with its count, in the order of STATUSES: "4 match, 1 price_drift". */
export function statusCounts(s: Summary): string {
  return STATUSES.filter((st) => s.statuses[st] > 0).map((st) => `${s.statuses[st]} ${st}`).join(', ') || 'no rows';
}

/** The model, with the mapped dimensions' values: "gpt-4o (project_id=proj_a)". */
export function modelText(r: Row): string {
  const dims = Object.entries(r.dimensions ?? {}).map(([k, v]) => `${k}=${v ?? '(none)'}`);
  return dims.length === 0 ? r.model : `${r.model} (${dims.join(', ')})`;
}

export const ROW_HEADER = ['Date', 'Provider', 'Model', 'Status', 'Calls / Requests', 'Input', 'Output', 'Journal Cost', 'Provider Cost', 'Difference'];

export function rowCells(r: Row): string[] {
  const other = r.status === 'other_charges';
  return [
    r.date,
    r.provider,
    modelText(r),
    r.status,
    other ? '' : pair(r.journal.calls, r.provider_side.requests),
    other ? '' : pair(r.journal.input_tokens, r.provider_side.input_tokens),
    other ? '' : pair(r.journal.output_tokens, r.provider_side.output_tokens),
    other ? '' : money(r.journal.cost_usd),
    money(r.provider_side.cost_usd),
    other ? '' : signedMoney(r.diff_usd),
  ];
}

/** The drifting rows first (largest difference first), then the others in date order. */
export function driftFirst(rows: readonly Row[]): Row[] {
  const size = (r: Row): Big => (r.diff_usd === null ? new Big(0) : new Big(r.diff_usd).abs());
  const drifting = rows.filter((r) => DRIFT_STATUSES.has(r.status)).sort((a, b) => size(b).cmp(size(a)));
  return [...drifting, ...rows.filter((r) => !DRIFT_STATUSES.has(r.status))];
}
