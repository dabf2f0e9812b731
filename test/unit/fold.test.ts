/**
 * The fold (src/core/fold.ts) is what makes "views = replay(ledger)" hold whatever order
 * lines arrive in: folding the same entries in any order gives the same states, byte for
 * byte once stored (canonical form), and the totals a plain sum of the calls gives.
 */
import fc from 'fast-check';
import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { foldEntry, type FoldTarget } from '../../src/core/fold.js';
import { entryKey, monthOfKey } from '../../src/core/entry-key.js';
import { canonicalJournal, newJournalState, RECENT_SESSIONS, recentFrom } from '../../src/core/journal-state.js';
import { canonicalSession, sessionOrderKey, type SessionState } from '../../src/core/session-state.js';
import type { LedgerEntry } from '../../src/ledger/record.js';

interface Placed {
  entry: LedgerEntry;
  key: string;
}

function fold(entries: Placed[]): { journal: string; sessions: Record<string, string> } {
  const sessions = new Map<string, SessionState>();
  const journal = newJournalState();
  const target: FoldTarget = { journal, session: (id) => sessions.get(id) ?? null, adopt: (s) => sessions.set(s.session, s) };
  let stale = false;
  for (const { entry, key } of entries) if (foldEntry(target, entry, key).placed?.recentStale) stale = true;
  // What the transaction does when the kept list lost track (it reads the month lists).
  if (stale) journal.recent = recentFrom([...sessions.values()].map((s) => [sessionOrderKey(s), s.session]));
  const out: Record<string, string> = {};
  for (const [id, s] of [...sessions].sort(([a], [b]) => (a < b ? -1 : 1))) out[id] = JSON.stringify(canonicalSession(s));
  return { journal: JSON.stringify(canonicalJournal(journal)), sessions: out };
}

const sessionIds = ['s1', 's2', 's3'];
/** More sessions than the main journal lists, so the latest-sessions list drops some. */
const manySessionIds = Array.from({ length: RECENT_SESSIONS + 6 }, (_, i) => `m${i}`);
/** Around a month's end: a session's start can move it into the month before. */
const MONTH_END = Date.UTC(2023, 10, 30, 23, 59, 0);
const files = ['2026-11.hosta.jsonl', '2026-11.hostb.jsonl', '2026-12.hosta.jsonl'];

const entryArb = (ids: string[]) => fc.record({
  kind: fc.constantFrom('start', 'call', 'call', 'call', 'end'),
  session: fc.constantFrom(...ids),
  ms: fc.integer({ min: MONTH_END - 100_000, max: MONTH_END + 100_000 }),
  file: fc.constantFrom(...files),
  model: fc.constantFrom('gpt-4o', 'o3-mini'),
  input: fc.integer({ min: 0, max: 10_000 }),
  output: fc.integer({ min: 0, max: 10_000 }),
  cost: fc.option(fc.integer({ min: 0, max: 99_999_999 }).map((n) => new Big(n).div(1e8).toString())),
});

/** Entries with distinct positions, as a ledger holds them. */
const ledgerOf = (ids: string[], maxLength: number) => fc.array(entryArb(ids), { maxLength }).map((raw) =>
  raw.map((r, i): Placed => {
    const timestamp = new Date(r.ms).toISOString();
    const at = { file: r.file, offset: i * 100 };
    const base = { id: `${r.session}:${i}`, timestamp, session: r.session };
    let entry: LedgerEntry;
    if (r.kind === 'start') entry = { ...base, type: 'session_start', provider: 'openai', model: r.model, agent: null, budget_usd: null, labels: { n: String(i) } };
    else if (r.kind === 'end') entry = { ...base, type: 'session_end', status: i % 2 ? 'completed' : 'failed', notes: `end ${i}`, errors: [] };
    else {
      entry = {
        ...base,
        type: 'call',
        provider: 'openai',
        model: r.model,
        agent: null,
        operation: null,
        attempt: null,
        note: null,
        request_id: null,
        input_tokens: r.input,
        output_tokens: r.output,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        reasoning_tokens: 0,
        total_tokens: r.input + r.output,
        cost_usd: r.cost,
        price_source: null,
        estimated: false,
        labels: {},
      };
    }
    return { entry, key: entryKey(timestamp, at) };
  }),
);
const ledgerArb = ledgerOf(sessionIds, 40);
const manySessionsArb = ledgerOf(manySessionIds, 120);

describe('foldEntry', () => {
  it('gives the same stored states for the same entries in any order (property)', () => {
    fc.assert(
      fc.property(
        ledgerArb.chain((entries) => fc.tuple(fc.constant(entries), fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }))),
        ([entries, shuffled]) => {
          expect(fold(shuffled)).toEqual(fold(entries));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('with more sessions than Recent Sessions lists, across a month end: same states in any order (property)', () => {
    fc.assert(
      fc.property(
        manySessionsArb.chain((entries) => fc.tuple(fc.constant(entries), fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }))),
        ([entries, shuffled]) => {
          expect(fold(shuffled)).toEqual(fold(entries));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('each month holds the totals and count of the sessions that start in it; recent is the latest starts', () => {
    fc.assert(
      fc.property(manySessionsArb, (entries) => {
        const sessions = new Map<string, SessionState>();
        const journal = newJournalState();
        const target: FoldTarget = { journal, session: (id) => sessions.get(id) ?? null, adopt: (s) => sessions.set(s.session, s) };
        let stale = false;
        for (const { entry, key } of entries) if (foldEntry(target, entry, key).placed?.recentStale) stale = true;
        const byMonth = new Map<string, SessionState[]>();
        for (const s of sessions.values()) {
          const month = monthOfKey(sessionOrderKey(s));
          byMonth.set(month, [...(byMonth.get(month) ?? []), s]);
        }
        expect(Object.keys(journal.months).sort()).toEqual([...byMonth.keys()].sort());
        for (const [month, list] of byMonth) {
          const m = journal.months[month]!;
          expect(m.sessions).toBe(list.length);
          expect(m.calls).toBe(list.reduce((n, s) => n + s.totals.calls, 0));
          expect(m.total_tokens).toBe(list.reduce((n, s) => n + s.totals.total_tokens, 0));
          expect(new Big(m.cost_usd).eq(list.reduce((sum, s) => sum.plus(s.totals.cost_usd), new Big(0)))).toBe(true);
        }
        const latest = [...sessions.values()].map((s): [string, string] => [sessionOrderKey(s), s.session]).sort((a, b) => (a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]) ? -1 : 1)).slice(-RECENT_SESSIONS);
        if (!stale) expect(journal.recent).toEqual(latest);
      }),
      { numRuns: 200 },
    );
  });

  it('totals are the plain sums of the calls; sessions per model count sessions, not calls', () => {
    fc.assert(
      fc.property(ledgerArb, (entries) => {
        const { journal } = fold(entries);
        const j = JSON.parse(journal) as ReturnType<typeof newJournalState>;
        const calls = entries.map((e) => e.entry).filter((e) => e.type === 'call');
        expect(j.totals.calls).toBe(calls.length);
        expect(j.totals.input_tokens).toBe(calls.reduce((n, c) => n + c.input_tokens, 0));
        const priced = calls.filter((c) => c.cost_usd !== null);
        expect(new Big(j.totals.cost_usd).eq(priced.reduce((sum, c) => sum.plus(c.cost_usd!), new Big(0)))).toBe(true);
        expect(j.totals.unpriced_calls).toBe(calls.length - priced.length);
        for (const m of Object.values(j.by_model)) {
          expect(m.sessions).toBe(new Set(calls.filter((c) => c.model === m.model).map((c) => c.session)).size);
        }
        expect(j.sessions).toBe(new Set(entries.map((e) => e.entry.session)).size);
        // Ended sessions are not active.
        const ended = new Set(entries.filter((e) => e.entry.type === 'session_end').map((e) => e.entry.session));
        expect(j.active_sessions).toEqual([...new Set(entries.map((e) => e.entry.session))].filter((id) => !ended.has(id)).sort());
      }),
      { numRuns: 300 },
    );
  });
});
