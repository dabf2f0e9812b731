/** The terminal output (the default): a line of scope, the rows, the totals, the verdict. */
import { formatCount } from '../core/money.js';
import { STATUS_MEANING } from './advice.js';
import { DRIFT_STATUSES, STATUSES, type Reconciliation } from './result.js';
import { driftFirst, money, rangeText, ROW_HEADER, rowCells, signedMoney, statusCounts, toleranceText, verdictText } from './render-text.js';

const RIGHT = new Set([4, 5, 6, 7, 8, 9]);

function align(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => (RIGHT.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function renderTable(rec: Reconciliation): string {
  const s = rec.summary;
  const lines = [`Reconciliation of the journal with ${rec.providers.join(' and ') || 'no provider'} reports: ${rangeText(rec)} (UTC days); tolerance ${toleranceText(s.tolerance)}`, ''];
  if (rec.rows.length > 0) lines.push(align(ROW_HEADER.map((h) => h.toLowerCase()), driftFirst(rec.rows).map(rowCells)), '');
  const j = s.journal;
  const p = s.provider_side;
  const count = (n: number | null): string => (n === null ? 'n/a' : formatCount(n));
  lines.push(
    `Journal:  ${formatCount(j.calls)} calls, ${formatCount(j.input_tokens)} input and ${formatCount(j.output_tokens)} output tokens, ${money(j.cost_usd)}${j.tool_fees_usd === '0' ? '' : ` (and ${money(j.tool_fees_usd)} tool fees)`}${j.unpriced_calls > 0 ? `; ${formatCount(j.unpriced_calls)} unpriced calls` : ''}`,
    `Provider: ${p.requests === null ? '' : `${count(p.requests)} requests, `}${count(p.input_tokens)} input and ${count(p.output_tokens)} output tokens, ${money(p.cost_usd)}${p.other_charges_usd === '0' ? '' : ` (and ${money(p.other_charges_usd)} other charges)`}`,
    `Difference: ${signedMoney(s.diff_usd)}; ${statusCounts(s)}`,
  );
  if (s.not_compared.calls > 0) lines.push(`Not compared: ${formatCount(s.not_compared.calls)} journal calls (${money(s.not_compared.cost_usd)}) outside the reports`);
  lines.push(`Verdict: ${verdictText(s)}`);
  for (const st of STATUSES) if (DRIFT_STATUSES.has(st) && s.statuses[st] > 0) lines.push(`  ${st}: ${STATUS_MEANING[st]}`);
  return `${lines.join('\n')}\n`;
}
