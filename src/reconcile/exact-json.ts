/**
 * JSON with its numbers kept as written. OpenAI's cost reports give dollars as JSON numbers
 * (`"value": 0.06`); JSON.parse would turn them into binary floats, and a float's shortest
 * spelling is not always the decimal the provider printed (`0.8958740000000000001` comes
 * back as 0.895874). So numbers stay their source text (an ExactNumber) and become exact
 * decimals, or whole counts, only where a reader asks. Strings, objects and the rest parse
 * as usual; the grammar is RFC 8259's, strictly (JSON.parse decodes each string).
 */
import Big from 'big.js';
import { parseRate, type Money } from '../core/money.js';

/** A JSON number as it was written in the document. */
export class ExactNumber {
  constructor(readonly text: string) {}
}

export type ExactJson = null | boolean | string | ExactNumber | ExactJson[] | { [key: string]: ExactJson };

export class JsonSyntaxError extends Error {}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const SPACE = /[ \t\n\r]*/y;

class Parser {
  private at = 0;
  constructor(private readonly text: string) {}

  document(): ExactJson {
    this.space();
    const value = this.value(0);
    this.space();
    if (this.at < this.text.length) this.fail('text after the JSON value');
    return value;
  }

  private fail(what: string): never {
    const line = this.text.slice(0, this.at).split('\n').length;
    throw new JsonSyntaxError(`not valid JSON: ${what} at line ${line}`);
  }

  private space(): void {
    SPACE.lastIndex = this.at;
    SPACE.exec(this.text);
    this.at = SPACE.lastIndex;
  }

  private match(re: RegExp): string | null {
    re.lastIndex = this.at;
    const m = re.exec(this.text);
    if (m === null) return null;
    this.at = re.lastIndex;
    return m[0];
  }

  private value(depth: number): ExactJson {
    // Reports are a few levels deep; a document nested beyond this is not one.
    if (depth > 64) this.fail('nesting deeper than 64 levels');
    const c = this.text[this.at];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return value;
      }
    }
    const n = this.match(NUMBER);
    if (n === null) this.fail(c === undefined ? 'unexpected end' : `unexpected ${JSON.stringify(c)}`);
    return new ExactNumber(n);
  }

  private string(): string {
    const s = this.match(STRING);
    if (s === null) this.fail('a broken string');
    return JSON.parse(s) as string;
  }

  private object(depth: number): { [key: string]: ExactJson } {
    this.at++;
    const out: { [key: string]: ExactJson } = {};
    this.space();
    if (this.text[this.at] === '}') {
      this.at++;
      return out;
    }
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') this.fail('a missing property name');
      const key = this.string();
      this.space();
      if (this.text[this.at] !== ':') this.fail('a missing ":"');
      this.at++;
      this.space();
      // defineProperty: a "__proto__" key is data, as with JSON.parse.
      Object.defineProperty(out, key, { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
      this.space();
      const c = this.text[this.at++];
      if (c === '}') return out;
      if (c !== ',') this.fail('a missing "," or "}"');
    }
  }

  private array(depth: number): ExactJson[] {
    this.at++;
    const out: ExactJson[] = [];
    this.space();
    if (this.text[this.at] === ']') {
      this.at++;
      return out;
    }
    for (;;) {
      this.space();
      out.push(this.value(depth + 1));
      this.space();
      const c = this.text[this.at++];
      if (c === ']') return out;
      if (c !== ',') this.fail('a missing "," or "]"');
    }
  }
}

/** Parses a JSON document, numbers as ExactNumber. Throws JsonSyntaxError. */
export function parseExactJson(text: string): ExactJson {
  return new Parser(text.replace(/^\uFEFF/, '')).document();
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
