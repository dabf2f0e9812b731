/**
 * The metrics tokj exposes, in OpenTelemetry terms (name, unit, kind, attributes); the
 * Prometheus and OTLP renderers only change the spelling. Names and attributes follow the
 * OpenTelemetry GenAI semantic conventions where they define one:
 *
 * - `gen_ai.client.token.usage` with `gen_ai.token.type` = `input` | `output`, the two values
 *   the conventions define. Input includes cache reads and writes and output includes
 *   reasoning (as `gen_ai.usage.input_tokens` / `output_tokens` do), so a sum over token
 *   types is the call's total. The conventions make it a histogram; the ledger's totals
 *   are exported as a cumulative monotonic sum.
 * - The parts are counters of their own, named after the conventions' usage attributes
 *   (`gen_ai.usage.cache_read.input_tokens`, `gen_ai.usage.cache_creation.input_tokens`,
 *   `gen_ai.usage.reasoning.output_tokens`): as extra token types they would be counted
 *   twice by any `sum`.
 * - Series attributes: `gen_ai.provider.name`, `gen_ai.request.model` (the model as
 *   recorded), `gen_ai.agent.name` (absent for calls without an agent); sessions are
 *   `gen_ai.conversation.id` ("session, thread").
 * - What the conventions do not cover (calls, cost, budgets) lives under `tokj.`.
 *
 * Values are decimal strings: token counts as integers, costs as the ledger's exact sums.
 */
import Big from 'big.js';
import { parseMoney } from '../core/money.js';
import type { LedgerAggregate, SeriesTotals } from './aggregate.js';

export type Attribute = readonly [key: string, value: string];

export interface MetricPoint {
  attributes: Attribute[];
  /** Decimal string: an integer for `int` metrics, an exact decimal for `double`. */
  value: string;
}

export interface MetricFamily {
  /** OpenTelemetry name, e.g. gen_ai.client.token.usage. */
  name: string;
  description: string;
  /** UCUM-style unit: {token}, USD, 1. */
  unit: string;
  /** counter: cumulative monotonic sum; gauge: a current value. */
  kind: 'counter' | 'gauge';
  valueType: 'int' | 'double';
  points: MetricPoint[];
}

export const ATTR = {
  provider: 'gen_ai.provider.name',
  model: 'gen_ai.request.model',
  agent: 'gen_ai.agent.name',
  tokenType: 'gen_ai.token.type',
  session: 'gen_ai.conversation.id',
  tool: 'gen_ai.tool.name',
  tier: 'tokj.service_tier',
} as const;

function seriesAttributes(s: SeriesTotals): Attribute[] {
  const attrs: Attribute[] = [
    [ATTR.provider, s.provider],
    [ATTR.model, s.model],
  ];
  if (s.agent !== null) attrs.push([ATTR.agent, s.agent]);
  return attrs;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** Calls without an agent sort first. */
const agentOrder = (s: SeriesTotals): string => (s.agent === null ? '' : `\u0001${s.agent}`);

function sortedSeries(aggregate: LedgerAggregate): SeriesTotals[] {
  return [...aggregate.series.values()].sort((a, b) => compare(a.provider, b.provider) || compare(a.model, b.model) || compare(agentOrder(a), agentOrder(b)));
}

function perSeries(series: SeriesTotals[], value: (s: SeriesTotals) => string | null): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const s of series) {
    const v = value(s);
    if (v !== null) points.push({ attributes: seriesAttributes(s), value: v });
  }
  return points;
}

/** An active session's budget and spend, as the derived state holds them (app/metrics.ts reads them). */
export interface ActiveSession {
  id: string;
  agent: string | null;
  budget_usd: string | null;
  cost_usd: string;
}

function utilization(s: ActiveSession): string | null {
  if (s.budget_usd === null) return null;
  const budget = parseMoney(s.budget_usd);
  if (budget.lte(0)) return null; // no meaningful ratio against a zero budget
  return parseMoney(s.cost_usd).div(budget).round(12, Big.roundHalfUp).toString();
}

/**
 * Tool uses and fees (`gen_ai.tool.name`, the conventions' attribute for a tool) and calls
 * by service tier; each family only when some call has it, so a journal without them
 * exports the same metrics as before.
 */
function billingFamilies(aggregate: LedgerAggregate): MetricFamily[] {
  const key = (s: { provider: string; model: string; agent: string | null }): string => `${s.provider}\u0000${s.model}\u0000${s.agent ?? ''}`;
  const byKey = <T extends { provider: string; model: string; agent: string | null }>(list: T[], extra: (t: T) => string): T[] =>
    list.sort((a, b) => compare(key(a), key(b)) || compare(extra(a), extra(b)));
  const attrs = (s: { provider: string; model: string; agent: string | null }): Attribute[] => [
    [ATTR.provider, s.provider],
    [ATTR.model, s.model],
    ...(s.agent === null ? [] : [[ATTR.agent, s.agent] as Attribute]),
  ];
  const tools = byKey([...aggregate.billing.tools.values()], (t) => t.tool);
  const tiers = byKey([...aggregate.billing.tiers.values()], (t) => t.tier);
  const families: MetricFamily[] = [];
  if (tools.length > 0) {
    families.push({ name: 'tokj.tool.calls', description: 'Server-side tool uses billed per use (web searches, code interpreter containers, …).', unit: '{call}', kind: 'counter', valueType: 'int', points: tools.map((t) => ({ attributes: [...attrs(t), [ATTR.tool, t.tool]], value: String(t.uses) })) });
    const priced = tools.filter((t) => t.priced);
    if (priced.length > 0) {
      families.push({ name: 'tokj.tool.cost', description: 'Tool fees in US dollars (part of tokj.cost).', unit: 'USD', kind: 'counter', valueType: 'double', points: priced.map((t) => ({ attributes: [...attrs(t), [ATTR.tool, t.tool]], value: t.fee.toString() })) });
    }
  }
  if (tiers.length > 0) {
    families.push({ name: 'tokj.tier.calls', description: 'Calls billed on a service tier other than the default, or as batch results (part of tokj.calls).', unit: '{call}', kind: 'counter', valueType: 'int', points: tiers.map((t) => ({ attributes: [...attrs(t), [ATTR.tier, t.tier]], value: String(t.calls) })) });
  }
  return families;
}

export function buildFamilies(aggregate: LedgerAggregate, sessions: ActiveSession[]): MetricFamily[] {
  const series = sortedSeries(aggregate);
  const tokenCounter = (name: string, description: string, field: 'cache_read_tokens' | 'cache_write_tokens' | 'reasoning_tokens'): MetricFamily => ({
    name,
    description,
    unit: '{token}',
    kind: 'counter',
    valueType: 'int',
    points: perSeries(series, (s) => String(s[field])),
  });
  const sessionAttrs = (s: ActiveSession): Attribute[] => [[ATTR.session, s.id], ...(s.agent === null ? [] : [[ATTR.agent, s.agent] as Attribute])];
  return [
    {
      name: 'gen_ai.client.token.usage',
      description: 'Tokens used by recorded model calls, by token type (input includes cache reads and writes, output includes reasoning).',
      unit: '{token}',
      kind: 'counter',
      valueType: 'int',
      points: series.flatMap((s) => [
        { attributes: [...seriesAttributes(s), [ATTR.tokenType, 'input'] as Attribute], value: String(s.input_tokens) },
        { attributes: [...seriesAttributes(s), [ATTR.tokenType, 'output'] as Attribute], value: String(s.output_tokens) },
      ]),
    },
    tokenCounter('gen_ai.usage.cache_read.input_tokens', 'Input tokens read from a prompt cache (part of the input tokens).', 'cache_read_tokens'),
    tokenCounter('gen_ai.usage.cache_creation.input_tokens', 'Input tokens written to a prompt cache (part of the input tokens).', 'cache_write_tokens'),
    tokenCounter('gen_ai.usage.reasoning.output_tokens', 'Output tokens spent on reasoning (part of the output tokens).', 'reasoning_tokens'),
    { name: 'tokj.calls', description: 'Recorded model calls.', unit: '{call}', kind: 'counter', valueType: 'int', points: perSeries(series, (s) => String(s.calls)) },
    {
      name: 'tokj.cost',
      description: 'Exact cost of the priced calls in US dollars; unpriced calls are counted apart (tokj.unpriced_calls), never as $0.',
      unit: 'USD',
      kind: 'counter',
      valueType: 'double',
      points: perSeries(series, (s) => (s.priced_calls > 0 ? s.cost.toString() : null)),
    },
    { name: 'tokj.unpriced_calls', description: 'Recorded calls on a model without a price (their cost is unknown).', unit: '{call}', kind: 'counter', valueType: 'int', points: perSeries(series, (s) => String(s.unpriced_calls)) },
    { name: 'tokj.estimated_calls', description: 'Recorded calls whose token counts were estimated by counting text.', unit: '{call}', kind: 'counter', valueType: 'int', points: perSeries(series, (s) => String(s.estimated_calls)) },
    { name: 'tokj.active_sessions', description: 'Sessions started and not yet finalized.', unit: '{session}', kind: 'gauge', valueType: 'int', points: [{ attributes: [], value: String(sessions.length) }] },
    {
      name: 'tokj.session.cost',
      description: 'Cost so far of each active session in US dollars (priced calls).',
      unit: 'USD',
      kind: 'gauge',
      valueType: 'double',
      points: sessions.map((s) => ({ attributes: sessionAttrs(s), value: s.cost_usd })),
    },
    {
      name: 'tokj.session.budget',
      description: 'Budget of each active session that has one, in US dollars.',
      unit: 'USD',
      kind: 'gauge',
      valueType: 'double',
      points: sessions.flatMap((s) => (s.budget_usd === null ? [] : [{ attributes: sessionAttrs(s), value: s.budget_usd }])),
    },
    {
      name: 'tokj.session.budget.utilization',
      description: 'Cost divided by budget of each active session with a budget above zero (1 = budget spent).',
      unit: '1',
      kind: 'gauge',
      valueType: 'double',
      points: sessions.flatMap((s) => {
        const u = utilization(s);
        return u === null ? [] : [{ attributes: sessionAttrs(s), value: u }];
      }),
    },
    ...billingFamilies(aggregate),
    { name: 'tokj.ledger.invalid_lines', description: 'Ledger lines that are not well-formed entries (see tokj doctor).', unit: '{line}', kind: 'gauge', valueType: 'int', points: [{ attributes: [], value: String(aggregate.invalidLines) }] },
  ];
}
