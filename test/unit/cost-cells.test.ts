/**
 * The precision rule of every cost column (README, Costs): four decimals in every cell, half
 * up; an amount above zero that would show as $0.0000 is "<$0.0001".
 */
import Big from 'big.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatUsdCell } from '../../src/core/money.js';
import { costCell, totalCostCell } from '../../src/views/format.js';
import { costCellText } from '../../src/report/text.js';

describe('cost cells', () => {
  it('write four decimals in every cell', () => {
    expect(formatUsdCell('0.01175')).toBe('$0.0118');
    expect(formatUsdCell('0.0081')).toBe('$0.0081');
    expect(formatUsdCell('0.5')).toBe('$0.5000');
    expect(formatUsdCell('12')).toBe('$12.0000');
    expect(formatUsdCell('1234.56785')).toBe('$1,234.5679');
    expect(formatUsdCell('0.99995')).toBe('$1.0000');
    expect(formatUsdCell('0')).toBe('$0.0000');
    expect(formatUsdCell('0.00005')).toBe('$0.0001');
  });

  it('never show a cost above zero as free', () => {
    expect(formatUsdCell('0.00000824')).toBe('<$0.0001');
    expect(formatUsdCell('0.0000499999')).toBe('<$0.0001');
    expect(formatUsdCell(new Big('0.00000824'))).toBe('<$0.0001');
  });

  it('give the same text from a stored string and from big.js (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 16n }), fc.integer({ min: 0, max: 12 }), (units, places) => {
        const text = new Big(units.toString()).div(new Big(10).pow(places)).toString();
        expect(formatUsdCell(text)).toBe(formatUsdCell(new Big(text)));
      }),
    );
  });

  it('keep the markers of estimated, unpriced and partly priced amounts', () => {
    expect(costCell('0.01175')).toBe('$0.0118');
    expect(costCell('0.0012', true)).toBe('~$0.0012');
    expect(costCell(null)).toBe('n/a');
    const totals = { calls: 3, unpriced_calls: 1, cost_usd: '0.06914' } as Parameters<typeof totalCostCell>[0];
    expect(totalCostCell(totals)).toBe('$0.0691 + 1 unpriced call');
    const summary = { calls: 3, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0, total_tokens: 0, total_cost_usd: '0.06914', unpriced_calls: 2 };
    expect(costCellText(summary)).toBe('$0.0691 + 2 unpriced calls');
    expect(costCellText({ ...summary, unpriced_calls: 3 })).toBe('n/a');
  });
});
