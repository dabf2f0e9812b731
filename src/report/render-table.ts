/** `--format table`: an aligned plain-text table for a terminal, numbers right-aligned. */
import { formatCount } from '../core/money.js';
import { costCellText, rangeText } from './text.js';
import type { Group, ReportData, SummaryJson } from './types.js';

function align(header: string[], rows: string[][], right: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const numbers = (s: SummaryJson): string[] => [formatCount(s.calls), formatCount(s.input_tokens), formatCount(s.output_tokens), formatCount(s.total_tokens), costCellText(s)];

export function renderTable(data: ReportData): string {
  const lines = [`Usage report: ${data.period}, ${data.timezone}, ${rangeText(data)}`, ''];
  const total = ['TOTAL', ...numbers(data.summary)];
  if (data.by !== null) {
    const header = [data.by.dimension, 'calls', 'input', 'output', 'total tokens', 'cost', 'share'];
    const label = (g: Group): string => (g.key === null ? '(none)' : g.provider === undefined ? g.key : `${g.provider}/${g.key}`);
    const rows = data.by.rows.map((g) => [label(g), ...numbers(g), g.share === null ? 'n/a' : `${g.share}%`]);
    rows.push([...total, data.summary.total_cost_usd === '0' ? 'n/a' : '100.00%']);
    lines.push(align(header, rows, [false, true, true, true, true, true, true]));
  } else {
    const header = [data.period === 'session' ? 'session' : 'period', 'calls', 'input', 'output', 'total tokens', 'cost'];
    const rows = data.periods.map((p) => [p.period, ...numbers(p)]);
    rows.push(total);
    lines.push(align(header, rows, [false, true, true, true, true, true]));
  }
  return `${lines.join('\n')}\n`;
}
