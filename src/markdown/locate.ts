/**
 * Finds the tool's blocks in a parsed document: a section is found by its heading text,
 * the block inside it by kind and shape (a table by its header row, a list by its
 * `**Label**:` items, a paragraph by its leading bold label). Whatever else a person put
 * in the section is not the tool's and is never touched.
 */
import type { Heading, Nodes, Root, RootContent, Table } from 'mdast';
import { EXIT, rejectedInput, TokjError } from '../core/errors.js';
import { elidedRows } from './elide.js';
import type { Regions, Span } from './editor.js';
import type { ParseOptions } from './lazy-parse.js';

export interface BlockSpec {
  /** Region name the caller uses to address the block. */
  name: string;
  /** Heading text of the section that holds the block. */
  section: string;
  kind: 'table' | 'list' | 'paragraph';
  /** Tables: the expected header cells. */
  header?: string[];
  /** Paragraphs: the bold label the paragraph starts with. */
  label?: string;
  /** Tables: also report each body row's span keyed by its first cell's text. */
  rowsByKey?: boolean;
  /**
   * Tables whose every row the tool writes, always with a cell per column: a row with
   * fewer cells is a person's line that joined the table (a formatter turned it into a row).
   */
  owned?: boolean;
  /**
   * Tables: the sentence that stands for the table while it has no rows ("No alerts."), so
   * an empty table is never a bare header. A paragraph whose first line is this text is the
   * block (a line a person typed under it joins the paragraph and is theirs).
   */
  placeholder?: string;
  /** A block older versions wrote: located when present (so the caller can replace it), never inserted. */
  retired?: boolean;
  /**
   * Tables whose cells the tool never reads back (it renders them whole from the ledger):
   * from this many body rows a parse may leave their middle rows out (elide.ts), which
   * keeps a session file of 100,000 calls cheap to locate. Their rows are then counted
   * (rowCounts) but refused (rowCells).
   */
  elideRowsFrom?: number;
}

/** How to parse a text for these blocks: elided from the smallest threshold any of them allows. */
export function parseOptionsFor(specs: readonly BlockSpec[]): ParseOptions {
  let from: number | undefined;
  for (const spec of specs) if (spec.elideRowsFrom !== undefined && (from === undefined || spec.elideRowsFrom < from)) from = spec.elideRowsFrom;
  return from === undefined ? {} : { elideRowsFrom: from };
}

/**
 * Body rows of the located tables, as cell texts (to rebuild a table without the ledger).
 * A table parsed without its middle rows refuses: its cells are not all there.
 */
export class TableCells {
  constructor(
    private readonly cells: Readonly<Record<string, string[][]>> = {},
    /** Tables parsed without some rows: name -> rows left out. */
    private readonly elided: Readonly<Record<string, number>> = {},
  ) {}

  /** The rows of a table, undefined when it was not found; a bug error when it was elided. */
  rows(name: string): string[][] | undefined {
    const missing = this.elided[name];
    if (missing !== undefined) {
      throw new TokjError(`the cells of the "${name}" table were asked for, but it was parsed without ${missing} of its rows (BlockSpec.elideRowsFrom): read it whole`, EXIT.internal, 'elided_rows');
    }
    return this.cells[name];
  }
}

export interface LocatedDoc {
  regions: Regions;
  /** Blocks not present: the caller inserts them (see insertionPoint). */
  missing: BlockSpec[];
  /** Where each present section's content ends (insert a missing block there). */
  sectionEnds: Record<string, number>;
  /** Tables with rowsByKey: first-cell text -> span. */
  rows: Record<string, Record<string, Span>>;
  /** Body rows per table, as cell texts (used to rebuild a table without the ledger). */
  rowCells: TableCells;
  /** Body rows per table, counting rows a shortened parse left out (elide.ts). */
  rowCounts: Record<string, number>;
  /**
   * Lines inside a block that the tool did not write, per block: a line a person typed right
   * under a table or list with no blank line joins it (CommonMark lazy continuation, GFM
   * table rows). Each span starts at the newline before the line. The view moves them out.
   */
  foreign: Record<string, Span[]>;
}

export function plainText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(plainText).join('');
  return '';
}

function span(node: Nodes): Span {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  if (start === undefined || end === undefined) throw new Error('parser gave a node without offsets');
  return [start, end];
}

function sectionBody(root: Root, title: string): { heading: Heading; body: RootContent[] } | null {
  const children = root.children;
  for (let i = 0; i < children.length; i++) {
    const node = children[i]!;
    if (node.type !== 'heading' || node.depth < 2 || plainText(node).trim() !== title) continue;
    const body: RootContent[] = [];
    for (let j = i + 1; j < children.length; j++) {
      const next = children[j]!;
      if (next.type === 'heading' && next.depth <= node.depth) break;
      body.push(next);
    }
    return { heading: node, body };
  }
  return null;
}

const headerCells = (table: Table): string[] => (table.children[0]?.children ?? []).map((c) => plainText(c).trim());

function isLabelledList(node: RootContent): boolean {
  if (node.type !== 'list' || node.ordered) return false;
  return node.children.every((item) => {
    const first = item.children[0];
    return first?.type === 'paragraph' && first.children[0]?.type === 'strong';
  });
}

function startsWithLabel(node: RootContent, label: string): boolean {
  if (node.type !== 'paragraph') return false;
  const first = node.children[0];
  return first?.type === 'strong' && plainText(first).trim() === label;
}

/**
 * A table a person broke: a table whose header still holds at least half of the tool's
 * column names (a renamed or removed column), or text full of pipes that names them (a
 * deleted delimiter row). Regenerating next to it would duplicate it; overwriting it
 * would lose what the person did — so it is reported.
 */
function brokenTableLine(body: RootContent[], header: string[]): number | null {
  const enough = Math.ceil(header.length / 2);
  const overlap = (cells: string[]): number => header.filter((h) => cells.includes(h)).length;
  for (const node of body) {
    if (node.type === 'table' && overlap(headerCells(node)) >= enough) return node.position?.start.line ?? null;
    if (node.type === 'paragraph') {
      const firstLine = plainText(node).trimStart().split('\n')[0] ?? '';
      if (firstLine.startsWith('|') && overlap(firstLine.split('|').map((c) => c.trim())) >= enough) return node.position?.start.line ?? null;
    }
  }
  return null;
}

/** The offset of the end of the line holding `at` (its newline, or the end of the text). */
function lineEnd(text: string, at: number): number {
  const nl = text.indexOf('\n', at);
  return nl === -1 ? text.length : nl;
}

/** Whether a table row is the tool's: a line that starts with a pipe, with every column when the table is owned. */
function isToolRow(row: Table['children'][number], spec: BlockSpec, text: string): boolean {
  const start = span(row)[0];
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (text.slice(lineStart, start + 1).trimStart()[0] !== '|') return false;
  return !spec.owned || row.children.length === (spec.header?.length ?? 0);
}

/**
 * The tool writes every block line by line: a table row per line, a list item per line, a
 * paragraph on one line. What else the parser counted into the block is a person's.
 */
function foreignLines(node: RootContent, spec: BlockSpec, text: string): Span[] {
  const out: Span[] = [];
  if (node.type === 'table') {
    for (const row of node.children.slice(1)) {
      if (isToolRow(row, spec, text)) continue;
      const [start, end] = span(row);
      out.push([text.lastIndexOf('\n', start - 1), lineEnd(text, end)]);
    }
    return out;
  }
  const parts = node.type === 'list' ? node.children : [node];
  for (const part of parts) {
    const [start, end] = span(part);
    const first = lineEnd(text, start);
    if (end > first) out.push([first, end]);
  }
  return out;
}

export function locateBlocks(root: Root, specs: BlockSpec[], fileLabel: string, text: string): LocatedDoc {
  const cells: Record<string, string[][]> = {};
  const elided: Record<string, number> = {};
  const located: LocatedDoc = { regions: {}, missing: [], sectionEnds: {}, rows: {}, rowCells: new TableCells(cells, elided), rowCounts: {}, foreign: {} };
  for (const spec of specs) {
    const section = sectionBody(root, spec.section);
    if (!section) {
      if (!spec.retired) located.missing.push(spec);
      continue;
    }
    const last = section.body[section.body.length - 1];
    located.sectionEnds[spec.section] = span(last ?? section.heading)[1];
    const node = section.body.find((n) => matches(n, spec));
    if (!node) {
      if (spec.retired) continue;
      if (spec.kind === 'table') {
        const line = brokenTableLine(section.body, spec.header ?? []);
        if (line !== null) {
          throw rejectedInput(
            `${fileLabel}:${line}: the "${spec.section}" table no longer reads as a table with columns ${spec.header?.join(', ')}. ` +
              `Fix it by hand (or delete it and run \`tokj rebuild\` to regenerate it from the ledger); nothing was written.`,
            'broken_table',
          );
        }
      }
      located.missing.push(spec);
      continue;
    }
    located.regions[spec.name] = span(node);
    const foreign = foreignLines(node, spec, text);
    if (foreign.length > 0) located.foreign[spec.name] = foreign;
    if (spec.kind === 'table' && node.type === 'paragraph') {
      // The placeholder sentence: a table with no rows.
      cells[spec.name] = [];
      located.rowCounts[spec.name] = 0;
    }
    if (spec.kind === 'table' && node.type === 'table') {
      const body = node.children.slice(1).filter((r) => isToolRow(r, spec, text));
      const left = elidedRows(node);
      if (left > 0) elided[spec.name] = left;
      else cells[spec.name] = body.map((r) => r.children.map((c) => plainText(c)));
      located.rowCounts[spec.name] = body.length + left;
      if (spec.rowsByKey) {
        const rows: Record<string, Span> = {};
        for (const r of body) {
          const key = r.children[0] ? plainText(r.children[0]).trim() : '';
          if (key && !(key in rows)) rows[key] = span(r);
        }
        located.rows[spec.name] = rows;
      }
    }
  }
  return located;
}

function matches(node: RootContent, spec: BlockSpec): boolean {
  switch (spec.kind) {
    case 'table':
      if (spec.placeholder !== undefined && node.type === 'paragraph') return (plainText(node).split('\n')[0] ?? '').trim() === spec.placeholder;
      return node.type === 'table' && sameHeader(headerCells(node), spec.header ?? []);
    case 'list':
      return isLabelledList(node);
    case 'paragraph':
      return startsWithLabel(node, spec.label ?? '');
  }
}

function sameHeader(actual: string[], expected: string[]): boolean {
  return actual.length === expected.length && actual.every((cell, i) => cell === expected[i]);
}
