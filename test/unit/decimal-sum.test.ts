/**
 * The one exact accumulator (core/decimal-sum.ts) against big.js: sums of decimal strings of
 * any scale and sign, the report's fast path and its big.js fallback, thread exports, and
 * the pairwise addMoney of the state files' totals. (The suites of the report's CostSum and
 * metrics' DecimalSum it replaces, kept as they were.)
 */
import Big from 'big.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMoney, DecimalSum, parseCost } from '../../src/core/decimal-sum.js';
import { parseMoney } from '../../src/core/money.js';

/** As the report adds a cost: parsed once, fast path or big.js. */
function sum(costs: string[]): string {
  const s = new DecimalSum();
  for (const c of costs) {
    if (parseCost(c)) s.addParsed();
    else s.addSlow(parseMoney(c));
  }
  return s.toString();
}

const bigSum = (costs: string[]): string => costs.reduce((a, c) => a.plus(c), new Big(0)).toString();

/** Decimal strings of scale 0-24, either sign, up to 10^16 units, with runs of 9s and 0s. */
const signedDecimal = fc
  .tuple(
    fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 16n }), fc.constantFrom(0n, 1n, 9n, 999_999_999n, 999_999_999_999_999_999n, 10n ** 15n - 1n)),
    fc.integer({ min: 0, max: 24 }),
    fc.boolean(),
    fc.integer({ min: 0, max: 2 }),
  )
  .map(([units, scale, negative, zeros]) => {
    const digits = units.toString().padStart(scale + 1, '0');
    const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
    // Trailing and leading zeros as a person or another tool may write them.
    const padded = `${'0'.repeat(zeros)}${text}${scale > 0 ? '0'.repeat(zeros) : ''}`;
    return negative ? `-${padded}` : padded;
  });

describe('DecimalSum', () => {
  it('sums decimal strings of any scale and sign exactly, as big.js does (property)', () => {
    fc.assert(
      fc.property(fc.array(signedDecimal, { maxLength: 60 }), fc.integer({ min: 1, max: 4 }), (values, parts) => {
        const expected = bigSum(values).replace(/^-0$/, '0');
        // One pass: addDecimal for each.
        const one = new DecimalSum();
        for (const v of values) one.addDecimal(v);
        expect(one.toString()).toBe(expected);
        expect(one.toMoney().toString().replace(/^-0$/, '0')).toBe(expected);
        // Cut into parts summed apart (threads), merged live and exported.
        const live = new DecimalSum();
        const exported = new DecimalSum();
        for (let p = 0; p < parts; p++) {
          const part = new DecimalSum();
          values.filter((_, i) => i % parts === p).forEach((v) => part.addDecimal(v));
          live.addSum(part);
          exported.addExportedSum(part.exportSum());
        }
        expect(live.toString()).toBe(expected);
        expect(exported.toString()).toBe(expected);
        expect(Math.abs(one.approximate() - Number(expected))).toBeLessThanOrEqual(Math.abs(Number(expected)) * 1e-9 + 1e-9);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses what is not a decimal', () => {
    for (const bad of ['1e-3', 'abc', '', '.5', '5.', '+1', '0x10', ' 1']) expect(() => new DecimalSum().addDecimal(bad), bad).toThrow('not a decimal amount');
  });
});

describe('exact cost sums without big.js per line', () => {
  it('sums typical costs exactly', () => {
    expect(sum([])).toBe('0');
    expect(sum(['0.01175', '0.0081'])).toBe('0.01985');
    expect(sum(['0.1', '0.2'])).toBe('0.3');
    expect(sum(['0.000000000000000001', '0.999999999999999999'])).toBe('1');
    expect(sum(['12', '0.5', '3.000000001'])).toBe('15.500000001');
  });

  it('takes the exact slow path for more than 18 decimals, huge amounts and other spellings', () => {
    expect(parseCost('0.0000000000000000001')).toBe(false);
    expect(sum(['0.0000000000000000001', '0.0000000000000000009', '1'])).toBe('1.000000000000000001');
    expect(parseCost('1000000')).toBe(false);
    expect(sum(['1000000', '0.5'])).toBe('1000000.5');
    expect(parseCost('.5')).toBe(false);
    expect(parseCost('5.')).toBe(false);
    expect(parseCost('-1')).toBe(false);
    expect(() => parseMoney('1e-3')).toThrow();
    expect(() => parseMoney('abc')).toThrow();
  });

  it('stays exact past 2^53 nano-dollars', () => {
    const costs = Array.from({ length: 20_000 }, () => '999999.999999999999');
    expect(sum(costs)).toBe(bigSum(costs));
  });

  it('agrees with big.js on any decimals', () => {
    const decimal = fc
      .tuple(fc.integer({ min: 0, max: 2_000_000 }), fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), maxLength: 22 }))
      .map(([whole, frac]) => (frac === '' ? String(whole) : `${whole}.${frac}`));
    fc.assert(fc.property(fc.array(decimal, { maxLength: 50 }), (costs) => sum(costs) === bigSum(costs)));
  });
});

describe('metrics-style sums (addDecimal)', () => {
  it('sums decimal strings exactly, printed as big.js prints them', () => {
    const decimal = fc
      .tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: 20 }), fc.boolean())
      .map(([units, scale, negative]) => new Big(`${negative ? '-' : ''}${units}`).div(new Big(10).pow(scale)).toFixed(scale));
    fc.assert(
      fc.property(fc.array(decimal, { maxLength: 30 }), (values) => {
        const sum = new DecimalSum();
        let expected = new Big(0);
        for (const v of values) {
          sum.addDecimal(v);
          expected = expected.plus(v);
        }
        // big.js (configured by core/money) prints plain decimals without trailing zeros.
        expect(sum.toString()).toBe(expected.toString().replace(/^-0$/, '0'));
      }),
    );
  });

  it('keeps digits a double would lose', () => {
    const sum = new DecimalSum();
    for (let i = 0; i < 10; i++) sum.addDecimal('0.1');
    sum.addDecimal('0.000000000000000000012345');
    expect(sum.toString()).toBe('1.000000000000000000012345');
  });
});

describe('addMoney', () => {
  it('adds two amounts of any scale and sign as big.js does (property)', () => {
    fc.assert(
      fc.property(signedDecimal, signedDecimal, (a, b) => {
        expect(addMoney(a, b)).toBe(new Big(a).plus(b).toString().replace(/^-0$/, '0'));
      }),
      { numRuns: 5000 },
    );
  });
});
