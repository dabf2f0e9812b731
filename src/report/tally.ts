/** Running totals of a group of calls, kept as plain numbers plus an exact cost sum. */
import { EXIT, TokjError } from '../core/errors.js';
import type { Money } from '../core/money.js';
import { DecimalSum, type ExportedSum } from '../core/decimal-sum.js';
import type { CallFields } from './call-fields.js';

/** A Tally as plain data: its counts (SUMMED, then maxInput), then its cost sum. */
export interface ExportedTally {
  n: number[];
  sum: ExportedSum;
}

/**
 * A call as a Tally adds it: the counts read from its line (call-fields.ts) and its cost,
 * already parsed. The aggregator refills one object per ledger line (no allocation).
 */
export interface TalliedCall extends Pick<CallFields, 'input' | 'output' | 'cacheRead' | 'cacheWrite' | 'cacheWrite1h' | 'reasoning' | 'estimated'> {
  /** 0 unpriced, 1 parsed into parsedCost, 2 in `slow`. */
  priced: 0 | 1 | 2;
  slow: Money | null;
}

/**
 * The counts a Tally sums, in the order exportTally lists them (maxInput, a maximum, comes
 * after them). add() spells them out instead: it runs several times per ledger line.
 */
const SUMMED = ['calls', 'input', 'output', 'cacheRead', 'cacheWrite', 'cacheWrite1h', 'reasoning', 'unpriced', 'estimated'] as const;

/**
 * A Tally is its own cost sum (it extends DecimalSum rather than holding one) so adding a call
 * touches one object: this runs several times per ledger line.
 */
export class Tally extends DecimalSum {
  calls = 0;
  input = 0;
  output = 0;
  cacheRead = 0;
  cacheWrite = 0;
  cacheWrite1h = 0;
  reasoning = 0;
  unpriced = 0;
  estimated = 0;
  /** The largest prompt of one call (a cheaper model must accept it). */
  maxInput = 0;

  /** The exact cost sum of the calls (this object). */
  get cost(): DecimalSum {
    return this;
  }

  /** Adds one call (its cost already in parsedCost or `slow`, as `priced` says). */
  add(c: TalliedCall): void {
    this.calls++;
    this.input += c.input;
    this.output += c.output;
    this.cacheRead += c.cacheRead;
    this.cacheWrite += c.cacheWrite;
    this.cacheWrite1h += c.cacheWrite1h;
    this.reasoning += c.reasoning;
    if (c.input > this.maxInput) this.maxInput = c.input;
    if (c.estimated) this.estimated++;
    if (c.priced === 1) this.addParsed();
    else if (c.priced === 0) this.unpriced++;
    else this.addSlow(c.slow!);
  }

  addTally(t: Tally): void {
    for (const k of SUMMED) this[k] += t[k];
    this.maxInput = Math.max(this.maxInput, t.maxInput);
    this.addSum(t);
  }

  exportTally(): ExportedTally {
    return { n: [...SUMMED.map((k) => this[k]), this.maxInput], sum: this.exportSum() };
  }

  /** Adds a tally exported by exportTally (as addTally adds a live one). */
  addExported(e: ExportedTally): void {
    SUMMED.forEach((k, i) => (this[k] += e.n[i]!));
    this.maxInput = Math.max(this.maxInput, e.n[SUMMED.length]!);
    this.addExportedSum(e.sum);
  }

  /**
   * Token sums are plain numbers: exact while they stay below 2^53, and since every count
   * added is a whole number >= 0, a final sum below 2^53 proves every partial sum was exact.
   */
  checkExact(): void {
    for (const [what, n] of [
      ['input tokens', this.input],
      ['output tokens', this.output],
      ['total tokens', this.input + this.output],
      ['cache tokens', this.cacheRead + this.cacheWrite],
    ] as const) {
      if (!Number.isSafeInteger(n)) {
        throw new TokjError(`the report's ${what} exceed 2^53-1 (${Number.MAX_SAFE_INTEGER}) and cannot be summed exactly; narrow it with --since/--until`, EXIT.rejected, 'overflow');
      }
    }
  }
}
