/**
 * Mermaid charts as code blocks, which GitHub and most editors draw as pictures:
 * a `pie` of cost shares and an `xychart-beta` bar chart of cost over the report's days.
 * Labels are double-quoted strings, which cannot hold a double quote or a newline, so those
 * become a single quote and a space, and Mermaid may render labels as HTML, so < and >
 * become ‹ and ›. Pie values must be positive (Mermaid rejects zero slices).
 */
import Big from 'big.js';
import type { Code } from 'mdast';
import { axisTop, type CostSeries } from './chart-series.js';

const label = (text: string): string => `"${text.replace(/"/g, "'").replace(/</g, '‹').replace(/>/g, '›').replace(/[\r\n]+/g, ' ')}"`;

export function mermaid(lines: string[]): Code {
  return { type: 'code', lang: 'mermaid', meta: null, value: lines.join('\n') };
}

export interface Slice {
  label: string;
  /** Percent with two decimals, as the report's shares are. */
  percent: string;
}

/** Slices under this percent are too thin to label: they go into "other". */
export const MIN_SLICE_PERCENT = 2;

/**
 * Slices of at least 2%, at most `max` of them (the largest first), the rest as one
 * "other (N)" slice; null when nothing is positive.
 */
export function pieChart(title: string, slices: Slice[], max = 8): Code | null {
  const positive = slices.filter((s) => new Big(s.percent).gt(0));
  if (positive.length === 0) return null;
  const wide = positive.filter((s) => new Big(s.percent).gte(MIN_SLICE_PERCENT));
  const shown = wide.length > max ? wide.slice(0, max - 1) : wide;
  const rest = positive.filter((s) => !shown.includes(s));
  const lines = [`pie title ${title}`, ...shown.map((s) => `    ${label(s.label)} : ${s.percent}`)];
  const restPercent = rest.reduce((sum, s) => sum.plus(s.percent), new Big(0));
  if (rest.length > 0) lines.push(`    ${label(`other (${rest.length})`)} : ${restPercent.toFixed(2)}`);
  return mermaid(lines);
}

/** Six decimals at most, no trailing zeros: charts need numbers, not exact strings. */
const chartNumber = (v: Big): string => v.toFixed(6).replace(/\.?0+$/, '') || '0';

/**
 * A bar per label of the series, the y-axis from zero to a round number above the tallest
 * bar (an axis from the smallest bar makes a small cost look like nothing); null when
 * nothing was spent.
 */
export function barChart(title: string, series: CostSeries, yTitle: string): Code | null {
  const max = series.costs.reduce((m, c) => (c.gt(m) ? c : m), new Big(0));
  if (series.labels.length === 0 || max.eq(0)) return null;
  return mermaid([
    'xychart-beta',
    `    title ${label(title)}`,
    `    x-axis [${series.labels.map(label).join(', ')}]`,
    `    y-axis ${label(yTitle)} 0 --> ${chartNumber(axisTop(max))}`,
    `    bar [${series.costs.map(chartNumber).join(', ')}]`,
  ]);
}
