/**
 * The page both OpenAI Administration API families answer with (usage and costs):
 * `{object: "page", data: [{object: "bucket", start_time, end_time, results: […]}], has_more,
 * next_page}`, times in Unix seconds, [start, end). The two readers share its walk.
 */
import { exactCount, isRecord, type ExactJson } from './exact-json.js';
import { bucketsOf, checkedSpan, resultsOf, utcDate, type JsonObject } from './fields.js';
import { ReportError } from './types.js';

export interface OpenAiBucket {
  date: string;
  start: number;
  end: number;
  results: JsonObject[];
  where: string;
}

/** An OpenAI page: `object: "page"` and buckets with Unix start times. */
export function isOpenAiPage(doc: ExactJson): boolean {
  if (!isRecord(doc) || doc.object !== 'page' || !Array.isArray(doc.data)) return false;
  return doc.data.every((b) => isRecord(b) && (b.object === 'bucket' || b.object === undefined) && exactCount(b.start_time) !== null);
}

/** Every result of an OpenAI page, for detection. */
export function openAiResults(doc: ExactJson): JsonObject[] {
  if (!isOpenAiPage(doc)) return [];
  return (doc as { data: JsonObject[] }).data.flatMap((b) => (Array.isArray(b.results) ? b.results.filter(isRecord) : []));
}

export function openAiBuckets(doc: ExactJson): OpenAiBucket[] {
  return bucketsOf(doc, 'an OpenAI usage or costs page').map((b, i) => {
    const where = `bucket ${i + 1}`;
    const start = exactCount(b.start_time);
    const end = exactCount(b.end_time);
    if (start === null || end === null) throw new ReportError(`${where}: start_time and end_time must be Unix seconds`);
    const span = checkedSpan(start * 1000, end * 1000, where);
    return { date: utcDate(span.start), start: span.start, end: span.end, results: resultsOf(b, where), where };
  });
}
