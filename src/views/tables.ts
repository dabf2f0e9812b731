/** Table rendering shared by the views: whole tables, and one row for appending. */
import type { AlignType, PhrasingContent } from 'mdast';
import { table } from '../markdown/build.js';
import type { DocEditor, Span } from '../markdown/editor.js';
import { compactHeaderText, isPlainText } from '../markdown/direct.js';
import { serializeNode } from '../markdown/serialize.js';
import { rowRegion } from '../markdown/view.js';

export type Cells = Array<string | PhrasingContent[]>;

/**
 * One body row as markdown, for appending to a table that grows. Rows of a compact
 * (unpadded) table are independent lines, so a row rendered alone fits any table.
 */
export function rowLine(header: string[], cells: Cells): string {
  if (cells.every((c) => typeof c === 'string' && isDirectCell(c))) return joinRow(cells as string[], (c) => c);
  const lines = serializeNode(table(header, [cells]), { alignTables: false }).split('\n');
  return lines[2] ?? '';
}

/**
 * Many body rows at once (an import, a JSON Lines batch): each distinct cell text is escaped
 * once by the serializer — all of them in one one-column table, since a cell's escaping does
 * not depend on its column — and rows are joined the way the serializer joins an unpadded
 * row (a test checks the result equals rowLine's, cell for cell). A 10,000-call batch then
 * costs one serializer run instead of 10,000.
 */
/**
 * Cell shapes the serializer leaves exactly as they are (counts, dollar amounts and the
 * cost cells' `<$0.0001`, the tool's UTC timestamps: digits, separators, `$`), so the many distinct values of a big
 * batch need not go through it. The rowLines property test covers these shapes.
 */
const VERBATIM = /^(?:\$?\d[\d,]*(?:\.\d+)?|<\$0\.0001|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC)$/;

/** A cell the serializer writes as it is (empty, a number or time, plain text). */
const isDirectCell = (c: string): boolean => c === '' || VERBATIM.test(c) || isPlainText(c);

/** An unpadded row: `| a | b |`, an empty cell as `| |`. */
function joinRow(cells: string[], escaped: (c: string) => string): string {
  let line = '|';
  for (const c of cells) line += c === '' ? ' |' : ` ${escaped(c)} |`;
  return line;
}

export function rowLines(rows: string[][]): string[] {
  const escaped = new Map<string, string>();
  const pending: string[] = [];
  for (const cells of rows) {
    for (const c of cells) {
      if (!escaped.has(c) && !isDirectCell(c)) {
        escaped.set(c, c);
        pending.push(c);
      }
    }
  }
  if (pending.length > 0) {
    const lines = serializeNode(table(['x'], pending.map((v) => [v])), { alignTables: false }).split('\n').slice(2);
    pending.forEach((v, i) => escaped.set(v, (lines[i] ?? '').slice(2, -2)));
  }
  const escape = (c: string): string => escaped.get(c) ?? c;
  return rows.map((cells) => joinRow(cells, escape));
}

/** A whole unpadded table: header from the serializer, body rows through rowLines. */
export function compactTable(header: string[], rows: string[][], align?: AlignType[]): string {
  const head = compactHeaderText(header, align);
  return rows.length === 0 ? head : `${head}\n${rowLines(rows).join('\n')}`;
}

/**
 * Replaces a growing table whole and names each row's span `<table>/<key>` so later
 * updates can patch one row without parsing.
 */
export function replaceKeyedTable(editor: DocEditor, name: string, header: string[], rows: Array<{ key: string; cells: Cells }>, align?: AlignType[]): void {
  for (const region of editor.regionNames()) if (region.startsWith(`${name}/`)) editor.deleteRegion(region);
  const plain = rows.every((r) => r.cells.every((c) => typeof c === 'string'));
  const text = plain ? compactTable(header, rows.map((r) => r.cells as string[]), align) : serializeNode(table(header, rows.map((r) => r.cells), align), { alignTables: false });
  editor.replace(name, text);
  let offset = editor.span(name)[0];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const row = rows[i - 2];
    if (row) editor.setRegion(rowRegion(name, row.key), [offset, offset + line.length]);
    offset += line.length + 1;
  }
}

/** Patches one keyed row, or appends it (and names it) when the table has no such row. */
export function upsertKeyedRow(editor: DocEditor, name: string, header: string[], key: string, cells: Cells): void {
  const line = rowLine(header, cells);
  const region = rowRegion(name, key);
  if (!editor.has(region)) {
    const found = findKeyedRow(editor, name, key);
    if (found !== null) editor.setRegion(region, found);
  }
  if (editor.has(region)) {
    editor.replace(region, line);
    return;
  }
  const end = editor.span(name)[1];
  editor.appendTo(name, `\n${line}`);
  editor.setRegion(region, [end + 1, end + 1 + line.length]);
}

/**
 * The span of the body row whose first cell is `key`, found in the table's text. View caches
 * keep no span per row (a journal of 20,000 sessions would carry 20,000 of them into every
 * record); the file is byte-for-byte what the tool wrote, so the row is the one line of the
 * table's body that starts with `| key |`.
 */
function findKeyedRow(editor: DocEditor, name: string, key: string): Span | null {
  const [start, end] = editor.span(name);
  const text = editor.text;
  const headerEnd = text.indexOf('\n', start);
  const delimiterEnd = headerEnd === -1 ? -1 : text.indexOf('\n', headerEnd + 1);
  if (delimiterEnd === -1 || delimiterEnd >= end) return null;
  const prefix = `\n${rowLines([[key]])[0]!}`;
  const at = text.indexOf(prefix, delimiterEnd);
  if (at === -1 || at >= end) return null;
  const lineEnd = text.indexOf('\n', at + 1);
  return [at + 1, lineEnd === -1 || lineEnd > end ? end : lineEnd];
}
