/**
 * The tool's simple blocks (`**Label**: value` lists, small aligned tables) written as
 * strings when every text in them is plain — text the serializer would write unchanged —
 * and through the serializer otherwise. An import renders thousands of session files; the
 * serializer's generic escaping costs a millisecond per block, string joins microseconds.
 * A property test checks both paths give the same bytes (test/unit/direct.test.ts).
 */
import type { AlignType, PhrasingContent } from 'mdast';
import { markdownTable } from 'markdown-table';
import { heading, labelledList, strong, table } from './build.js';
import { serializeNode } from './serialize.js';

/**
 * Letters, digits and punctuation that mean nothing to markdown in the middle of a line,
 * neither starting nor ending with a space. `_ * ~ | \ [ ] < > ! & # ^` and backquotes can
 * start markup and are left to the serializer, as are the GFM autolink shapes it escapes
 * (`www.`, `scheme:/`, `user@host`).
 */
const PLAIN = /^[A-Za-z0-9,.:;()/+%$='"?-](?:[A-Za-z0-9 ,.:;()/+%$='"?-]*[A-Za-z0-9,.:;()/+%$='"?-])?$/;
const AUTOLINK_SHAPE = /[wW]\.|:\/|@/;

export function isPlainText(value: string): boolean {
  return PLAIN.test(value) && !AUTOLINK_SHAPE.test(value);
}

/** Serializes `- **Label**: value` items (labelledList), one line each. */
export function labelledListText(items: Array<[label: string, value: string]>): string {
  if (!items.every(([label, value]) => isPlainText(label) && isPlainText(value))) return serializeNode(labelledList(items));
  let out = '';
  for (const [label, value] of items) out += `${out === '' ? '' : '\n'}- **${label}**: ${value}`;
  return out;
}

/** An ATX heading line (`## Title`). */
export function headingText(depth: 1 | 2 | 3, title: string): string {
  return isPlainText(title) ? `${'#'.repeat(depth)} ${title}` : serializeNode(heading(depth, title));
}

/** A table cell: text, text in bold (a TOTAL row's label), or a relative link whose text is its path. */
export type DirectCell = string | { strong: string } | { link: string };

const cellText = (c: DirectCell): string => (typeof c === 'string' ? c : 'strong' in c ? c.strong : c.link);

/** A relative path the serializer writes as it is, as link text and as destination: `log/2026-12.md`. */
const SAFE_PATH = /^[A-Za-z0-9][A-Za-z0-9.-]*(?:\/[A-Za-z0-9][A-Za-z0-9.-]*)*$/;

/** The phrasing a cell is (what the serializer gets when a cell is not plain). */
const cellPhrasing = (c: DirectCell): string | PhrasingContent[] =>
  typeof c === 'string' ? c : 'strong' in c ? [strong(c.strong)] : [{ type: 'link', url: c.link, children: [{ type: 'text', value: c.link }] }];

/** A cell as markdown, when cellText is plain: a path without a scheme is written `[path](path)`, as the serializer does. */
const cellMarkdown = (c: DirectCell): string => (typeof c === 'string' ? c : 'strong' in c ? `**${c.strong}**` : `[${c.link}](${c.link})`);

/** A cell the serializer writes as it is: plain text, or a cost column's "<$0.0001" (a `<` before `$` starts no HTML). */
const isDirectCell = (text: string): boolean => text === '' || text === '<$0.0001' || isPlainText(text);

const alignCodes = (align: AlignType[]): string[] => align.map((a) => (a === 'right' ? 'r' : a === 'left' ? 'l' : a === 'center' ? 'c' : ''));

/** The header and delimiter rows of an unpadded table (one that grows row by row). */
export function compactHeaderText(header: string[], align?: AlignType[]): string {
  const alignment = align ?? header.map(() => null);
  if (!header.every(isPlainText)) return serializeNode(table(header, [], alignment), { alignTables: false });
  return markdownTable([header], { align: alignCodes(alignment), alignDelimiters: false, padding: true });
}

/** Serializes a small table with padded, aligned columns (the serializer's tablePipeAlign). */
export function alignedTableText(header: string[], rows: DirectCell[][], align: AlignType[]): string {
  const plain = [header, ...rows].every((row) => row.every((c) => (typeof c === 'object' && 'link' in c ? SAFE_PATH.test(c.link) : isDirectCell(cellText(c)))));
  if (!plain) {
    const node = table(header, rows.map((row) => row.map(cellPhrasing)), align);
    return serializeNode(node);
  }
  const matrix = [header, ...rows.map((row) => row.map(cellMarkdown))];
  return markdownTable(matrix, { align: alignCodes(align), alignDelimiters: true, padding: true });
}
