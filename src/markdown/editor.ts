/**
 * Edits a markdown document by splicing byte ranges that the parser reported for the
 * tool's own nodes (tables, lists, paragraphs). Everything outside those ranges stays
 * exactly as the person (or their formatter) wrote it. Named regions shift as earlier
 * edits change lengths, so one parse (or one cached set of ranges) serves many edits.
 *
 * Shifts are applied lazily: a splice is recorded, and a region catches up with the splices
 * after it when it is next asked for. The journal keeps a region per session row, and a
 * record touches a handful of them: shifting every region at every splice made a record
 * into a journal of 20,000 sessions spend most of its time moving spans it never used.
 */
import type { Regions, Span } from '../core/view-cache.js';

export type { Regions, Span };

interface Splice {
  start: number;
  end: number;
  delta: number;
  /** The region the splice rewrote: it is given its new span, not shifted. */
  self: string | null;
}

/** A region's span, correct once the splices from index `from` on are applied. */
interface Tracked {
  span: Span;
  from: number;
}

const own = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/** The span after one splice (the rule every region follows; see splice()). */
export function shiftSpan([s, e]: Span, p: { start: number; end: number; delta: number }): Span {
  const insertion = p.start === p.end;
  // An empty region sitting exactly at an insertion point stays before the new text:
  // blocks inserted one after another keep their order.
  const stays = insertion && s === p.start && e === s;
  if (s >= p.end && !stays) return [s + p.delta, e + p.delta];
  // A pure insertion grows only regions that strictly contain the point: a region that
  // merely ends there (the row before an appended row) keeps its extent.
  if (insertion ? s < p.start && e > p.start : s <= p.start && e >= p.end) return [s, e + p.delta];
  return [s, e];
}

export class DocEditor {
  private body: string;
  /** The regions given, never changed (a cached view's spans): read on first use. */
  private readonly base: Regions;
  /** Regions used, set or deleted (null) since. */
  private readonly tracked = new Map<string, Tracked | null>();
  private readonly splices: Splice[] = [];

  constructor(text: string, regions: Regions = {}) {
    this.body = text;
    this.base = regions;
  }

  get text(): string {
    return this.body;
  }

  private current(name: string): Span | undefined {
    let t = this.tracked.get(name);
    if (t === null) return undefined;
    if (t === undefined) {
      if (!own(this.base, name)) return undefined;
      const [start, end] = this.base[name]!;
      t = { span: [start, end], from: 0 };
      this.tracked.set(name, t);
    }
    for (; t.from < this.splices.length; t.from++) {
      const p = this.splices[t.from]!;
      if (p.self !== name) t.span = shiftSpan(t.span, p);
    }
    return t.span;
  }

  has(name: string): boolean {
    return this.current(name) !== undefined;
  }

  span(name: string): Span {
    const span = this.current(name);
    if (!span) throw new Error(`no region ${name}`);
    return span;
  }

  /** Names (or moves) a region: `span` is in the text as it is now. */
  setRegion(name: string, span: Span): void {
    this.tracked.set(name, { span: [span[0], span[1]], from: this.splices.length });
  }

  deleteRegion(name: string): void {
    this.tracked.set(name, null);
  }

  regionNames(): string[] {
    const names: string[] = [];
    for (const name of Object.keys(this.base)) if (!this.tracked.has(name)) names.push(name);
    for (const [name, t] of this.tracked) if (t !== null) names.push(name);
    return names;
  }

  /** Every region's span in the text as it is now (what a view cache keeps). */
  get regions(): Regions {
    const out: Regions = {};
    // Regions never asked for are shifted here without being tracked (there may be 20,000).
    for (const name of Object.keys(this.base)) {
      if (this.tracked.has(name)) continue;
      const [start, end] = this.base[name]!;
      let span: Span = [start, end];
      for (const p of this.splices) if (p.self !== name) span = shiftSpan(span, p);
      out[name] = span;
    }
    for (const [name, t] of this.tracked) if (t !== null) out[name] = this.span(name);
    return out;
  }

  /** Replaces the region's text; the region then covers the new text. */
  replace(name: string, content: string): void {
    const [start, end] = this.span(name);
    this.splice(start, end, content, name);
    this.setRegion(name, [start, start + content.length]);
  }

  /**
   * Inserts `leading + content` at `at` and names the region that covers `content` only.
   * Regions that start at or after `at` move; regions that contain `at` grow.
   */
  insert(name: string, at: number, content: string, leading = '', trailing = ''): void {
    this.splice(at, at, leading + content + trailing, null);
    this.setRegion(name, [at + leading.length, at + leading.length + content.length]);
  }

  /** Inserts text right after a region; the region keeps its extent. */
  insertAfter(name: string, content: string): void {
    const end = this.span(name)[1];
    this.splice(end, end, content, null);
  }

  /** Appends to the end of an existing region (a table row, say); the region grows. */
  appendTo(name: string, content: string): void {
    const [start, end] = this.span(name);
    this.splice(end, end, content, name);
    this.setRegion(name, [start, end + content.length]);
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
    for (const name of this.regionNames()) {
      const end = this.span(name)[1];
      if (end > last) last = end;
    }
    let newlines = 0;
    for (let i = body.length - 1; i >= last && newlines < 2 && body.charCodeAt(i) === 0x0a; i--) newlines++;
    return '\n'.repeat(2 - newlines);
  }

  private splice(start: number, end: number, content: string, self: string | null): void {
    this.body = this.body.slice(0, start) + content + this.body.slice(end);
    this.splices.push({ start, end, delta: content.length - (end - start), self });
  }
}
