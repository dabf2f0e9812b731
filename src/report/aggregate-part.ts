/**
 * An aggregator's gatherings as plain data, and back: a worker thread reads its pieces of
 * the ledger into an aggregator and hands over the part (parallel.ts), and the parts are
 * merged in ledger order into one aggregator, which then holds what one pass over the whole
 * ledger would have gathered (test/report/threads.test.ts holds the two to the same report).
 */
import { tallyOf, type Aggregator, type AgentNode, SessionTally } from './aggregate.js';
import { Tally, type ExportedTally } from './tally.js';
import { DecimalSum, type ExportedSum } from '../core/decimal-sum.js';
import type { ExportedToolFees } from './tool-fees.js';

/**
 * What an aggregator has gathered before finish(). Maps are lists of entries in insertion
 * order, so parts merged in ledger order keep the first-seen order one pass would have.
 */
export interface AggregatePart {
  sessions: Array<[id: string, first: string, last: string, tally: ExportedTally]>;
  periods: Array<[label: string, tally: ExportedTally]>;
  tree: Array<[provider: string, model: string, agent: string | null, operations: Array<[string | null, ExportedTally]>, large: ExportedTally | null]>;
  retries: ExportedTally;
  retriesByModel: Array<[string, ExportedTally]>;
  /** Sessions seen starting or ending: the status, and whether an end set it. */
  sessionStatus: Array<[id: string, status: string, ended: boolean]>;
  minDay: number;
  maxDay: number;
  skipped: number;
  toolFees: ExportedToolFees;
  tiers: Array<[string, ExportedTally]>;
  dayCosts: Array<[day: number, sum: ExportedSum]>;
}

const exported = <K>(map: Map<K, Tally>): Array<[K, ExportedTally]> => [...map].map(([k, t]) => [k, t.exportTally()]);

/** The part gathered so far (before finish()); --by label:KEY parts are not merged. */
export function exportPart(agg: Aggregator): AggregatePart {
  if (agg.options.labelKey !== null) throw new Error('a --by label report is gathered in one pass');
  const tree: AggregatePart['tree'] = [];
  for (const [provider, byModel] of agg.tree) {
    for (const [model, byAgent] of byModel) {
      for (const [agent, node] of byAgent) tree.push([provider, model, agent, exported(node.operations), node.large?.exportTally() ?? null]);
    }
  }
  return {
    sessions: [...agg.sessions].map(([id, t]) => [id, t.first, t.last, t.exportTally()]),
    periods: exported(agg.periods),
    tree,
    retries: agg.retries.exportTally(),
    retriesByModel: exported(agg.retriesByModel),
    sessionStatus: [...agg.sessionStatus].map(([id, status]) => [id, status, agg.ended.has(id)]),
    minDay: agg.minDay,
    maxDay: agg.maxDay,
    skipped: agg.skipped,
    toolFees: agg.toolFees.exportFees(),
    tiers: exported(agg.tiers),
    dayCosts: [...agg.dayCosts].map(([day, sum]) => [day, sum.exportSum()]),
  };
}

/**
 * Adds a part gathered from the ledger lines that follow everything `agg` holds: the result
 * is what one pass over both would have gathered.
 */
export function mergePart(agg: Aggregator, part: AggregatePart): void {
  agg.toolFees.merge(part.toolFees);
  for (const [tier, tally] of part.tiers) tallyOf(agg.tiers, tier).addExported(tally);
  for (const [day, sum] of part.dayCosts) {
    let d = agg.dayCosts.get(day);
    if (d === undefined) agg.dayCosts.set(day, (d = new DecimalSum()));
    d.addExportedSum(sum);
  }
  for (const [id, first, last, tally] of part.sessions) {
    let s = agg.sessions.get(id);
    if (s === undefined) {
      agg.sessions.set(id, (s = new SessionTally()));
      s.first = first;
      s.last = last;
    } else {
      if (first < s.first) s.first = first;
      if (last > s.last) s.last = last;
    }
    s.addExported(tally);
  }
  for (const [label, tally] of part.periods) tallyOf(agg.periods, label).addExported(tally);
  for (const [provider, model, agent, operations, large] of part.tree) {
    let byModel = agg.tree.get(provider);
    if (byModel === undefined) agg.tree.set(provider, (byModel = new Map()));
    let byAgent = byModel.get(model);
    if (byAgent === undefined) byModel.set(model, (byAgent = new Map()));
    let a: AgentNode | undefined = byAgent.get(agent);
    if (a === undefined) byAgent.set(agent, (a = { operations: new Map(), large: null }));
    for (const [op, tally] of operations) tallyOf(a.operations, op).addExported(tally);
    if (large !== null) (a.large ??= new Tally()).addExported(large);
  }
  agg.retries.addExported(part.retries);
  for (const [key, tally] of part.retriesByModel) tallyOf(agg.retriesByModel, key).addExported(tally);
  // As in one pass: a start marks a session active unless its status is known; an end sets it.
  for (const [id, status, ended] of part.sessionStatus) {
    if (ended) {
      agg.sessionStatus.set(id, status);
      agg.ended.add(id);
    } else if (!agg.sessionStatus.has(id)) agg.sessionStatus.set(id, status);
  }
  if (part.minDay < agg.minDay) agg.minDay = part.minDay;
  if (part.maxDay > agg.maxDay) agg.maxDay = part.maxDay;
  agg.skipped += part.skipped;
}
