/**
 * Edits a markdown document by splicing byte ranges that the parser reported for the
 * tool's own nodes (tables, lists, paragraphs). Everything outside those ranges stays
 * exactly as the person (or their formatter) wrote it. Named regions shift as earlier
 * edits change lengths, so one parse (or one cached set of ranges) serves many edits.
 */
export type Span = [start: number, end: number];
export type Regions = Record<string, Span>;

export class DocEditor {
  private body: string;
  readonly regions: Regions;

  constructor(text: string, regions: Regions = {}) {
    this.body = text;
    this.regions = {};
    for (const [name, [start, end]] of Object.entries(regions)) this.regions[name] = [start, end];
  }

  get text(): string {
    return this.body;
  }

  has(name: string): boolean {
    return name in this.regions;
  }

  span(name: string): Span {
    const span = this.regions[name];
    if (!span) throw new Error(`no region ${name}`);
    return span;
  }

  /** Replaces the region's text; the region then covers the new text. */
  replace(name: string, content: string): void {
    const [start, end] = this.span(name);
    this.splice(start, end, content, name);
    this.regions[name] = [start, start + content.length];
  }

  /**
   * Inserts `leading + content` at `at` and names the region that covers `content` only.
   * Regions that start at or after `at` move; regions that contain `at` grow.
   */
  insert(name: string, at: number, content: string, leading = '', trailing = ''): void {
    this.splice(at, at, leading + content + trailing, null);
    this.regions[name] = [at + leading.length, at + leading.length + content.length];
  }

  /** Appends to the end of an existing region (a table row, say); the region grows. */
  appendTo(name: string, content: string): void {
    const [start, end] = this.span(name);
    this.splice(end, end, content, name);
    this.regions[name] = [start, end + content.length];
  }

  /**
   * The newlines to put before a block added at the end of the text, so that one blank line
   * separates it from what precedes. Only text past the last region counts: an empty region
   * there (a block still to be filled in) will hold text by the time the file is written.
   */
  appendLead(): string {
    const body = this.body;
    if (body.length === 0) return '';
    let last = 0;
    for (const [, end] of Object.values(this.regions)) if (end > last) last = end;
    let newlines = 0;
    for (let i = body.length - 1; i >= last && newlines < 2 && body.charCodeAt(i) === 0x0a; i--) newlines++;
    return '\n'.repeat(2 - newlines);
  }

  private splice(start: number, end: number, content: string, self: string | null): void {
    const delta = content.length - (end - start);
    this.body = this.body.slice(0, start) + content + this.body.slice(end);
    const insertion = start === end;
    for (const [name, span] of Object.entries(this.regions)) {
      if (name === self) continue;
      const [s, e] = span;
      // An empty region sitting exactly at an insertion point stays before the new text:
      // blocks inserted one after another keep their order.
      const stays = insertion && s === start && e === s;
      if (s >= end && !stays) this.regions[name] = [s + delta, e + delta];
      // A pure insertion grows only regions that strictly contain the point: a region that
      // merely ends there (the row before an appended row) keeps its extent.
      else if (insertion ? s < start && e > start : s <= start && e >= end) this.regions[name] = [s, e + delta];
    }
  }
}
