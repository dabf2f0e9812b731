/**
 * Daily and monthly budgets put calls in local days with the report's bucketing
 * (report/zone.ts): a budget and a report of the same day and zone count the same calls,
 * across a DST change and in a half-hour zone.
 */
import path from 'node:path';
import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { periodLabel, periodSpend } from '../../src/app/budget.js';
import { dateLabel } from '../../src/report/calendar.js';
import { ZoneDays } from '../../src/report/zone.js';
import { callLine, journalWith } from './helpers.js';

/** Calls every 20 minutes over 2026-03-06 .. 2026-03-10 (UTC), cost n/1000 for the n-th. */
const stamps = Array.from({ length: 5 * 72 }, (_, n) => ({ t: new Date(Date.UTC(2026, 2, 6) + n * 20 * 60_000).toISOString(), cost: new Big(n + 1).div(1000).toString() }));

describe('periodSpend', () => {
  const cwd = journalWith({
    '2026-02.a.jsonl': [callLine({ session: 's', timestamp: '2026-02-28T23:30:00.000Z', provider: 'openai', model: 'gpt-4o', input: 1, output: 1, cost: '100' })],
    '2026-03.a.jsonl': [
      ...stamps.map((s) => callLine({ session: 's', timestamp: s.t, provider: 'openai', model: 'gpt-4o', input: 1, output: 1, cost: s.cost })),
      callLine({ session: 's', timestamp: '2026-03-08T12:00:00.000Z', provider: 'openai', model: 'gpt-4o', input: 1, output: 1, cost: null }),
    ],
  });
  const ledgerDir = path.join(cwd, '.ai_workflow', 'monitoring', 'ledger');

  // The local day 2026-03-08 in UTC: New York moves to summer time that day (23 hours).
  const days: Record<string, [string, string, number]> = {
    'America/New_York': ['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z', 69],
    'Asia/Kolkata': ['2026-03-07T18:30:00.000Z', '2026-03-08T18:30:00.000Z', 72],
    UTC: ['2026-03-08T00:00:00.000Z', '2026-03-09T00:00:00.000Z', 72],
  };
  for (const [tz, [start, end, calls]] of Object.entries(days)) {
    it(`counts the calls the report puts in the day and month (${tz})`, () => {
      const zone = new ZoneDays(tz);
      const now = new Date('2026-03-08T15:00:00.000Z');
      const day = periodSpend(ledgerDir, 'day', now, tz);
      expect(day.label).toBe('2026-03-08');
      const inDay = stamps.filter((s) => s.t >= start && s.t < end);
      expect(inDay).toHaveLength(calls);
      expect(stamps.filter((s) => dateLabel(zone.dayOf(s.t)) === '2026-03-08')).toEqual(inDay);
      expect(day.spent.toString()).toBe(inDay.reduce((sum, s) => sum.plus(s.cost), new Big(0)).toString());
      expect(periodLabel(now, 'month', tz)).toBe('2026-03');
      // The February call is on 2026-02-28 in every one of these zones (at 23:30 UTC, or
      // 05:00 on 2026-03-01 in Kolkata).
      const month = periodSpend(ledgerDir, 'month', now, tz);
      const inMarch = stamps.filter((s) => dateLabel(zone.dayOf(s.t)).startsWith('2026-03')).reduce((sum, s) => sum.plus(s.cost), new Big(0));
      expect(month.spent.toString()).toBe(inMarch.plus(tz === 'Asia/Kolkata' ? 100 : 0).toString());
    });
  }

  it('uses the machine zone when none is configured', () => {
    const now = new Date('2026-03-08T15:00:00.000Z');
    expect(periodLabel(now, 'day', undefined)).toBe(dateLabel(new ZoneDays().dayOfMs(now.getTime())));
  });
});
