/**
 * The reconciliation a person reads (`--write`, or `--format markdown`), built as an mdast
 * tree and serialized (cells are text nodes: a model or line item can never become markup).
 * Sections: the scope and verdict, Totals (both sides), Rows That Drift (largest difference
 * first), All Rows, What To Do (for each status present), Model Names (where the two sides
 * spell a model differently), Notes (what was not compared, and why).
 */
import type { AlignType, PhrasingContent, Root, RootContent } from 'mdast';
import { formatCount } from '../core/money.js';
import { bulletList, heading, labelledList, paragraph, strong, table, text } from '../markdown/build.js';
import { serializeNode } from '../markdown/serialize.js';
import { timeText } from '../views/format.js';
import { STATUS_ADVICE, STATUS_MEANING } from './advice.js';
import { DRIFT_STATUSES, STATUSES, type Reconciliation, type Row } from './result.js';
import { driftFirst, money, rangeText, ROW_HEADER, rowCells, signedMoney, statusCounts, toleranceText, verdictText } from './render-text.js';

const R: AlignType = 'right';
const ROW_ALIGN: AlignType[] = [null, null, null, null, R, R, R, R, R, R];

/** Text with `code` spans as inline code. */
function withCode(s: string): PhrasingContent[] {
  return s
    .split(/`([^`]+)`/)
    .map((part, i): PhrasingContent => (i % 2 === 1 ? { type: 'inlineCode', value: part } : text(part)))
    .filter((n) => n.type !== 'text' || n.value !== '');
}

function scope(rec: Reconciliation): RootContent[] {
  const formats = new Map<string, number>();
  for (const s of rec.sources) formats.set(s.format, (formats.get(s.format) ?? 0) + 1);
  const reports = [...formats].sort(([a], [b]) => (a < b ? -1 : 1)).map(([f, n]) => `${f} ${n}`).join(', ');
  return [
    heading(1, "Reconciliation with the Provider's Bill"),
    labelledList([
      ['Providers', rec.providers.join(', ') || 'none'],
      ['Days (UTC)', rangeText(rec)],
      ['Reports', `${formatCount(rec.sources.length)} (${reports || 'none'})`],
      ['Tolerance', toleranceText(rec.summary.tolerance)],
      ['Provisional From', `${rec.provisional_from} (today and yesterday, UTC)`],
      ['Generated', timeText(rec.generated)],
      ['Verdict', verdictText(rec.summary)],
      ['Rows', statusCounts(rec.summary)],
    ]),
  ];
}

function totals(rec: Reconciliation): RootContent[] {
  const s = rec.summary;
  const j = s.journal;
  const p = s.provider_side;
  const n = (v: number | null): string => (v === null ? 'n/a' : formatCount(v));
  const delta = (journal: number, provider: number | null): string => (provider === null ? '' : provider - journal > 0 ? `+${formatCount(provider - journal)}` : formatCount(provider - journal));
  const rows = [
    ['Calls / Requests', formatCount(j.calls), n(p.requests), delta(j.calls, p.requests)],
    ['Input Tokens', formatCount(j.input_tokens), n(p.input_tokens), delta(j.input_tokens, p.input_tokens)],
    ['Output Tokens', formatCount(j.output_tokens), n(p.output_tokens), delta(j.output_tokens, p.output_tokens)],
    ['Cache Read Tokens', formatCount(j.cache_read_tokens), n(p.cache_read_tokens), delta(j.cache_read_tokens, p.cache_read_tokens)],
    ['Token Cost', money(j.cost_usd), money(p.cost_usd), signedMoney(s.diff_usd)],
    ['Tool Fees / Other Charges', money(j.tool_fees_usd), money(p.other_charges_usd), ''],
    ['Unpriced Calls', formatCount(j.unpriced_calls), '', ''],
    ['Not Compared', `${formatCount(s.not_compared.calls)} calls, ${money(s.not_compared.cost_usd)}`, '', ''],
  ];
  return [heading(2, 'Totals'), table(['', 'Journal', 'Provider', 'Difference'], rows, [null, R, R, R])];
}

function rowTable(rows: Row[]): RootContent {
  return table(ROW_HEADER, rows.map(rowCells), ROW_ALIGN);
}

function whatToDo(rec: Reconciliation): RootContent[] {
  const present = STATUSES.filter((st) => rec.summary.statuses[st] > 0);
  if (present.length === 0) return [];
  const items = present.map((st): PhrasingContent[] => {
    const n = rec.summary.statuses[st];
    return [strong(st), text(` (${n} row${n === 1 ? '' : 's'}): ${STATUS_MEANING[st]} `), ...withCode(STATUS_ADVICE[st])];
  });
  return [heading(2, 'What To Do'), bulletList(items)];
}

function spellings(rec: Reconciliation): RootContent[] {
  const seen = new Map<string, [string, string, string]>();
  for (const r of rec.rows) {
    if (r.status === 'other_charges') continue;
    const j = r.spellings.journal.join(', ');
    const p = r.spellings.provider.join(', ');
    if (j === '' || p === '' || j === p) continue;
    seen.set(`${r.provider}\t${r.model}\t${j}\t${p}`, [`${r.provider} ${r.model}`, j, p]);
  }
  if (seen.size === 0) return [];
  return [heading(2, 'Model Names'), paragraph([text('Where the journal and the provider spell a model differently (an alias and its dated snapshot, a display name), the rows hold them together:')]), table(['Model', 'Journal', 'Provider'], [...seen.values()])];
}

export function reconciliationTree(rec: Reconciliation): Root {
  const drifting = rec.rows.filter((r) => DRIFT_STATUSES.has(r.status));
  const children: RootContent[] = [...scope(rec), ...totals(rec)];
  if (drifting.length > 0) children.push(heading(2, 'Rows That Drift'), paragraph([text('Largest difference first. Difference is the provider\'s amount minus the journal\'s; figures are the journal\'s, then the provider\'s.')]), rowTable(driftFirst(drifting)));
  children.push(heading(2, 'All Rows'));
  children.push(rec.rows.length > 0 ? rowTable(driftFirst(rec.rows)) : paragraph([text('No report line and no journal call on the days covered.')]));
  children.push(...whatToDo(rec), ...spellings(rec));
  if (rec.notices.length > 0) children.push(heading(2, 'Notes'), bulletList(rec.notices.map((n) => withCode(n))));
  return { type: 'root', children };
}

export function renderMarkdown(rec: Reconciliation): string {
  return `${serializeNode(reconciliationTree(rec))}\n`;
}
