/**
 * Reading the fields of a report line: counts, dimensions, bucket times. Reports change
 * (fields come and go between API versions), so an absent or null count is 0 and an absent
 * dimension is null; a field that is there but not what the format promises is an error
 * naming it, never a silent 0.
 */
import { dateLabel, DAY_MS } from '../report/calendar.js';
import { ExactNumber, exactCount, isRecord, type ExactJson } from './exact-json.js';
import { ReportError, type Dimension, type Dims } from './types.js';

export type JsonObject = { [key: string]: ExactJson };

/** A value as it reads in the file, for messages. */
export const shown = (v: ExactJson | undefined): string => (v instanceof ExactNumber ? v.text : JSON.stringify(v) ?? 'nothing').slice(0, 60);

/** A whole count >= 0; 0 when absent or null. */
export function countField(r: JsonObject, name: string, where: string): number {
  const v = r[name];
  if (v === undefined || v === null) return 0;
  const n = exactCount(v);
  if (n === null) throw new ReportError(`${where}: ${name} is ${shown(v)}, not a whole number of tokens or requests`);
  return n;
}

/** Like countField, but null when the field is absent or null (the report does not say). */
export function optionalCountField(r: JsonObject, name: string, where: string): number | null {
  return r[name] === undefined || r[name] === null ? null : countField(r, name, where);
}

export function stringField(r: JsonObject, name: string): string | null {
  const v = r[name];
  return typeof v === 'string' ? v : null;
}

/** The dimensions a report line carries, by the names the report uses for them. */
export function dimsOf(r: JsonObject, names: Partial<Record<Dimension, string>>): Dims {
  const dims: Dims = {};
  for (const [dim, field] of Object.entries(names) as Array<[Dimension, string]>) {
    const v = r[field];
    dims[dim] = typeof v === 'string' && v !== '' ? v : null;
  }
  return dims;
}

/** "2026-11-24" for an instant (ms), in UTC. */
export const utcDate = (ms: number): string => dateLabel(Math.floor(ms / DAY_MS));

/** A page's `data` array of buckets, or an error saying what was expected. */
export function bucketsOf(doc: ExactJson, what: string): JsonObject[] {
  const data = isRecord(doc) ? doc.data : undefined;
  if (!Array.isArray(data)) throw new ReportError(`no "data" array of buckets: not ${what}`);
  return data.map((b, i) => {
    if (!isRecord(b)) throw new ReportError(`data[${i}] is not a bucket object`);
    return b;
  });
}

export function resultsOf(bucket: JsonObject, where: string): JsonObject[] {
  const results = bucket.results ?? bucket.result;
  if (results === undefined || results === null) return [];
  if (!Array.isArray(results)) throw new ReportError(`${where}: "results" is not an array`);
  return results.map((r, i) => {
    if (!isRecord(r)) throw new ReportError(`${where}: results[${i}] is not an object`);
    return r;
  });
}

/** A bucket's [start, end) in ms; a bucket longer than a day cannot be put on one day. */
export function checkedSpan(start: number, end: number, where: string): { start: number; end: number } {
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) throw new ReportError(`${where}: the bucket's start and end times are not a time span`);
  if (end - start > DAY_MS) throw new ReportError(`${where}: the bucket is longer than a day; ask for daily (1d), hourly or minute buckets`);
  if (Math.floor(start / DAY_MS) !== Math.floor((end - 1) / DAY_MS)) throw new ReportError(`${where}: the bucket crosses midnight UTC, so it cannot be put on one UTC day`);
  return { start, end };
}

/** A nested object field; {} when absent or null. */
export function requireRecord(v: ExactJson | undefined, where: string, name: string): JsonObject {
  if (v === undefined || v === null) return {};
  if (!isRecord(v)) throw new ReportError(`${where}: ${name} is not an object`);
  return v;
}

export function hasMoreOf(doc: ExactJson): boolean {
  return isRecord(doc) && doc.has_more === true;
}
