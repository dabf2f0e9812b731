/**
 * The journal against the provider's reports, row by row. Rows are UTC day × provider ×
 * model key (model-names.ts) × the `--map` dimensions, on the days the reports wholly cover
 * (coverage.ts) within --since/--until. A day whose token lines name no model (a report not
 * grouped by model or line item) is compared whole, as one ALL_MODELS row; a line that is
 * not model tokens is an other_charges row of its own. The status rules, in order (the
 * README says the same):
 *
 * 1. other_charges — a provider line that is not model tokens.
 * 2. provisional — the day is today or yesterday (UTC): the provider's figures may change.
 * 3. missing_calls — the journal has no call in the row and the provider counted or billed
 *    something; or the provider counted more requests, input or output tokens than the
 *    journal recorded (counts are compared exactly).
 * 4. unknown_to_provider — the provider has nothing in the row, or counted fewer.
 * 5. price_drift — the counts agree but the amounts differ beyond the tolerance: the
 *    journal's prices are wrong. Without counts (cost reports only) such a difference cannot
 *    be told from missing or extra calls: a larger bill is missing_calls, a smaller one
 *    unknown_to_provider.
 * 6. match — otherwise.
 */
import Big from 'big.js';
import { moneyToString, ZERO, type Money } from '../core/money.js';
import { dateLabel, DAY_MS, parseDateLabel } from '../report/calendar.js';
import { Coverage } from './coverage.js';
import type { DimensionMap, JournalTally } from './journal-side.js';
import { displayModel, modelKey } from './model-names.js';
import { ALL_MODELS, type ProviderSide, type Row, type Status, type Summary, type Tolerance } from './result.js';
import { summarize } from './summarize.js';
import { DIMENSION_PROVIDERS, type BilledProvider, type Dims, type Fact, type FactKind, type ReportPage } from './types.js';

export interface CompareInput {
  pages: readonly ReportPage[];
  journal: JournalTally;
  maps: readonly DimensionMap[];
  /** Inclusive UTC dates, YYYY-MM-DD, or null. */
  since: string | null;
  until: string | null;
  tolerance: Tolerance;
  /** The UTC day number of now. */
  today: number;
}

export interface Comparison {
  since: string | null;
  until: string | null;
  providers: BilledProvider[];
  rows: Row[];
  summary: Summary;
  notices: string[];
}

/** Days before today still provisional: yesterday (and today). */
export const PROVISIONAL_DAYS = 1;

interface Acc {
  date: string;
  day: number;
  provider: BilledProvider;
  /** Model key, ALL_MODELS, or the other charge's label. */
  name: string;
  other: boolean;
  dims: Dims;
  journalNames: Set<string>;
  providerNames: Set<string>;
  calls: number;
  input: number;
  output: number;
  cacheRead: number;
  cost: Money;
  unpriced: number;
  pRequests: number;
  pInput: number;
  pOutput: number;
  pCacheRead: number;
  pCost: Money;
  /** Token cost lines, and the tokens their quantities count (null once one has none). */
  costLines: number;
  quantity: { input: number; output: number; cacheRead: number } | null;
}

export function compare(input: CompareInput): Comparison {
  const notices: string[] = [];
  const since = input.since === null ? null : parseDateLabel(input.since);
  const until = input.until === null ? null : parseDateLabel(input.until);
  const inRange = (day: number): boolean => (since === null || day >= since) && (until === null || day <= until);

  // Days each provider's reports answer for, by kind of figure.
  const coverage = new Coverage();
  for (const page of input.pages) for (const span of page.spans) coverage.add(span);
  const providers = coverage.providers();
  const covered = new Map<string, Set<number>>();
  for (const provider of providers) {
    for (const kind of ['usage', 'cost'] as const) {
      const { whole, partial } = coverage.days(provider, kind);
      covered.set(`${provider}\t${kind}`, new Set([...whole].filter(inRange)));
      const cut = [...partial].filter((d) => inRange(d) && !whole.has(d)).sort((a, b) => a - b);
      if (cut.length > 0) notices.push(`${provider} ${kind}: ${cut.map(dateLabel).join(', ')} ${cut.length === 1 ? 'is' : 'are'} only partly covered by the buckets given (a start time that is not midnight UTC, or hours missing): not compared`);
    }
  }
  const knows = (provider: BilledProvider, kind: FactKind, day: number): boolean => covered.get(`${provider}\t${kind}`)?.has(day) ?? false;
  const coveredDay = (provider: BilledProvider, day: number): boolean => knows(provider, 'usage', day) || knows(provider, 'cost', day);

  const facts: Array<Fact & { day: number }> = [];
  for (const page of input.pages) {
    for (const fact of page.facts) {
      const day = parseDateLabel(fact.date)!;
      if (knows(fact.provider, fact.kind, day)) facts.push({ ...fact, day });
    }
  }
  // A day with token lines of no model is compared whole.
  const whole = new Set(facts.filter((f) => (f.kind === 'usage' || f.charge === 'tokens') && f.model === null).map((f) => `${f.provider}\t${f.day}`));
  // A mapped dimension applies to the providers whose reports have it (project_id: OpenAI's).
  const dimsKey = (provider: BilledProvider, dims: Dims): Dims => Object.fromEntries(input.maps.filter((m) => DIMENSION_PROVIDERS[m.dimension].includes(provider)).map((m) => [m.dimension, dims[m.dimension] ?? null]));

  const accs = new Map<string, Acc>();
  const accFor = (provider: BilledProvider, day: number, name: string, other: boolean, dims: Dims): Acc => {
    const d = dimsKey(provider, dims);
    const key = `${day}\t${provider}\t${other ? 1 : 0}\t${name}\t${JSON.stringify(d)}`;
    let acc = accs.get(key);
    if (acc === undefined) {
      acc = { date: dateLabel(day), day, provider, name, other, dims: d, journalNames: new Set(), providerNames: new Set(), calls: 0, input: 0, output: 0, cacheRead: 0, cost: ZERO, unpriced: 0, pRequests: 0, pInput: 0, pOutput: 0, pCacheRead: 0, pCost: ZERO, costLines: 0, quantity: { input: 0, output: 0, cacheRead: 0 } };
      accs.set(key, acc);
    }
    return acc;
  };
  const tokenRow = (provider: BilledProvider, day: number, model: string | null, dims: Dims): Acc => {
    const name = whole.has(`${provider}\t${day}`) || model === null ? ALL_MODELS : modelKey(model);
    const acc = accFor(provider, day, name, false, dims);
    if (model !== null) acc.providerNames.add(model);
    return acc;
  };

  for (const f of facts) {
    if (f.kind === 'usage') {
      const acc = tokenRow(f.provider, f.day, f.model, f.dims);
      acc.pRequests += f.requests ?? 0;
      acc.pInput += f.input_tokens;
      acc.pOutput += f.output_tokens;
      acc.pCacheRead += f.cache_read_tokens;
    } else if (f.charge === 'other') {
      const acc = accFor(f.provider, f.day, f.label, true, f.dims);
      acc.pCost = acc.pCost.plus(f.amount);
    } else {
      const acc = tokenRow(f.provider, f.day, f.model, f.dims);
      acc.pCost = acc.pCost.plus(f.amount);
      acc.costLines++;
      if (f.quantity === null || acc.quantity === null) acc.quantity = null;
      else {
        acc.quantity.input += f.quantity.input_tokens;
        acc.quantity.output += f.quantity.output_tokens;
        acc.quantity.cacheRead += f.quantity.cache_read_tokens;
      }
    }
  }

  // The journal's calls on the covered days; the rest are counted as not compared.
  let notComparedCalls = 0;
  let notComparedCost = ZERO;
  const uncoveredDays = new Map<BilledProvider, number>();
  for (const cell of input.journal.cells.values()) {
    if (!inRange(cell.day)) continue;
    if (!coveredDay(cell.provider, cell.day)) {
      notComparedCalls += cell.calls;
      notComparedCost = notComparedCost.plus(cell.cost.toMoney());
      uncoveredDays.set(cell.provider, (uncoveredDays.get(cell.provider) ?? 0) + cell.calls);
      continue;
    }
    const name = whole.has(`${cell.provider}\t${cell.day}`) ? ALL_MODELS : cell.model;
    const acc = accFor(cell.provider, cell.day, name, false, cell.dims);
    for (const n of cell.names) acc.journalNames.add(n);
    acc.calls += cell.calls;
    acc.input += cell.input_tokens;
    acc.output += cell.output_tokens;
    acc.cacheRead += cell.cache_read_tokens;
    acc.cost = acc.cost.plus(cell.cost.toMoney());
    acc.unpriced += cell.unpriced_calls;
  }
  for (const [provider, calls] of [...uncoveredDays].sort()) {
    notices.push(`${calls} journal call${calls === 1 ? '' : 's'} of ${provider} ${calls === 1 ? 'is' : 'are'} on days no ${provider} report given covers${providers.includes(provider) ? '' : ' (no report of it was given)'}: not compared`);
  }
  const others = new Map<string, number>();
  for (const other of input.journal.otherProviders.values()) {
    if (!inRange(other.day)) continue;
    notComparedCalls += other.calls;
    notComparedCost = notComparedCost.plus(other.cost.toMoney());
    others.set(other.provider, (others.get(other.provider) ?? 0) + other.calls);
  }
  for (const [provider, calls] of [...others].sort(([a], [b]) => (a < b ? -1 : 1))) {
    notices.push(`${calls} journal call${calls === 1 ? '' : 's'} of ${provider}: tokj reads only OpenAI's and Anthropic's reports: not compared`);
  }

  let toolFees = ZERO;
  for (const [at, fees] of input.journal.toolFees) {
    const [date, provider] = at.split('\t') as [string, BilledProvider];
    if (coveredDay(provider, parseDateLabel(date)!)) toolFees = toolFees.plus(fees.toMoney());
  }

  // A model shows one name in every row: its one spelling, when both sides always used the same.
  const spellings = new Map<string, string[]>();
  for (const acc of accs.values()) {
    if (acc.other || acc.name === ALL_MODELS) continue;
    const key = `${acc.provider}\t${acc.name}`;
    spellings.set(key, [...(spellings.get(key) ?? []), ...acc.journalNames, ...acc.providerNames]);
  }
  const nameOf = (acc: Acc): string => (acc.other || acc.name === ALL_MODELS ? acc.name : displayModel(acc.name, spellings.get(`${acc.provider}\t${acc.name}`) ?? []));
  const rows = [...accs.values()].sort(rowOrder).map((acc) => toRow(acc, nameOf(acc), input, knows));
  const days = [...covered.values()].flatMap((s) => [...s]);
  return {
    since: input.since ?? (days.length > 0 ? dateLabel(Math.min(...days)) : null),
    until: input.until ?? (days.length > 0 ? dateLabel(Math.max(...days)) : null),
    providers,
    rows,
    summary: summarize(rows, { tolerance: input.tolerance, toolFees, notComparedCalls, notComparedCost }),
    notices,
  };
}

function rowOrder(a: Acc, b: Acc): number {
  const dims = (x: Acc): string => JSON.stringify(x.dims);
  return a.day - b.day || cmp(a.provider, b.provider) || Number(a.other) - Number(b.other) || cmp(a.name, b.name) || cmp(dims(a), dims(b));
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function toRow(acc: Acc, model: string, input: CompareInput, knows: (p: BilledProvider, k: FactKind, day: number) => boolean): Row {
  const usageKnown = knows(acc.provider, 'usage', acc.day);
  const costKnown = knows(acc.provider, 'cost', acc.day);
  // Counts: the usage reports, else the tokens the cost lines say they bill (OpenAI quantity).
  const fromQuantity = !usageKnown && costKnown && acc.costLines > 0 && acc.quantity !== null ? acc.quantity : null;
  const side: ProviderSide = acc.other
    ? { requests: null, input_tokens: null, output_tokens: null, cache_read_tokens: null, cost_usd: moneyToString(acc.pCost) }
    : {
        // Anthropic's reports count no requests.
        requests: usageKnown && acc.provider === 'openai' ? acc.pRequests : null,
        input_tokens: usageKnown ? acc.pInput : (fromQuantity?.input ?? null),
        output_tokens: usageKnown ? acc.pOutput : (fromQuantity?.output ?? null),
        cache_read_tokens: usageKnown ? acc.pCacheRead : (fromQuantity?.cacheRead ?? null),
        cost_usd: costKnown ? moneyToString(acc.pCost) : null,
      };
  const journal = { calls: acc.calls, input_tokens: acc.input, output_tokens: acc.output, cache_read_tokens: acc.cacheRead, cost_usd: moneyToString(acc.cost) };
  const row: Row = {
    date: acc.date,
    provider: acc.provider,
    model,
    status: acc.other ? 'other_charges' : acc.day >= input.today - PROVISIONAL_DAYS ? 'provisional' : judge(acc, side, input.tolerance),
    journal,
    provider_side: side,
    diff_usd: acc.other || side.cost_usd === null ? null : moneyToString(acc.pCost.minus(acc.cost)),
    spellings: { journal: [...acc.journalNames].sort(), provider: [...acc.providerNames].sort() },
    unpriced_calls: acc.unpriced,
  };
  if (Object.keys(acc.dims).length > 0) row.dimensions = acc.dims as Record<string, string | null>;
  return row;
}

/** The tolerance for a row: the larger of the dollar amount and the percent of the provider's amount. */
export function allowed(tolerance: Tolerance, providerCost: Money): Money {
  const byPercent = providerCost.abs().times(tolerance.percent).div(100);
  const usd = new Big(tolerance.usd);
  return byPercent.gt(usd) ? byPercent : usd;
}

/** Rules 3 to 6 of the header comment. */
function judge(acc: Acc, side: ProviderSide, tolerance: Tolerance): Status {
  const counts: Array<[number | null, number]> = [
    [side.requests, acc.calls],
    [side.input_tokens, acc.input],
    [side.output_tokens, acc.output],
  ];
  const known = counts.filter((c): c is [number, number] => c[0] !== null);
  const providerCost = side.cost_usd === null ? null : new Big(side.cost_usd);
  const providerHas = known.some(([p]) => p > 0) || (providerCost !== null && !providerCost.eq(0));
  if (acc.calls === 0) return providerHas ? 'missing_calls' : 'match';
  if (!providerHas) return 'unknown_to_provider';
  if (known.some(([p, j]) => p > j)) return 'missing_calls';
  if (known.some(([p, j]) => p < j)) return 'unknown_to_provider';
  if (providerCost === null) return 'match';
  const diff = providerCost.minus(acc.cost);
  if (diff.abs().lte(allowed(tolerance, providerCost))) return 'match';
  if (known.length > 0) return 'price_drift';
  return diff.gt(0) ? 'missing_calls' : 'unknown_to_provider';
}

/** The UTC day number of an instant. */
export const utcDayOf = (now: Date): number => Math.floor(now.getTime() / DAY_MS);
