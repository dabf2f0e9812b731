/**
 * Folds ledger entries into the report's groups as they stream past: one pass, nothing but
 * per-group totals kept (memory grows with sessions and models, never with calls). This is
 * the hot loop of `tokj report`: after JSON.parse, a call's local day comes from a
 * per-hour cache, its cost is summed without big.js, and nothing else is allocated.
 */
import type { PeriodKind, WeekStart } from './calendar.js';
import { periodLabeller } from './calendar.js';
import { emptyFields, readCallFields, type CallFields } from './call-fields.js';
import { CostSum, parseCost, slowCost, type ExportedSum } from './cost-sum.js';
import { current, Tally, type ExportedTally } from './tally.js';
import { ToolFeeTotals, type ExportedToolFees } from './tool-fees.js';
import type { ZoneDays } from './zone.js';

/** A prompt above this many input tokens is "large" (the prompt-caching suggestion). */
export const LARGE_PROMPT_TOKENS = 2000;

export class ModelTally extends Tally {
  /** Calls with a large prompt, per agent. */
  readonly largeByAgent = new Map<string | null, Tally>();
  constructor(
    readonly provider: string,
    readonly model: string,
  ) {
    super();
  }
}

/** One agent's calls on one model: a tally per operation, and its large prompts. */
interface AgentNode {
  operations: Map<string | null, Tally>;
  large: Tally | null;
}

export class SessionTally extends Tally {
  first = '';
  last = '';
}

export interface AggregateOptions {
  zone: ZoneDays;
  period: PeriodKind;
  weekStart: WeekStart;
  /** Inclusive local day numbers; null for an open end. */
  sinceDay: number | null;
  untilDay: number | null;
  /** --by label:KEY */
  labelKey: string | null;
  /** --by tier: totals per service tier ('standard', 'flex', 'priority', 'batch', …). */
  byTier?: boolean;
}

type Entry = Record<string, unknown>;

/**
 * What an aggregator has gathered before finish(), as plain data: a worker thread's part
 * of the ledger (parallel.ts). Maps are lists of entries in insertion order, so parts
 * merged in ledger order keep the first-seen order one pass would have.
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


function bump<K>(map: Map<K, Tally>, key: K): void {
  let t = map.get(key);
  if (t === undefined) map.set(key, (t = new Tally()));
  t.add();
}

export class Aggregator {
  /**
   * A call is added to its period, its session and one leaf, provider -> model -> agent ->
   * operation; everything else is summed from those in finish() (fewer updates per call).
   * These four are complete after finish().
   */
  readonly total = new Tally();
  /** provider -> model -> totals. */
  readonly models = new Map<string, Map<string, ModelTally>>();
  readonly agents = new Map<string | null, Tally>();
  readonly operations = new Map<string | null, Tally>();
  /** Time periods by label (unused for session periods: `sessions` holds those). */
  readonly periods = new Map<string, Tally>();
  readonly sessions = new Map<string, SessionTally>();
  /** --by label:KEY: label value (null when absent) -> totals. */
  readonly labels = new Map<string | null, Tally>();
  /** --by tier: tier -> totals. */
  readonly tiers = new Map<string, Tally>();
  /** Tool fees inside the total, and the tool uses behind them. */
  readonly toolFees = new ToolFeeTotals();
  /** Calls whose attempt is N or N/M with N > 1, and the same per "provider/model". */
  readonly retries = new Tally();
  readonly retriesByModel = new Map<string, Tally>();
  readonly sessionStatus = new Map<string, string>();
  /** Cost per local day number, whatever the period (the report's chart shows every day). */
  readonly dayCosts = new Map<number, CostSum>();
  /** Earliest and latest local day among counted calls. */
  minDay = Infinity;
  maxDay = -Infinity;
  /** Lines that are not JSON, not ledger entries, or calls with unusable fields. */
  skipped = 0;

  private readonly tree = new Map<string, Map<string, Map<string | null, AgentNode>>>();
  private finished = false;
  private readonly sessionLabels = new Map<string, string>();
  /** Sessions whose status an end set (a later start does not undo it). */
  private readonly ended = new Set<string>();
  private readonly label: (days: number) => string;
  private readonly since: number;
  private readonly until: number;
  private lastDay = NaN;
  private lastLabel = '';
  private lastPeriod: Tally | null = null;
  private lastSession: SessionTally | null = null;
  private lastSessionId = '';
  private lastCostDay = NaN;
  private lastDayCost: CostSum | null = null;
  private readonly fields = emptyFields();

  constructor(private readonly options: AggregateOptions) {
    this.label = periodLabeller(options.period === 'session' ? 'daily' : options.period, options.weekStart);
    this.since = options.sinceDay ?? -Infinity;
    this.until = options.untilDay ?? Infinity;
  }

  /**
   * One ledger line. (A hand-written reader of the canonical call line was tried in place
   * of JSON.parse: in JS it ran at about half V8's native parser's speed.)
   */
  consumeLine(line: string): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.skipped++;
      return;
    }
    this.consume(value);
  }

  /** One parsed ledger line. */
  consume(value: unknown): void {
    if (typeof value !== 'object' || value === null) {
      this.skipped++;
      return;
    }
    const e = value as Entry;
    const type = e.type;
    if (type === 'call') {
      if (readCallFields(e, this.options.labelKey, this.fields)) {
        this.addCall(this.fields);
        // Rare fields, read only on the lines that have them.
        if (e.tool_cost_usd !== undefined || e.tool_calls !== undefined) this.toolFees.addLine(e.tool_cost_usd, e.tool_calls);
      } else this.skipped++;
    } else if (type === 'session_start') this.sessionStart(e);
    else if (type === 'session_end') this.sessionEnd(e);
    else this.skipped++;
  }

  private addCall(f: CallFields): void {
    const day = this.options.zone.dayOf(f.timestamp);
    if (Number.isNaN(day)) {
      this.skipped++;
      return;
    }
    if (day < this.since || day > this.until) return;

    const c = current;
    const cost = f.cost;
    if (cost === null) c.priced = 0;
    else if (parseCost(cost)) c.priced = 1;
    else {
      try {
        c.slow = slowCost(cost);
        c.priced = 2;
      } catch {
        this.skipped++;
        return;
      }
    }
    c.input = f.input;
    c.output = f.output;
    c.cacheRead = f.cacheRead;
    c.cacheWrite = f.cacheWrite;
    c.cacheWrite1h = f.cacheWrite1h;
    c.reasoning = f.reasoning;
    c.estimated = f.estimated;

    if (day < this.minDay) this.minDay = day;
    if (day > this.maxDay) this.maxDay = day;
    if (c.priced !== 0) {
      let d = this.lastDayCost;
      if (day !== this.lastCostDay || d === null) {
        d = this.dayCosts.get(day) ?? null;
        if (d === null) this.dayCosts.set(day, (d = new CostSum()));
        this.lastCostDay = day;
        this.lastDayCost = d;
      }
      if (c.priced === 1) d.addParsed();
      else d.addSlow(c.slow!);
    }

    const timestamp = f.timestamp;
    let s = this.lastSession;
    if (s === null || f.session !== this.lastSessionId) {
      s = this.sessions.get(f.session) ?? null;
      if (s === null) {
        this.sessions.set(f.session, (s = new SessionTally()));
        s.first = timestamp;
        s.last = timestamp;
      }
      this.lastSession = s;
      this.lastSessionId = f.session;
    }
    if (timestamp < s.first) s.first = timestamp;
    else if (timestamp > s.last) s.last = timestamp;
    s.add();

    if (this.options.period !== 'session') {
      if (day !== this.lastDay) {
        this.lastDay = day;
        const label = this.label(day);
        if (label !== this.lastLabel || this.lastPeriod === null) {
          this.lastLabel = label;
          let p = this.periods.get(label);
          if (p === undefined) this.periods.set(label, (p = new Tally()));
          this.lastPeriod = p;
        }
      }
      this.lastPeriod!.add();
    }

    let byModel = this.tree.get(f.provider);
    if (byModel === undefined) this.tree.set(f.provider, (byModel = new Map()));
    let byAgent = byModel.get(f.model);
    if (byAgent === undefined) byModel.set(f.model, (byAgent = new Map()));
    let a = byAgent.get(f.agent);
    if (a === undefined) byAgent.set(f.agent, (a = { operations: new Map(), large: null }));
    bump(a.operations, f.operation);
    if (f.input > LARGE_PROMPT_TOKENS) (a.large ??= new Tally()).add();

    // "N" or "N/M": parseInt reads the N.
    if (f.attempt !== null && Number.parseInt(f.attempt, 10) > 1) {
      this.retries.add();
      bump(this.retriesByModel, `${f.provider}/${f.model}`);
    }

    if (this.options.labelKey !== null) bump(this.labels, f.label ?? this.sessionLabels.get(f.session) ?? null);
    if (this.options.byTier) bump(this.tiers, f.tier);
  }

  /** Sums the leaves into total, models, agents and operations; once, after the last line. */
  finish(): this {
    if (this.finished) return this;
    this.finished = true;
    for (const s of this.sessions.values()) this.total.addTally(s);
    for (const [provider, byModel] of this.tree) {
      const models = new Map<string, ModelTally>();
      this.models.set(provider, models);
      for (const [model, byAgent] of byModel) {
        const m = new ModelTally(provider, model);
        models.set(model, m);
        for (const [agent, node] of byAgent) {
          let agentTally = this.agents.get(agent);
          if (agentTally === undefined) this.agents.set(agent, (agentTally = new Tally()));
          for (const [operation, t] of node.operations) {
            m.addTally(t);
            agentTally.addTally(t);
            let op = this.operations.get(operation);
            if (op === undefined) this.operations.set(operation, (op = new Tally()));
            op.addTally(t);
          }
          if (node.large !== null) m.largeByAgent.set(agent, node.large);
        }
      }
    }
    return this;
  }

  /** The part gathered so far (before finish()); --by label:KEY parts are not merged. */
  exportPart(): AggregatePart {
    if (this.options.labelKey !== null) throw new Error('a --by label report is gathered in one pass');
    const tree: AggregatePart['tree'] = [];
    for (const [provider, byModel] of this.tree) {
      for (const [model, byAgent] of byModel) {
        for (const [agent, node] of byAgent) tree.push([provider, model, agent, [...node.operations].map(([op, t]) => [op, t.exportTally()]), node.large?.exportTally() ?? null]);
      }
    }
    return {
      sessions: [...this.sessions].map(([id, t]) => [id, t.first, t.last, t.exportTally()]),
      periods: [...this.periods].map(([label, t]) => [label, t.exportTally()]),
      tree,
      retries: this.retries.exportTally(),
      retriesByModel: [...this.retriesByModel].map(([k, t]) => [k, t.exportTally()]),
      sessionStatus: [...this.sessionStatus].map(([id, status]) => [id, status, this.ended.has(id)]),
      minDay: this.minDay,
      maxDay: this.maxDay,
      skipped: this.skipped,
      toolFees: this.toolFees.exportFees(),
      tiers: [...this.tiers].map(([k, t]) => [k, t.exportTally()]),
      dayCosts: [...this.dayCosts].map(([day, sum]) => [day, sum.exportSum()]),
    };
  }

  /**
   * Adds a part gathered from the ledger lines that follow everything added so far: the
   * result is what one pass over both would have gathered.
   */
  mergePart(part: AggregatePart): void {
    this.toolFees.merge(part.toolFees);
    for (const [tier, tally] of part.tiers) {
      let t = this.tiers.get(tier);
      if (t === undefined) this.tiers.set(tier, (t = new Tally()));
      t.addExported(tally);
    }
    for (const [id, first, last, tally] of part.sessions) {
      let s = this.sessions.get(id);
      if (s === undefined) {
        this.sessions.set(id, (s = new SessionTally()));
        s.first = first;
        s.last = last;
      } else {
        if (first < s.first) s.first = first;
        if (last > s.last) s.last = last;
      }
      s.addExported(tally);
    }
    for (const [label, tally] of part.periods) {
      let p = this.periods.get(label);
      if (p === undefined) this.periods.set(label, (p = new Tally()));
      p.addExported(tally);
    }
    for (const [provider, model, agent, operations, large] of part.tree) {
      let byModel = this.tree.get(provider);
      if (byModel === undefined) this.tree.set(provider, (byModel = new Map()));
      let byAgent = byModel.get(model);
      if (byAgent === undefined) byModel.set(model, (byAgent = new Map()));
      let a = byAgent.get(agent);
      if (a === undefined) byAgent.set(agent, (a = { operations: new Map(), large: null }));
      for (const [op, tally] of operations) {
        let t = a.operations.get(op);
        if (t === undefined) a.operations.set(op, (t = new Tally()));
        t.addExported(tally);
      }
      if (large !== null) (a.large ??= new Tally()).addExported(large);
    }
    this.retries.addExported(part.retries);
    for (const [key, tally] of part.retriesByModel) {
      let t = this.retriesByModel.get(key);
      if (t === undefined) this.retriesByModel.set(key, (t = new Tally()));
      t.addExported(tally);
    }
    // As in one pass: a start marks a session active unless its status is known; an end sets it.
    for (const [id, status, ended] of part.sessionStatus) {
      if (ended) {
        this.sessionStatus.set(id, status);
        this.ended.add(id);
      } else if (!this.sessionStatus.has(id)) this.sessionStatus.set(id, status);
    }
    for (const [day, sum] of part.dayCosts) {
      let d = this.dayCosts.get(day);
      if (d === undefined) this.dayCosts.set(day, (d = new CostSum()));
      d.addExportedSum(sum);
    }
    if (part.minDay < this.minDay) this.minDay = part.minDay;
    if (part.maxDay > this.maxDay) this.maxDay = part.maxDay;
    this.skipped += part.skipped;
  }

  private sessionStart(e: Entry): void {
    if (typeof e.session !== 'string') {
      this.skipped++;
      return;
    }
    if (!this.sessionStatus.has(e.session)) this.sessionStatus.set(e.session, 'active');
    const key = this.options.labelKey;
    const labels = e.labels;
    if (key !== null && typeof labels === 'object' && labels !== null) {
      const v = (labels as Record<string, unknown>)[key];
      if (typeof v === 'string') this.sessionLabels.set(e.session, v);
    }
  }

  private sessionEnd(e: Entry): void {
    if (typeof e.session !== 'string') {
      this.skipped++;
      return;
    }
    this.sessionStatus.set(e.session, typeof e.status === 'string' ? e.status : 'ended');
    this.ended.add(e.session);
  }
}
