/**
 * Opens a markdown view for editing. Fast path: the file is byte-for-byte what the tool
 * last wrote (the same stamp — size, mtime, inode — as the cached one), so the cached spans
 * of the tool's blocks are still right and nothing is parsed — this keeps `tokj record`
 * cheap however long a table grows. Slow path (first write, or a person or formatter changed the file): parse once,
 * locate the blocks, insert any that are missing, and tell the caller to render them whole.
 */
import type { ViewCache } from '../core/view-cache.js';
import { DocEditor, type Regions, type Span } from './editor.js';
import type { StampedText } from '../io/fs.js';
import { trace } from '../io/trace.js';
import { headingText } from './direct.js';
import { locateBlocks, parseOptionsFor, TableCells, type BlockSpec, type LocatedDoc } from './locate.js';
import { parseMarkdownLazily } from './lazy-parse.js';

export type { ViewCache };

export interface OpenedView {
  editor: DocEditor;
  /** True when spans came from a parse: every block must be rendered whole, not patched. */
  reparsed: boolean;
  /** Names of blocks that were missing and now exist as empty regions. */
  inserted: Set<string>;
  /** Body rows (cell texts) of each table found by the parse (none without one). */
  rowCells: TableCells;
}

export { fingerprint as contentKey } from '../core/fingerprint.js';

/** A new file's text with its blocks already located (a template parsed once per process). */
export interface LocatedSource {
  text: string;
  located: LocatedDoc;
}

export function rowRegion(table: string, key: string): string {
  return `${table}/${key}`;
}

export async function openView(
  doc: StampedText | null,
  cache: ViewCache | null,
  specs: BlockSpec[],
  fileLabel: string,
  skeleton: () => Promise<string | LocatedSource> | string | LocatedSource,
  options: { renderWhole?: boolean } = {},
): Promise<OpenedView> {
  const text = doc?.text ?? null;
  if (doc && cache && cache.stamp === doc.stamp && spansFit(cache.regions, doc.text.length) && specs.every((s) => s.retired || s.name in cache.regions)) {
    // `renderWhole`: the spans are right but the blocks' content is not to be patched
    // (a rebuild renders every block from the ledger).
    return { editor: new DocEditor(doc.text, cache.regions), reparsed: options.renderWhole === true, inserted: new Set(), rowCells: new TableCells() };
  }
  trace(`view reparse ${fileLabel}`);
  const fresh = text === null ? await skeleton() : text;
  const source = typeof fresh === 'string' ? fresh : fresh.text;
  const located = typeof fresh === 'string' ? locateBlocks(await parseMarkdownLazily(source, parseOptionsFor(specs)), specs, fileLabel, source) : fresh.located;
  const regions: Regions = { ...located.regions };
  for (const [table, rows] of Object.entries(located.rows)) {
    for (const [key, span] of Object.entries(rows)) regions[rowRegion(table, key)] = span;
  }
  // Section ends ride along as empty regions so they shift with earlier insertions.
  for (const [section, end] of Object.entries(located.sectionEnds)) regions[sectionMark(section)] = [end, end];
  const editor = new DocEditor(source, regions);
  // Last block first: the spans are offsets in the parsed text, which moving a block changes after it.
  const withForeign = Object.entries(located.foreign).sort(([, a], [, b]) => b[0]![0] - a[0]![0]);
  for (const [name, spans] of withForeign) moveOut(editor, name, spans);
  const inserted = new Set<string>();
  for (const spec of located.missing) {
    // Keep the specs' order inside a section: after the previous block of the same section
    // when there is one, else at the end of the section (below whatever a person wrote
    // there), else in a new section at the end of the file.
    const previous = specs
      .slice(0, specs.indexOf(spec))
      .reverse()
      .find((other) => other.section === spec.section && editor.has(other.name));
    const sectionEnd = editor.has(sectionMark(spec.section)) ? editor.span(sectionMark(spec.section))[0] : undefined;
    if (previous) {
      editor.insert(spec.name, editor.span(previous.name)[1], '', '\n\n');
    } else if (sectionEnd !== undefined) {
      editor.insert(spec.name, sectionEnd, '', '\n\n');
    } else {
      editor.insert(spec.name, editor.text.length, '', `${editor.appendLead()}${headingText(2, spec.section)}\n\n`, '\n');
    }
    inserted.add(spec.name);
  }
  for (const section of Object.keys(located.sectionEnds)) editor.deleteRegion(sectionMark(section));
  return { editor, reparsed: true, inserted, rowCells: located.rowCells };
}

/**
 * Moves a person's lines that joined one of the tool's blocks to just below it, after a blank
 * line, so that they stay a person's text: the block is about to be rendered whole, and a
 * line left inside it would be overwritten. Their leading spaces go (a formatter indents a
 * continuation line; indented after the block it would join the block again).
 */
function moveOut(editor: DocEditor, name: string, spans: Span[]): void {
  const [start, end] = editor.span(name);
  const text = editor.text;
  let own = '';
  let at = start;
  const moved: string[] = [];
  for (const [from, to] of spans) {
    own += text.slice(at, from);
    for (const line of text.slice(from, to).split('\n')) if (line.trim() !== '') moved.push(line.trimStart());
    at = to;
  }
  own += text.slice(at, end);
  editor.replace(name, own);
  if (moved.length > 0) editor.insertAfter(name, `\n\n${moved.join('\n')}`);
}

/** Cached spans are used only when every one lies inside the text. */
export function spansFit(regions: Regions | undefined, length: number): boolean {
  if (typeof regions !== 'object' || regions === null) return false;
  for (const span of Object.values(regions)) {
    if (!Array.isArray(span) || !Number.isInteger(span[0]) || !Number.isInteger(span[1]) || span[0] < 0 || span[0] > span[1] || span[1] > length) return false;
  }
  return true;
}

const sectionMark = (section: string): string => `#section-end:${section}`;

/** The spans to keep with the file: its blocks, not table rows (found again by their key). */
export function cacheOf(editor: DocEditor, stamp: string): ViewCache {
  const regions = editor.regions;
  for (const name of Object.keys(regions)) if (name.includes('/')) delete regions[name];
  return { stamp, regions };
}
