import Big from 'big.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMoney, sumMoney } from '../../src/core/decimal-sum.js';
import { formatCount, formatUsd, formatUsdBig, moneyToString, parseMoney, parseRate } from '../../src/core/money.js';

describe('money', () => {
  it('formats costs for people without hiding small calls', () => {
    expect(formatUsd('0')).toBe('$0.00');
    expect(formatUsd('0.01175')).toBe('$0.01175');
    expect(formatUsd('0.0234')).toBe('$0.0234');
    expect(formatUsd('0.5')).toBe('$0.50');
    expect(formatUsd('0.000075')).toBe('$0.000075');
    expect(formatUsd('0.123456')).toBe('$0.1235');
    expect(formatUsd('0.99996')).toBe('$1.00');
    expect(formatUsd('1234567.891')).toBe('$1,234,567.89');
    expect(formatCount(1500)).toBe('1,500');
    expect(formatCount(9007199254740991)).toBe('9,007,199,254,740,991');
  });

  it('reads price-table rates written with exponents exactly', () => {
    expect(moneyToString(parseRate(2.5e-6))).toBe('0.0000025');
    expect(moneyToString(parseRate('1.25e-7'))).toBe('0.000000125');
    expect(() => parseMoney('1e-3')).toThrow();
    expect(() => parseMoney('abc')).toThrow();
  });

  it('sums any number of costs exactly (property)', () => {
    // Costs as integer numbers of 1e-12 dollars: the BigInt sum is the reference.
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 20n }), { maxLength: 200 }), (units) => {
        const strings = units.map((u) => new Big(u.toString()).div(new Big(10).pow(12)).toString());
        const expected = units.reduce((a, b) => a + b, 0n);
        const sum = sumMoney(strings);
        expect(sum.times(new Big(10).pow(12)).toFixed(0)).toBe(expected.toString());
      }),
    );
  });

  it('keeps a million small costs exact', () => {
    const total = sumMoney(Array.from({ length: 1_000_000 }, () => '0.000075'));
    expect(moneyToString(total)).toBe('75');
    expect(0.000075 * 1_000_000).not.toBe(75.0000000001); // the float sum is not what we store
  });

  // Decimal strings shaped like stored costs: up to 9 whole digits, up to 14 decimals,
  // with runs of 9s and 0s so carries and roundings at every place are exercised.
  const digitsArb = (min: number, max: number) => fc.array(fc.constantFrom('0', '9', '9', '0', '1', '4', '5', '6'), { minLength: min, maxLength: max }).map((d) => d.join(''));
  const decimalArb = fc.tuple(digitsArb(1, 9), digitsArb(0, 14)).map(([i, f]) => `${i.replace(/^0+(?=\d)/, '')}${f ? `.${f}` : ''}`);

  it('adds stored amounts exactly, in canonical form, like big.js (property)', () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, (a, b) => {
        expect(addMoney(a, b)).toBe(new Big(a).plus(new Big(b)).toString());
      }),
      { numRuns: 5000 },
    );
    expect(addMoney('0.1', '0.2')).toBe('0.3');
    expect(addMoney('999999999999999', '0.5')).toBe('999999999999999.5'); // past 15 digits: big.js
    expect(addMoney('-1.5', '0.25')).toBe('-1.25');
    expect(addMoney('0', '0.0100')).toBe('0.01');
  });

  it('formats amounts by their digits exactly as big.js rounds them (property)', () => {
    fc.assert(
      fc.property(decimalArb, (a) => {
        expect(formatUsd(a)).toBe(formatUsdBig(a));
      }),
      { numRuns: 5000 },
    );
    for (const a of ['0.99995', '0.999949', '0.0099995', '9.995', '9.994999', '999.995', '0.00000000001', '1', '0.5', '0.125', '00.5']) expect(formatUsd(a)).toBe(formatUsdBig(a));
    expect(formatUsd('-0.5')).toBe('-$0.50');
  });
});

