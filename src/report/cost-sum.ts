/**
 * Exact sums of recorded costs, fast. big.js per ledger line would dominate a report over a
 * million calls, so a cost string is parsed by hand into whole nano-dollars (1e-9 USD) and
 * atto-dollars below that (1e-18 USD), two plain numbers kept exact: nanos move into a
 * bigint before they could pass 2^53, attos carry into nanos. A cost with more than 18
 * decimals, a sign or a million dollars and more (none the tool writes) takes the big.js
 * path instead, so every input is summed exactly.
 */
import Big from 'big.js';
import { moneyToString, parseMoney, type Money } from '../core/money.js';

const NANO = 1e9;
/** Nanos above this move into the bigint: one line adds < 1e15, so 5e15 < 2^53 always holds. */
const SPILL_AT = 4e15;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/** The last cost parsed by parseCost (reused: no allocation per line). */
export const parsedCost = { nano: 0, atto: 0 };

/**
 * Parses a plain decimal like "0.01175" into parsedCost. False when the text needs the
 * exact slow path (sumSlow) or is not a number at all (parseMoney will say).
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

export interface ExportedSum {
  nano: number;
  atto: number;
  /** A bigint, as decimal digits. */
  spill: string;
  /** An exact decimal, or null. */
  slow: string | null;
}

export class CostSum {
  private nano = 0;
  private atto = 0;
  private spill = 0n;
  private slow: Money | null = null;

  /** Adds the cost parseCost just parsed. */
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

  /** Adds a cost the fast path refused; throws (via parseMoney) when it is not a decimal. */
  addSlow(value: Money): void {
    this.slow = this.slow === null ? value : this.slow.plus(value);
  }

  addSum(other: CostSum): void {
    this.spill += other.spill + BigInt(other.nano);
    this.atto += other.atto;
    if (this.atto >= NANO) {
      this.atto -= NANO;
      this.nano += 1;
    }
    if (other.slow !== null) this.addSlow(other.slow);
  }

  /** The sum as plain data (for a worker thread's part of a report). */
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
    const units = (this.spill + BigInt(this.nano)) * 1_000_000_000n + BigInt(this.atto);
    const digits = units.toString().padStart(19, '0');
    const frac = digits.slice(-18).replace(/0+$/, '');
    const fast = new Big(`${digits.slice(0, -18)}${frac ? `.${frac}` : ''}`);
    return this.slow === null ? fast : fast.plus(this.slow);
  }

  /** Canonical stored form: "0.01175", "0". */
  toString(): string {
    return moneyToString(this.toMoney());
  }
}

/** A cost the fast parser refused, checked and exact; throws on anything but a decimal. */
export function slowCost(text: string): Money {
  return parseMoney(text);
}
