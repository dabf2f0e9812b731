/**
 * Reading token counts out of untrusted JSON. A count is a non-negative safe integer or it
 * is refused: "12", 12.5, -3 or 1e300 in a usage field means the payload is not what we
 * think it is, and coercing it would write a wrong number into an append-only ledger.
 */
import type { Usage } from '../core/usage.js';
import { billingParts, partProblems } from './billing-parts.js';
import type { ExtractedCall, Extraction, FailureContext, JsonObject } from './types.js';

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `key`, or undefined when absent, null or not an object. */
export function objectAt(parent: unknown, key: string): JsonObject | undefined {
  if (!isObject(parent)) return undefined;
  const value = parent[key];
  return isObject(value) ? value : undefined;
}

/** Thrown inside extraction and turned into a `bad_count` outcome by `guardCounts`. */
export class CountError extends Error {}

function describeBad(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(clip(value, 40))}`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'not a finite number';
    if (value < 0) return `negative (${value})`;
    if (!Number.isInteger(value)) return `not a whole number (${value})`;
    return `beyond the safe integer range (${value})`;
  }
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/**
 * The count at `parent[key]`; undefined when absent or null (providers write null for
 * "not reported"). Anything else that is not a non-negative safe integer throws.
 */
export function readCount(parent: JsonObject | undefined, key: string, path: string): number | undefined {
  if (!parent) return undefined;
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value + 0; // -0 → 0
  throw new CountError(`${path}.${key} is ${describeBad(value)}, not a token count`);
}

/** Like readCount, but a missing count is refused too. */
export function requireCount(parent: JsonObject, key: string, path: string): number {
  const value = readCount(parent, key, path);
  if (value === undefined) throw new CountError(`${path}.${key} is missing`);
  return value;
}

/** Sum of counts, refused when it leaves the safe integer range. */
export function sumCounts(...values: number[]): number {
  let total = 0;
  for (const v of values) total += v;
  if (!Number.isSafeInteger(total)) throw new CountError(`token counts add up beyond the safe integer range`);
  return total;
}

/**
 * Runs an extraction that may throw CountError and turns that into a `bad_count` outcome.
 * Any other exception is a bug and propagates.
 */
export function guardCounts(run: () => Extraction, context: FailureContext): Extraction {
  try {
    return run();
  } catch (error) {
    if (error instanceof CountError) return { ok: false, code: 'bad_count', message: error.message, ...context };
    throw error;
  }
}

export interface CallLabels {
  provider: string;
  model: string | null;
  requestId: string | null;
}

/**
 * Builds the call after checking the Usage invariants: cache counts are parts of input and
 * reasoning is part of output. A payload that breaks them was read with the wrong rule
 * (or is corrupt); recording it would bill some tokens twice or not at all.
 */
export function buildCall(labels: CallLabels, usage: Usage): Extraction {
  const problems: string[] = [];
  if (usage.cacheReadTokens + usage.cacheWriteTokens > usage.inputTokens) {
    problems.push(
      `cache reads ${usage.cacheReadTokens} + writes ${usage.cacheWriteTokens} exceed input ${usage.inputTokens}`,
    );
  }
  if (usage.reasoningTokens > usage.outputTokens) {
    problems.push(`reasoning ${usage.reasoningTokens} exceeds output ${usage.outputTokens}`);
  }
  if (usage.cacheWrite1hTokens !== undefined && usage.cacheWrite1hTokens > usage.cacheWriteTokens) {
    problems.push(`1-hour cache writes ${usage.cacheWrite1hTokens} exceed cache writes ${usage.cacheWriteTokens}`);
  }
  problems.push(...partProblems(usage));
  if (!Number.isSafeInteger(usage.inputTokens + usage.outputTokens)) {
    return { ok: false, code: 'bad_count', message: `input ${usage.inputTokens} + output ${usage.outputTokens} tokens is beyond 2^53-1: not a count this journal can total exactly`, ...labels };
  }
  if (problems.length > 0) {
    return { ok: false, code: 'inconsistent_usage', message: `usage does not add up: ${problems.join('; ')}`, ...labels };
  }
  const call: ExtractedCall = {
    ...labels,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cacheReadTokens: usage.cacheReadTokens,
    cacheWriteTokens: usage.cacheWriteTokens,
    reasoningTokens: usage.reasoningTokens,
  };
  if (usage.cacheWrite1hTokens !== undefined) call.cacheWrite1hTokens = usage.cacheWrite1hTokens;
  return { ok: true, call: { ...call, ...billingParts(usage) } };
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Provider text shown to a terminal: control characters (escape sequences) neutralized. */
export function cleanText(text: string, max = 300): string {
  return clip(text.replace(CONTROL, ' '), max);
}

/**
 * JSON text of a payload fragment for a message, bounded. Hostile input can nest deeper
 * than JSON.stringify's recursion allows; that must become text, not an exception.
 */
export function stringifyForMessage(value: unknown, max = 300): string {
  try {
    return clip(JSON.stringify(value) ?? String(value), max);
  } catch {
    return '[unprintable value]';
  }
}

export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * A model name or request id from the payload: a non-empty string, control characters
 * replaced, length bounded (it ends up in the ledger and in markdown tables).
 */
export function readLabel(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  return clip(trimmed.replace(CONTROL, '\uFFFD'), 200);
}
