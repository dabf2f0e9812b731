/**
 * Parsing a session file of 100,000 calls builds millions of mdast nodes (gigabytes, tens of
 * seconds) only to learn where its tables start and end. Before parsing, the middle rows of
 * long tables are cut out of the text — every line from a table's second body row to the
 * line before its last, when all of them start with `|` — and after parsing, positions are
 * moved back to the full text. Inside a table, removing whole row lines between two kept
 * rows changes nothing else (a `|` line never ends a table or starts another block), so the
 * tree is the full text's tree with fewer rows, and each shortened table records how many
 * rows it lost (`data.elidedRows`). The caller checks every cut fell inside a table
 * (cutsInsideTables): lines that only look like rows (in code, in a paragraph) are not cut.
 */
import type { Nodes, Root } from 'mdast';

/** A cut: at `at` in the shortened text, `length` characters (`lines` lines, all rows) were removed. */
interface Cut {
  at: number;
  length: number;
  lines: number;
}

/** A GFM delimiter row: `| -: | :- | --- |` (pipes at the ends optional, at most 3 spaces in). */
function isDelimiterRow(line: string): boolean {
  if (!/^ {0,3}[|:-]/.test(line) || !/^[\s|:-]*$/.test(line)) return false;
  const cells = line.trim().split('|');
  if (cells[0]!.trim() === '') cells.shift();
  if (cells.length > 0 && cells[cells.length - 1]!.trim() === '') cells.pop();
  return cells.length > 0 && cells.every((c) => /^:?-+:?$/.test(c.trim()));
}

/** Cuts the middle rows of tables with at least `minRows` body rows. */
export function elideLongTables(text: string, minRows: number): { text: string; cuts: Cut[] } {
  const cuts: Cut[] = [];
  const kept: string[] = [];
  let from = 0; // start of the text not yet copied
  let removed = 0;
  let pos = 0;
  let previousWasDelimiter = false;
  while (pos < text.length) {
    const lineEnd = nextLineStart(text, pos);
    const isRow = text.charCodeAt(pos) === 0x7c; // '|'
    if (previousWasDelimiter && isRow) {
      // Body rows from here: find the run of lines that start with '|'.
      const rowStarts: number[] = [];
      let p = pos;
      while (p < text.length && text.charCodeAt(p) === 0x7c) {
        rowStarts.push(p);
        p = nextLineStart(text, p);
      }
      if (rowStarts.length >= minRows) {
        const cutFrom = rowStarts[1]!;
        const cutTo = rowStarts[rowStarts.length - 1]!;
        kept.push(text.slice(from, cutFrom));
        cuts.push({ at: cutFrom - removed, length: cutTo - cutFrom, lines: rowStarts.length - 2 });
        removed += cutTo - cutFrom;
        from = cutTo;
      }
      pos = p;
      previousWasDelimiter = false;
      continue;
    }
    previousWasDelimiter = isDelimiterRow(text.slice(pos, lineEnd).replace(/\r?\n$/, ''));
    pos = lineEnd;
  }
  if (cuts.length === 0) return { text, cuts };
  kept.push(text.slice(from));
  return { text: kept.join(''), cuts };
}

function nextLineStart(text: string, pos: number): number {
  const newline = text.indexOf('\n', pos);
  return newline === -1 ? text.length : newline + 1;
}

/**
 * Whether every cut lies between the first and the last body row of one table, as
 * elideLongTables made it (the table's second body row starts where the cut was): then the
 * full text holds the same table with the cut lines as its rows.
 */
export function cutsInsideTables(root: Root, cuts: readonly Cut[]): boolean {
  const rowsAt = new Set<number>();
  const visit = (node: Nodes): void => {
    if (node.type === 'table') {
      const second = node.children[2]?.position?.start.offset;
      if (second !== undefined) rowsAt.add(second);
    } else if ('children' in node) for (const child of node.children as Nodes[]) visit(child);
  };
  visit(root);
  return cuts.every((cut) => rowsAt.has(cut.at));
}

/** Moves a tree's positions from the shortened text back to the full one; marks shortened tables. */
export function restorePositions(root: Root, cuts: readonly Cut[]): void {
  if (cuts.length === 0) return;
  // Offsets at or past a cut's `at` move by every cut up to it (the kept last row starts there).
  const shift = (offset: number): { offset: number; lines: number } => {
    let offset2 = offset;
    let lines = 0;
    for (const cut of cuts) {
      if (offset < cut.at) break;
      offset2 += cut.length;
      lines += cut.lines;
    }
    return { offset: offset2, lines };
  };
  const visit = (node: Nodes): void => {
    const position = node.position;
    if (position?.start.offset !== undefined && position.end.offset !== undefined) {
      const start = shift(position.start.offset);
      const end = shift(position.end.offset);
      if (node.type === 'table') {
        const rows = end.lines - start.lines;
        if (rows > 0) node.data = { ...node.data, elidedRows: rows } as typeof node.data;
      }
      position.start = { ...position.start, offset: start.offset, line: position.start.line + start.lines };
      position.end = { ...position.end, offset: end.offset, line: position.end.line + end.lines };
    }
    if ('children' in node) for (const child of node.children as Nodes[]) visit(child);
  };
  visit(root);
}

/** Rows a table lost to elideLongTables (0 for one parsed whole). */
export function elidedRows(node: Nodes): number {
  const rows = (node.data as { elidedRows?: unknown } | undefined)?.elidedRows;
  return typeof rows === 'number' ? rows : 0;
}
