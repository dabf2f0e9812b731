import { describe, expect, it } from 'vitest';
import { alertCells, alertsBlockText, alertUnit, NO_ALERTS } from '../../src/views/alert-cells.js';

const base = { time: '2026-11-24T09:00:04.000Z', session: 'sess-42', model: 'gpt-4o' };

describe('alert cells', () => {
  it('shows tokens with thousands separators and the value against the rolling average', () => {
    const a = { ...base, kind: 'high_usage', value: '52000', threshold: '20832.3', average: '6944.1', id: 'high_usage metric=tokens call=sess-42:5' };
    expect(alertCells(a)).toEqual(['2026-11-24 09:00:04 UTC', 'high_usage', 'sess-42', 'gpt-4o', '52,000 tokens (748.8% of average)', '20,832 tokens', '6,944 tokens']);
  });

  it('shows a cost spike in dollars with four decimals', () => {
    const a = { ...base, kind: 'high_usage', value: '0.1234567', threshold: '0.05', average: '0.0166', id: 'high_usage metric=cost call=sess-42:5' };
    expect(alertCells(a).slice(4)).toEqual(['$0.1235 (743.7% of average)', '$0.0500', '$0.0166']);
  });

  it('shows a budget as dollars spent of the limit, with the percentage', () => {
    const a = { ...base, kind: 'budget_exceeded', value: '0.5542888', threshold: '0.5', average: '', id: 'budget_exceeded session=sess-42 limit=0.5' };
    expect(alertCells(a).slice(4)).toEqual(['$0.5543 (110.9% of budget)', '$0.5000', '']);
    expect(alertCells({ ...a, kind: 'budget_warning', value: '0.46', threshold: '0.5' }).slice(4)).toEqual(['$0.4600 (92.0% of budget)', '$0.5000', '']);
  });

  it('tells tokens from dollars on lines logged before alerts had an identity', () => {
    expect(alertUnit({ ...base, kind: 'high_usage', value: '12000', threshold: '3630', average: '1210' })).toBe('tokens');
    expect(alertUnit({ ...base, kind: 'high_usage', value: '0.25', threshold: '0.06', average: '0.02' })).toBe('usd');
    expect(alertCells({ ...base, kind: 'high_usage', value: '12000', threshold: '3630', average: '1210' }).slice(4)).toEqual(['12,000 tokens (991.7% of average)', '3,630 tokens', '1,210 tokens']);
  });

  it('shows what is not a number as it was logged', () => {
    expect(alertCells({ ...base, time: 'yesterday', kind: 'high_usage', value: 'lots', threshold: '3630', average: '0', id: '' })).toEqual(['yesterday', 'high_usage', 'sess-42', 'gpt-4o', 'lots', '3,630 tokens', '0 tokens']);
  });
});

describe('the Alerts block', () => {
  it('is a sentence while there is no alert, never a bare table header', () => {
    expect(alertsBlockText([])).toBe(NO_ALERTS);
    expect(NO_ALERTS).toBe('No alerts.');
  });

  it('is the table once there is one', () => {
    const a = { ...base, kind: 'budget_warning', value: '0.46', threshold: '0.5', average: '', id: 'budget_warning session=sess-42 limit=0.5' };
    expect(alertsBlockText([a])).toBe(
      ['| Time | Kind | Session | Model | Value | Threshold | Average |', '| - | - | - | - | - | - | - |', '| 2026-11-24 09:00:04 UTC | budget_warning | sess-42 | gpt-4o | $0.4600 (92.0% of budget) | $0.5000 | |'].join('\n'),
    );
  });
});
