/**
 * The page both Anthropic Admin API reports answer with (usage_report/messages and
 * cost_report): `{data: [{starting_at, ending_at, results: […]}], has_more, next_page}`,
 * times in RFC 3339 snapped to UTC, [start, end).
 */
import { isRecord, type ExactJson } from './exact-json.js';
import { bucketsOf, checkedSpan, resultsOf, utcDate, type JsonObject } from './fields.js';
import { ReportError } from './types.js';

export interface AnthropicBucket {
  date: string;
  start: number;
  end: number;
  results: JsonObject[];
  where: string;
}

export function isAnthropicPage(doc: ExactJson): boolean {
  if (!isRecord(doc) || doc.object !== undefined || !Array.isArray(doc.data)) return false;
  return doc.data.every((b) => isRecord(b) && typeof b.starting_at === 'string' && typeof b.ending_at === 'string');
}

export function anthropicResults(doc: ExactJson): JsonObject[] {
  if (!isAnthropicPage(doc)) return [];
  return (doc as { data: JsonObject[] }).data.flatMap((b) => (Array.isArray(b.results) ? b.results.filter(isRecord) : []));
}

export function anthropicBuckets(doc: ExactJson): AnthropicBucket[] {
  return bucketsOf(doc, 'an Anthropic usage or cost report page').map((b, i) => {
    const where = `bucket ${i + 1}`;
    const span = checkedSpan(Date.parse(String(b.starting_at)), Date.parse(String(b.ending_at)), where);
    return { date: utcDate(span.start), start: span.start, end: span.end, results: resultsOf(b, where), where };
  });
}

export function requireRecord(v: ExactJson | undefined, where: string, name: string): JsonObject {
  if (v === undefined || v === null) return {};
  if (!isRecord(v)) throw new ReportError(`${where}: ${name} is not an object`);
  return v;
}
