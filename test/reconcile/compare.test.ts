/**
 * The comparison's rules on their own (src/reconcile/compare.ts, pure): what each status
 * needs, the tolerance's edge, days compared whole, counts read from OpenAI cost quantities,
 * coverage, and the journal side's token cost (tool fees apart).
 */
import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { allowed, compare } from '../../src/reconcile/compare.js';
import { Coverage } from '../../src/reconcile/coverage.js';
import { JournalTally, type DimensionMap } from '../../src/reconcile/journal-side.js';
import { DEFAULT_TOLERANCE, parseTolerance } from '../../src/reconcile/options.js';
import type { BilledProvider, CostFact, Fact, ReportPage, UsageFact } from '../../src/reconcile/types.js';

const DAY = 86_400_000;
const at = (date: string): number => Date.parse(`${date}T00:00:00Z`);
const TODAY = Math.floor(at('2026-11-20') / DAY);

function journal(calls: Array<Record<string, unknown>>, maps: DimensionMap[] = []): JournalTally {
  const t = new JournalTally(maps);
  for (const c of calls) t.consumeLine(JSON.stringify({ type: 'call', session: 's', input_tokens: 0, output_tokens: 0, labels: {}, ...c }));
  return t;
}

const call = (date: string, provider: string, model: string, input: number, output: number, cost: string | null, extra: Record<string, unknown> = {}) => ({ timestamp: `${date}T10:00:00.000Z`, provider, model, input_tokens: input, output_tokens: output, cost_usd: cost, ...extra });

const usage = (date: string, model: string | null, requests: number | null, input: number, output: number): UsageFact => ({ kind: 'usage', provider: 'openai', date, model, requests, input_tokens: input, output_tokens: output, cache_read_tokens: 0, dims: {} });
const cost = (date: string, model: string | null, amount: string, extra: Partial<CostFact> = {}): CostFact => ({ kind: 'cost', provider: 'openai', date, charge: 'tokens', model, label: `${model}, input`, amount: new Big(amount), quantity: null, dims: {}, ...extra });

function page(facts: Fact[], kinds: Array<'usage' | 'cost'>, dates: string[], provider: BilledProvider = 'openai'): ReportPage {
  return { format: 'test', provider, facts, spans: dates.flatMap((d) => kinds.map((kind) => ({ provider, kind, start: at(d), end: at(d) + DAY }))), hasMore: false, skipped: [] };
}

function run(pages: ReportPage[], t: JournalTally, tolerance = DEFAULT_TOLERANCE, range: { since?: string; until?: string } = {}, maps: DimensionMap[] = []) {
  return compare({ pages, journal: t, maps, since: range.since ?? null, until: range.until ?? null, tolerance, today: TODAY });
}

const statuses = (r: ReturnType<typeof run>): string[] => r.rows.map((row) => `${row.date} ${row.model}: ${row.status}`);

describe('compare', () => {
  it('with cost reports only, a difference beyond the tolerance is missing_calls (bill higher) or unknown_to_provider (lower)', () => {
    const t = journal([call('2026-11-10', 'openai', 'gpt-4o', 1000, 100, '0.5'), call('2026-11-11', 'openai', 'gpt-4o', 1000, 100, '0.5'), call('2026-11-12', 'openai', 'gpt-4o', 1000, 100, '0.5')]);
    const r = run([page([cost('2026-11-10', 'gpt-4o-2024-08-06', '0.6'), cost('2026-11-11', 'gpt-4o-2024-08-06', '0.4'), cost('2026-11-12', 'gpt-4o-2024-08-06', '0.5025')], ['cost'], ['2026-11-10', '2026-11-11', '2026-11-12'])], t);
    expect(statuses(r)).toEqual(['2026-11-10 gpt-4o: missing_calls', '2026-11-11 gpt-4o: unknown_to_provider', '2026-11-12 gpt-4o: match']);
    expect(r.rows[0]!.provider_side).toEqual({ requests: null, input_tokens: null, output_tokens: null, cache_read_tokens: null, cost_usd: '0.6' });
  });

  it('the tolerance is the larger of the dollars and the percent of the provider amount; a difference equal to it matches', () => {
    expect(allowed(DEFAULT_TOLERANCE, new Big('1')).toString()).toBe('0.01');
    expect(allowed(DEFAULT_TOLERANCE, new Big('10')).toString()).toBe('0.05');
    expect(allowed(parseTolerance('2%'), new Big('-3')).toString()).toBe('0.06');
    const billed = (journalCost: string, amount: string): string | undefined => {
      const t = journal([call('2026-11-10', 'openai', 'gpt-4o', 1000, 100, journalCost)]);
      return statuses(run([page([usage('2026-11-10', 'gpt-4o', 1, 1000, 100), cost('2026-11-10', 'gpt-4o', amount)], ['usage', 'cost'], ['2026-11-10'])], t))[0];
    };
    // $1: the $0.01 applies.
    expect(billed('1', '1.01')).toBe('2026-11-10 gpt-4o: match');
    expect(billed('1', '1.0101')).toBe('2026-11-10 gpt-4o: price_drift');
    expect(billed('1', '0.99')).toBe('2026-11-10 gpt-4o: match');
    // $10: 0.5% of the provider's $10.05 is $0.05025.
    expect(billed('10', '10.05')).toBe('2026-11-10 gpt-4o: match');
    expect(billed('10', '10.06')).toBe('2026-11-10 gpt-4o: price_drift');
    expect(billed('10', '9.9')).toBe('2026-11-10 gpt-4o: price_drift');
  });

  it('counts decide before money: more requests or tokens at the provider is missing_calls even when the dollars agree', () => {
    const t = journal([call('2026-11-10', 'openai', 'gpt-4o', 1000, 100, '0.01'), call('2026-11-11', 'openai', 'gpt-4o', 1000, 100, '0.01')]);
    const r = run([page([usage('2026-11-10', 'gpt-4o', 2, 1000, 100), cost('2026-11-10', 'gpt-4o', '0.01'), usage('2026-11-11', 'gpt-4o', 1, 999, 100), cost('2026-11-11', 'gpt-4o', '0.01')], ['usage', 'cost'], ['2026-11-10', '2026-11-11'])], t);
    expect(statuses(r)).toEqual(['2026-11-10 gpt-4o: missing_calls', '2026-11-11 gpt-4o: unknown_to_provider']);
  });

  it("OpenAI cost lines that count their tokens (quantity) stand in for usage pages: the same tokens, another amount, is price_drift", () => {
    const t = journal([call('2026-11-10', 'openai', 'gpt-4o', 1000, 100, '0.0035')]);
    const q = (input: number, output: number) => ({ input_tokens: input, output_tokens: output, cache_read_tokens: 0 });
    const r = run([page([cost('2026-11-10', 'gpt-4o-2024-08-06', '0.003', { quantity: q(1000, 0) }), cost('2026-11-10', 'gpt-4o-2024-08-06', '0.002', { quantity: q(0, 100) })], ['cost'], ['2026-11-10'])], t, parseTolerance('0'));
    expect(statuses(r)).toEqual(['2026-11-10 gpt-4o: price_drift']);
    expect(r.rows[0]!.provider_side).toEqual({ requests: null, input_tokens: 1000, output_tokens: 100, cache_read_tokens: 0, cost_usd: '0.005' });
    expect(r.rows[0]!.diff_usd).toBe('0.0015');
  });

  it('a day whose token lines name no model is compared whole; other charges stay rows of their own', () => {
    const t = journal([call('2026-11-10', 'openai', 'gpt-4o', 1000, 100, '0.3'), call('2026-11-10', 'openai', 'gpt-4o-mini', 500, 50, '0.2'), call('2026-11-11', 'openai', 'gpt-4o', 10, 1, '0.1')]);
    const r = run([page([usage('2026-11-10', null, 2, 1500, 150), cost('2026-11-10', null, '0.5'), cost('2026-11-10', null, '0.07', { charge: 'other', label: 'web search tool calls' }), usage('2026-11-11', 'gpt-4o-2024-08-06', 1, 10, 1), cost('2026-11-11', 'gpt-4o-2024-08-06', '0.1')], ['usage', 'cost'], ['2026-11-10', '2026-11-11'])], t);
    expect(statuses(r)).toEqual(['2026-11-10 (all models): match', '2026-11-10 web search tool calls: other_charges', '2026-11-11 gpt-4o: match']);
    expect(r.rows[0]!.journal).toEqual({ calls: 2, input_tokens: 1500, output_tokens: 150, cache_read_tokens: 0, cost_usd: '0.5' });
    expect(r.summary.provider_side.other_charges_usd).toBe('0.07');
    expect(r.summary.diff_usd).toBe('0');
  });

  it("today and yesterday are provisional whatever they show; the journal's calls outside the reports' days are counted, not compared", () => {
    const t = journal([call('2026-11-19', 'openai', 'gpt-4o', 1000, 100, '1'), call('2026-11-01', 'openai', 'gpt-4o', 5, 5, '0.25'), call('2026-11-19', 'gemini', 'gemini-2.5-flash', 5, 5, '0.5'), call('2026-10-01', 'gemini', 'gemini-2.5-flash', 5, 5, '7')]);
    const r = run([page([], ['usage', 'cost'], ['2026-11-18', '2026-11-19', '2026-11-20'])], t, DEFAULT_TOLERANCE, { since: '2026-11-01' });
    expect(statuses(r)).toEqual(['2026-11-19 gpt-4o: provisional']);
    expect(r.summary.not_compared).toEqual({ calls: 2, cost_usd: '0.75' });
    expect(r.notices).toEqual(["1 journal call of openai is on days no openai report given covers: not compared", "1 journal call of gemini: tokj reads only OpenAI's and Anthropic's reports: not compared"]);
  });

  it("a row's journal cost is its token cost: tool fees (billed as their own lines) are summed apart; unpriced calls are counted", () => {
    const t = journal([call('2026-11-10', 'openai', 'gpt-4o', 1000, 100, '0.035', { token_cost_usd: '0.01', tool_cost_usd: '0.025', tool_calls: { web_search: 1 } }), call('2026-11-10', 'openai', 'gpt-4o', 10, 10, null)]);
    const r = run([page([usage('2026-11-10', 'gpt-4o', 2, 1010, 110), cost('2026-11-10', 'gpt-4o', '0.01')], ['usage', 'cost'], ['2026-11-10'])], t);
    expect(statuses(r)).toEqual(['2026-11-10 gpt-4o: match']);
    expect(r.summary.journal).toMatchObject({ cost_usd: '0.01', tool_fees_usd: '0.025', unpriced_calls: 1 });
  });

  it('a mapped dimension splits the rows of the providers whose reports have it, and only theirs', () => {
    const maps: DimensionMap[] = [{ dimension: 'project_id', label: 'project' }];
    const t = journal(
      [
        call('2026-11-10', 'openai', 'gpt-4o', 100, 10, '0.1', { labels: { project: 'proj_a' } }),
        call('2026-11-10', 'openai', 'gpt-4o', 200, 20, '0.2', { labels: {} }),
        call('2026-11-10', 'anthropic', 'claude-sonnet-4-5', 300, 30, '0.3', { labels: { project: 'proj_a' } }),
      ],
      maps,
    );
    const inProject = (f: UsageFact | CostFact, project: string | null) => ({ ...f, dims: { project_id: project } });
    const anthropic: Fact[] = [{ ...usage('2026-11-10', 'claude-sonnet-4-5-20250929', null, 300, 30), provider: 'anthropic' }, { ...cost('2026-11-10', 'claude-sonnet-4-5', '0.3'), provider: 'anthropic' }];
    const r = run(
      [
        page([inProject(usage('2026-11-10', 'gpt-4o', 1, 100, 10), 'proj_a'), inProject(cost('2026-11-10', 'gpt-4o', '0.1'), 'proj_a'), inProject(usage('2026-11-10', 'gpt-4o', 1, 200, 20), null), inProject(cost('2026-11-10', 'gpt-4o', '0.2'), null)], ['usage', 'cost'], ['2026-11-10']),
        page(anthropic, ['usage', 'cost'], ['2026-11-10'], 'anthropic'),
      ],
      t,
      DEFAULT_TOLERANCE,
      {},
      maps,
    );
    expect(r.rows.map((row) => [row.provider, row.model, row.dimensions, row.status])).toEqual([
      ['anthropic', 'claude-sonnet-4-5', undefined, 'match'],
      ['openai', 'gpt-4o', { project_id: 'proj_a' }, 'match'],
      ['openai', 'gpt-4o', { project_id: null }, 'match'],
    ]);
  });

  it('a day counts when its buckets cover all of it, overlapping buckets once; hourly buckets that stop mid-day do not', () => {
    const c = new Coverage();
    const h = 3_600_000;
    for (let i = 0; i < 24; i++) c.add({ provider: 'openai', kind: 'usage', start: at('2026-11-10') + i * h, end: at('2026-11-10') + (i + 1) * h });
    c.add({ provider: 'openai', kind: 'usage', start: at('2026-11-10'), end: at('2026-11-10') + DAY });
    for (let i = 0; i < 23; i++) c.add({ provider: 'openai', kind: 'usage', start: at('2026-11-11') + i * h, end: at('2026-11-11') + (i + 1) * h });
    const days = c.days('openai', 'usage');
    expect([...days.whole]).toEqual([at('2026-11-10') / DAY]);
    expect([...days.partial]).toEqual([at('2026-11-11') / DAY]);
    expect(c.days('openai', 'cost').whole.size).toBe(0);
  });
});
