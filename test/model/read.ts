/**
 * An independent reading of the markdown: remark's own processor (remark-parse + remark-gfm),
 * not the product's src/markdown code. It finds the tool's blocks the way a person reading
 * the file would — a section by its heading, in it the table with the tool's header row or
 * the list of `**Label**: value` items — and returns their text cell by cell.
 *
 * A line a person typed directly under a table or list, with no blank line, is read by
 * GFM as part of it (a table row; a lazy continuation of the last item). Such lines are the
 * person's, not the tool's: readers are given the markers and set them aside, so the
 * tool's content is compared on its own and the markers are checked where they belong.
 */
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import type { Nodes, Root, RootContent, Table } from 'mdast';
import type { Items } from './model.js';

const processor = unified().use(remarkParse).use(remarkGfm);

export function parse(text: string): Root {
  return processor.parse(text) as Root;
}

/** The text a node reads as (a hard line break reads as a newline). */
export function textOf(node: Nodes): string {
  if (node.type === 'break') return '\n';
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(textOf).join('');
  return '';
}

/** The top-level blocks under a `##` (or deeper) heading with this text, up to the next heading as high. */
export function sectionBody(root: Root, title: string): RootContent[] | null {
  const children = root.children;
  for (let i = 0; i < children.length; i++) {
    const h = children[i]!;
    if (h.type !== 'heading' || h.depth < 2 || textOf(h).trim() !== title) continue;
    const body: RootContent[] = [];
    for (let j = i + 1; j < children.length; j++) {
      const next = children[j]!;
      if (next.type === 'heading' && next.depth <= h.depth) break;
      body.push(next);
    }
    return body;
  }
  return null;
}

const headerOf = (t: Table): string[] => (t.children[0]?.children ?? []).map((c) => textOf(c).trim());

const isLabelledList = (n: RootContent): boolean =>
  n.type === 'list' && !n.ordered && n.children.every((item) => item.children[0]?.type === 'paragraph' && item.children[0].children[0]?.type === 'strong');

/** Why a block could not be read (the message names what was looked for). */
export class Missing {
  constructor(readonly what: string) {}
}

/** Body rows of the section's table whose header is `header`, each cell's text trimmed. */
export function readTable(root: Root, section: string, header: string[], markers: string[]): string[][] | Missing {
  const body = sectionBody(root, section);
  if (!body) return new Missing(`no "${section}" section`);
  const table = body.find((n): n is Table => n.type === 'table' && JSON.stringify(headerOf(n)) === JSON.stringify(header));
  if (!table) return new Missing(`no table with header ${header.join(' | ')} in "${section}"`);
  const rows = table.children.slice(1).map((r) => r.children.map((c) => textOf(c).trim()));
  // A person's line right under the table reads as a row: its first cell, the rest empty.
  return rows.filter((r) => !(markers.includes(r[0] ?? '') && r.slice(1).every((c) => c === '')));
}

/** What the Alerts section says while there is no alert: no table, this sentence. */
export const NO_ALERTS = 'No alerts.';

/** The Alerts table's rows, none while the section holds the "No alerts." sentence instead. */
export function readAlerts(root: Root, markers: string[]): string[][] | Missing {
  const table = readTable(root, 'Alerts', ALERT_HEADER, markers);
  if (!(table instanceof Missing)) return table;
  const body = sectionBody(root, 'Alerts') ?? [];
  const sentence = body.some((n) => n.type === 'paragraph' && withoutMarkers(textOf(n), markers) === NO_ALERTS);
  return sentence ? [] : new Missing(`no table with header ${ALERT_HEADER.join(' | ')} and no "${NO_ALERTS}" sentence in "Alerts"`);
}

/** The section's `**Label**: value` list, as [label, value] pairs. */
export function readList(root: Root, section: string, markers: string[]): Items | Missing {
  const body = sectionBody(root, section);
  if (!body) return new Missing(`no "${section}" section`);
  const list = body.find(isLabelledList);
  if (!list || list.type !== 'list') return new Missing(`no **Label**: list in "${section}"`);
  return list.children.map((item) => {
    const p = item.children[0];
    if (p?.type !== 'paragraph') return ['', ''];
    const [label, ...rest] = p.children;
    const value = rest.map(textOf).join('').replace(/^:\s*/, '');
    return [label ? textOf(label) : '', withoutMarkers(value, markers)];
  });
}

/** The section's paragraph that starts with `**label**`, as read (e.g. "Total Estimated Cost: $0.02"). */
export function readLabelledParagraph(root: Root, section: string, label: string, markers: string[]): string | Missing {
  const body = sectionBody(root, section);
  if (!body) return new Missing(`no "${section}" section`);
  const p = body.find((n) => n.type === 'paragraph' && n.children[0]?.type === 'strong' && textOf(n.children[0]).trim() === label);
  if (!p) return new Missing(`no **${label}** paragraph in "${section}"`);
  return withoutMarkers(textOf(p), markers);
}

/** A value with a person's lazily continued lines taken out. */
function withoutMarkers(value: string, markers: string[]): string {
  return value
    .split('\n')
    .filter((line) => !markers.includes(line.trim()))
    .join('\n')
    .trim();
}

/** Every table and list the tool writes in a file, by block name, as read. */
export type ToolBlocks = Record<string, string[][] | Items | string | Missing>;

export const USAGE_HEADER = ['Call', 'Timestamp', 'Provider', 'Model', 'Input Tokens', 'Cached', 'Output Tokens', 'Reasoning', 'Total Tokens', 'Cost', 'Note'];
export const BREAKDOWN_HEADER = ['Provider', 'Model', 'Calls', 'Input Tokens', 'Output Tokens', 'Total Tokens', 'Cost', 'Share'];
export const SUMMARY_HEADER = ['Provider', 'Model', 'Sessions', 'Calls', 'Input Tokens', 'Output Tokens', 'Total Tokens', 'Avg Tokens/Call', 'Cost'];
export const LOG_HEADER = ['Session', 'Started', 'Status', 'Provider/Model', 'Calls', 'Tokens', 'Cost'];
export const MONTH_HEADER = ['Month', 'Sessions', 'Calls', 'Total Tokens', 'Cost', 'Log'];
export const ALERT_HEADER = ['Time', 'Kind', 'Session', 'Model', 'Value', 'Threshold', 'Average'];

export function readJournal(text: string, markers: string[]): ToolBlocks {
  const root = parse(text);
  return {
    'Usage Summary table': readTable(root, 'Usage Summary', SUMMARY_HEADER, markers),
    'Total Estimated Cost': readLabelledParagraph(root, 'Usage Summary', 'Total Estimated Cost', markers),
    'Monthly Summary table': readTable(root, 'Monthly Summary', MONTH_HEADER, markers),
    'Recent Sessions table': readTable(root, 'Recent Sessions', LOG_HEADER, markers),
    'Usage Analysis list': readList(root, 'Usage Analysis', markers),
    'Alerts table': readAlerts(root, markers),
  };
}

/** A month log's blocks (work_journal/log/YYYY-MM.md). */
export function readMonthLog(text: string, markers: string[]): ToolBlocks {
  const root = parse(text);
  return {
    'Month Total': readLabelledParagraph(root, 'Month Summary', 'Month Total', markers),
    'Detailed Usage Log table': readTable(root, 'Detailed Usage Log', LOG_HEADER, markers),
  };
}

/** A session file's blocks; the final ones only when the file has them (or `final` says it must). */
export function readSession(text: string, markers: string[], final: boolean): ToolBlocks {
  const root = parse(text);
  const blocks: ToolBlocks = {
    'Session Information list': readList(root, 'Session Information', markers),
    'Usage Tracking table': readTable(root, 'Usage Tracking', USAGE_HEADER, markers),
    'Session Summary list': readList(root, 'Session Summary', markers),
  };
  if (final || sectionBody(root, 'Session Completion')) {
    blocks['Session Completion list'] = readList(root, 'Session Completion', markers);
    blocks['Cost Breakdown table'] = readTable(root, 'Cost Breakdown', BREAKDOWN_HEADER, markers);
    blocks['Efficiency Metrics list'] = readList(root, 'Efficiency Metrics', markers);
  }
  return blocks;
}

/** Where the tool's tables and lists end in a file (offsets), for a person typing right under one. */
export function toolBlockEnds(text: string): Array<{ name: string; end: number }> {
  const root = parse(text);
  const out: Array<{ name: string; end: number }> = [];
  let section = '';
  for (const n of root.children) {
    if (n.type === 'heading') {
      section = textOf(n).trim();
      continue;
    }
    const isTool = n.type === 'table' || isLabelledList(n);
    if (isTool && section && n.position?.end.offset !== undefined) out.push({ name: `${section} ${n.type}`, end: n.position.end.offset });
  }
  return out;
}

/** Offsets where one top-level block ends and the next begins (for a note between blocks). */
export function blockBoundaries(text: string): Array<{ after: string; end: number }> {
  const root = parse(text);
  return root.children.slice(0, -1).flatMap((n) => (n.position?.end.offset !== undefined ? [{ after: n.type === 'heading' ? `heading "${textOf(n)}"` : n.type, end: n.position.end.offset }] : []));
}
