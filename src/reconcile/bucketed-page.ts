/**
 * The page both providers' Admin API reports answer with, usage and costs alike:
 * `{data: [{<start>, <end>, results: […]}], has_more, next_page}`, a bucket per stretch of
 * time [start, end) on one UTC day. The providers differ only in how a page and its
 * buckets are marked and how the bucket times are written (PageFormat); each format reader
 * gives the fact one result says (openai-usage.ts, anthropic-costs.ts, …).
 */
import { exactCount, isRecord, type ExactJson } from './exact-json.js';
import { bucketsOf, checkedSpan, hasMoreOf, resultsOf, utcDate, type JsonObject } from './fields.js';
import { ReportError, type BilledProvider, type Fact, type FactKind, type ReportPage, type ReportReader, type Span } from './types.js';

/** How one provider marks its pages and buckets and writes the bucket times. */
export interface PageFormat {
  provider: BilledProvider;
  /** For messages: what such a page is. */
  what: string;
  /** The page's own mark (its `object`). */
  isPage(doc: JsonObject): boolean;
  /** Whether a bucket is this format's (for detection: its times are there, in their form). */
  isBucket(b: JsonObject): boolean;
  /** A bucket's start and end in ms (NaN where unreadable: checkedSpan refuses it), or throws saying what is wrong. */
  times(b: JsonObject, where: string): [start: number, end: number];
}

/** OpenAI: `object: "page"`, buckets `object: "bucket"` with `start_time`/`end_time` in Unix seconds. */
export const OPENAI_PAGE: PageFormat = {
  provider: 'openai',
  what: 'an OpenAI usage or costs page',
  isPage: (doc) => doc.object === 'page',
  isBucket: (b) => (b.object === 'bucket' || b.object === undefined) && exactCount(b.start_time) !== null,
  times(b, where) {
    const start = exactCount(b.start_time);
    const end = exactCount(b.end_time);
    if (start === null || end === null) throw new ReportError(`${where}: start_time and end_time must be Unix seconds`);
    return [start * 1000, end * 1000];
  },
};

/** Anthropic: no `object`, buckets with `starting_at`/`ending_at` in RFC 3339, snapped to UTC. */
export const ANTHROPIC_PAGE: PageFormat = {
  provider: 'anthropic',
  what: 'an Anthropic usage or cost report page',
  isPage: (doc) => doc.object === undefined,
  isBucket: (b) => typeof b.starting_at === 'string' && typeof b.ending_at === 'string',
  times: (b) => [Date.parse(String(b.starting_at)), Date.parse(String(b.ending_at))],
};

/** Every result of a page of `format`, for detection; null when `doc` is not such a page. */
function pageResults(format: PageFormat, doc: ExactJson): JsonObject[] | null {
  if (!isRecord(doc) || !format.isPage(doc) || !Array.isArray(doc.data)) return null;
  if (!doc.data.every((b) => isRecord(b) && format.isBucket(b))) return null;
  return (doc.data as JsonObject[]).flatMap((b) => (Array.isArray(b.results) ? b.results.filter(isRecord) : []));
}

/** One report on one provider's pages: what it is, and how it reads a result. */
export interface PageReport<F extends Fact> {
  id: string;
  describe: string;
  page: PageFormat;
  kind: FactKind;
  /** The fact a result says; `where` names it in messages ("bucket 2, result 3"). */
  fact(r: JsonObject, date: string, where: string): F;
  /** A result that is not compared: what it is, for the notices (null: read it). */
  skip?(r: JsonObject): string | null;
}

/** Only cost results carry an `amount`: a page with one is costs, a page without usage. */
const hasAmount = (r: JsonObject): boolean => r.amount !== undefined;

/** The reader of a report's pages. */
export function pageReader<F extends Fact>(report: PageReport<F>): ReportReader<ExactJson> {
  const isCost = report.kind === 'cost';
  return {
    id: report.id,
    provider: report.page.provider,
    describe: report.describe,
    detect: (doc) => {
      const results = pageResults(report.page, doc);
      return results !== null && results.some(hasAmount) === isCost;
    },
    read: (doc) => readBucketedPage(doc, report),
  };
}

/**
 * Reads a page: a span per bucket, and per result a fact or a note of what was skipped.
 * Every bucket's times and results array are checked before any result is read.
 */
function readBucketedPage<F extends Fact>(doc: ExactJson, report: PageReport<F>): ReportPage {
  const { page } = report;
  const { provider } = page;
  const buckets = bucketsOf(doc, page.what).map((b, i) => {
    const where = `bucket ${i + 1}`;
    const [start, end] = page.times(b, where);
    return { where, span: checkedSpan(start, end, where), results: resultsOf(b, where) };
  });
  const facts: F[] = [];
  const spans: Span[] = [];
  const skipped: string[] = [];
  for (const { where, span, results } of buckets) {
    const date = utcDate(span.start);
    spans.push({ provider, kind: report.kind, start: span.start, end: span.end });
    results.forEach((r, i) => {
      const skip = report.skip?.(r) ?? null;
      if (skip === null) facts.push(report.fact(r, date, `${where}, result ${i + 1}`));
      else skipped.push(skip);
    });
  }
  return { format: report.id, provider, facts, spans, hasMore: hasMoreOf(doc), skipped };
}
