/**
 * JSON with its numbers kept as written. OpenAI's cost reports give dollars as JSON numbers
 * (`"value": 0.06`); JSON.parse would turn them into binary floats, and a float's shortest
 * spelling is not always the decimal the provider printed (`0.8958740000000000001` comes
 * back as 0.895874). So numbers stay their source text (an ExactNumber) and become exact
 * decimals, or whole counts, only where a reader asks. Strings, objects and the rest parse
 * as usual (lossless-json, which parses the RFC 8259 grammar and hands over each number's text).
 */
import Big from 'big.js';
import { parse } from 'lossless-json';
import { parseRate, type Money } from '../core/money.js';

/** A JSON number as it was written in the document. */
export class ExactNumber {
  constructor(readonly text: string) {}
}

export type ExactJson = null | boolean | string | ExactNumber | ExactJson[] | { [key: string]: ExactJson };

export class JsonSyntaxError extends Error {}

/** Parses a JSON document, numbers as ExactNumber (lossless-json keeps each number's source text). Throws JsonSyntaxError. */
export function parseExactJson(text: string): ExactJson {
  try {
    return parse(text.replace(/^\uFEFF/, ''), null, (source: string) => new ExactNumber(source)) as ExactJson;
  } catch (error) {
    throw new JsonSyntaxError(`not valid JSON: ${(error as Error).message}`);
  }
}

/** The exact decimal a JSON number (or a decimal string) spells; null for anything else. */
export function exactDecimal(value: ExactJson | undefined): Money | null {
  if (!(value instanceof ExactNumber) && typeof value !== 'string') return null;
  try {
    // parseRate: a plain or exponent decimal, through big.js (never a float).
    return parseRate(value instanceof ExactNumber ? value.text : value);
  } catch {
    return null;
  }
}

/** A whole count >= 0 (a JSON number such as 1500 or 1500.0); null for anything else. */
export function exactCount(value: ExactJson | undefined): number | null {
  const d = exactDecimal(value);
  if (d === null || d.lt(0) || !d.eq(d.round(0, Big.roundDown))) return null;
  const n = d.toNumber();
  return Number.isSafeInteger(n) ? n : null;
}

export const isRecord = (v: ExactJson | undefined): v is { [key: string]: ExactJson } => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof ExactNumber);
