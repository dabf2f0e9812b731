/**
 * The one exact sum of decimal strings: the running totals of the derived state (two at a
 * time, addMoney), a report's groups and metrics' series (DecimalSum, a ledger line at a
 * time), any list of amounts (sumMoney). Exact like big.js, whatever the input.
 *
 * Why by hand: big.js per addition parses both numbers into digit arrays and allocates a
 * result; a report over a million calls adds each cost to several groups and spent most of
 * its time there. Here a cost string is parsed into whole nano-dollars (1e-9 USD) and
 * atto-dollars below that (1e-18 USD), two plain numbers kept exact: nanos move into a
 * bigint before they could pass 2^53, attos carry into nanos. A cost with more than 18
 * decimals, a sign, or a million dollars and more (none the tool writes) takes the big.js
 * path instead, so every input is summed exactly. Property-tested against big.js
 * (test/unit/decimal-sum.test.ts).
 */
import Big from 'big.js';
import { moneyToString, parseMoney, type Money } from './money.js';

const NANO = 1e9;
/** Nanos above this move into the bigint: one addition adds < 1e15, so 5e15 < 2^53 always holds. */
const SPILL_AT = 4e15;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/** The last cost parsed by parseCost (reused: no allocation per line). */
export const parsedCost = { nano: 0, atto: 0 };

/**
 * Parses a plain decimal like "0.01175" into parsedCost. False when the text needs the
 * exact slow path (big.js) or is not a number at all (parseMoney will say).
 */
export function parseCost(text: string): boolean {
  const n = text.length;
  let i = 0;
  let whole = 0;
  for (; i < n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d === -2) break; // '.'
    if (d < 0 || d > 9) return false;
    whole = whole * 10 + d;
  }
  if (i === 0 || whole >= 1e6) return false;
  let hi = 0;
  let lo = 0;
  let k = 0;
  if (i < n) {
    i++;
    if (i === n) return false;
    for (; i < n; i++, k++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9 || k >= 18) return false;
      if (k < 9) hi = hi * 10 + d;
      else lo = lo * 10 + d;
    }
  }
  parsedCost.nano = whole * NANO + (k < 9 ? hi * POW10[9 - k]! : hi);
  parsedCost.atto = k > 9 ? lo * POW10[18 - k]! : 0;
  return true;
}

/** The stored money form: digits, an optional fraction, an optional minus sign. */
const DECIMAL = /^-?\d+(?:\.\d+)?$/;

export function isDecimal(text: unknown): text is string {
  return typeof text === 'string' && DECIMAL.test(text);
}

/** nano + atto/1e9 nano-dollars (both safe, atto < 1e9) as the canonical decimal. */
function unitsToString(nano: number, atto: number): string {
  const fracNano = nano % NANO;
  const whole = (nano - fracNano) / NANO;
  if (fracNano === 0 && atto === 0) return String(whole);
  const digits = `${String(fracNano).padStart(9, '0')}${String(atto).padStart(9, '0')}`;
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48) end--;
  return `${whole}.${digits.slice(0, end)}`;
}

/** A DecimalSum as plain data (a worker thread's part of a report). */
export interface ExportedSum {
  nano: number;
  atto: number;
  /** A bigint, as decimal digits. */
  spill: string;
  /** An exact decimal, or null. */
  slow: string | null;
}

export class DecimalSum {
  private nano = 0;
  private atto = 0;
  private spill = 0n;
  private slow: Money | null = null;

  /** Adds a decimal string; throws (via parseMoney) when it is not one. */
  addDecimal(text: string): void {
    if (parseCost(text)) this.addParsed();
    else this.addSlow(parseMoney(text));
  }

  /** Adds the cost parseCost just parsed (the report's hot loop parses once for several sums). */
  addParsed(): void {
    this.atto += parsedCost.atto;
    if (this.atto >= NANO) {
      this.atto -= NANO;
      this.nano += 1;
    }
    this.nano += parsedCost.nano;
    if (this.nano >= SPILL_AT) {
      this.spill += BigInt(this.nano);
      this.nano = 0;
    }
  }

  /** Adds an amount the fast path refused, or one already parsed by big.js. */
  addSlow(value: Money): void {
    this.slow = this.slow === null ? value : this.slow.plus(value);
  }

  addSum(other: DecimalSum): void {
    this.spill += other.spill + BigInt(other.nano);
    this.atto += other.atto;
    if (this.atto >= NANO) {
      this.atto -= NANO;
      this.nano += 1;
    }
    if (other.slow !== null) this.addSlow(other.slow);
  }

  exportSum(): ExportedSum {
    return { nano: this.nano, atto: this.atto, spill: this.spill.toString(), slow: this.slow === null ? null : this.slow.toString() };
  }

  /** Adds a sum exported by exportSum (in another thread). */
  addExportedSum(e: ExportedSum): void {
    this.spill += BigInt(e.spill) + BigInt(e.nano);
    this.atto += e.atto;
    if (this.atto >= NANO) {
      this.atto -= NANO;
      this.nano += 1;
    }
    if (e.slow !== null) this.addSlow(new Big(e.slow));
  }

  /** The sum as a float, for ranking many groups before exact comparison of a few. */
  approximate(): number {
    return (Number(this.spill) + this.nano + this.atto / NANO) / NANO + (this.slow === null ? 0 : this.slow.toNumber());
  }

  toMoney(): Money {
    return new Big(this.fastString()).plus(this.slow ?? 0);
  }

  /** Canonical stored form: "0.01175", "0" (never "-0"). */
  toString(): string {
    if (this.slow === null) return this.fastString();
    const text = moneyToString(this.toMoney());
    return text === '-0' ? '0' : text;
  }

  private fastString(): string {
    if (this.spill === 0n) return unitsToString(this.nano, this.atto);
    const units = (this.spill + BigInt(this.nano)) * 1_000_000_000n + BigInt(this.atto);
    const digits = units.toString().padStart(19, '0');
    const frac = digits.slice(-18).replace(/0+$/, '');
    return `${digits.slice(0, -18)}${frac ? `.${frac}` : ''}`;
  }
}

/**
 * a + b for stored decimal strings, exact, in the canonical form (a state file's totals,
 * several per recorded call). Two costs the fast parser takes add without allocating a sum.
 */
export function addMoney(a: string, b: string): string {
  if (parseCost(a)) {
    const nano = parsedCost.nano;
    const atto = parsedCost.atto;
    if (parseCost(b)) {
      const sumAtto = atto + parsedCost.atto;
      return sumAtto >= NANO ? unitsToString(nano + parsedCost.nano + 1, sumAtto - NANO) : unitsToString(nano + parsedCost.nano, sumAtto);
    }
  }
  const text = moneyToString(parseMoney(a).plus(parseMoney(b)));
  return text === '-0' ? '0' : text;
}

/** The exact sum of amounts, strings (checked) or big.js values. */
export function sumMoney(values: Iterable<Money | string>): Money {
  const sum = new DecimalSum();
  for (const v of values) {
    if (typeof v === 'string') sum.addDecimal(v);
    else sum.addSlow(v);
  }
  return sum.toMoney();
}
