/**
 * Folds ledger entries into the report's groups as they stream past: one pass, nothing but
 * per-group totals kept (memory grows with sessions and models, never with calls). This is
 * the hot loop of `tokj report`: after JSON.parse, a call's local day comes from a
 * per-hour cache, its cost is summed without big.js, and nothing else is allocated.
 */
import type { PeriodKind, WeekStart } from './calendar.js';
import { periodLabeller } from './calendar.js';
import { emptyFields, readCallFields, type CallFields } from './call-fields.js';
import { DecimalSum, parseCost } from '../core/decimal-sum.js';
import { parseMoney } from '../core/money.js';
import { parseLineObject } from '../ledger/record.js';
import { Tally, type TalliedCall } from './tally.js';
import { ToolFeeTotals } from './tool-fees.js';
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
export interface AgentNode {
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
  /**
   * Called for each counted call whose line has tool uses, a service tier or a batch flag,
   * with the parsed line and its fields (metrics count these per series). One pass only.
   */
  onBilledCall?: (entry: Record<string, unknown>, fields: CallFields) => void;
}

type Entry = Record<string, unknown>;

/** The tally of `key` in `map`, added when missing. */
export function tallyOf<K>(map: Map<K, Tally>, key: K): Tally {
  let t = map.get(key);
  if (t === undefined) map.set(key, (t = new Tally()));
  return t;
}

const bump = <K>(map: Map<K, Tally>, key: K, call: TalliedCall): void => tallyOf(map, key).add(call);

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
  readonly dayCosts = new Map<number, DecimalSum>();
  /** Earliest and latest local day among counted calls. */
  minDay = Infinity;
  maxDay = -Infinity;
  /** Lines that are not JSON, not ledger entries, or calls with unusable fields. */
  skipped = 0;

  /**
   * provider -> model -> agent -> the leaves every call is added to (aggregate-part.ts
   * exports and merges them; metrics read them per agent).
   */
  readonly tree = new Map<string, Map<string, Map<string | null, AgentNode>>>();
  /** Sessions whose status an end set (a later start does not undo it). */
  readonly ended = new Set<string>();
  private finished = false;
  private readonly sessionLabels = new Map<string, string>();
  private readonly label: (days: number) => string;
  private readonly since: number;
  private readonly until: number;
  private lastDay = NaN;
  private lastLabel = '';
  private lastPeriod: Tally | null = null;
  private lastSession: SessionTally | null = null;
  private lastSessionId = '';
  private lastCostDay = NaN;
  private lastDayCost: DecimalSum | null = null;
  /** The call being added: its line's fields, then its parsed cost (one object, refilled). */
  private readonly fields: CallFields & TalliedCall = { ...emptyFields(), priced: 0, slow: null };
  private readonly onBilledCall: AggregateOptions['onBilledCall'];

  constructor(readonly options: AggregateOptions) {
    this.label = periodLabeller(options.period === 'session' ? 'daily' : options.period, options.weekStart);
    this.since = options.sinceDay ?? -Infinity;
    this.until = options.untilDay ?? Infinity;
    this.onBilledCall = options.onBilledCall;
  }

  /**
   * One ledger line. (A hand-written reader of the canonical call line was tried in place
   * of JSON.parse: in JS it ran at about half V8's native parser's speed.)
   */
  consumeLine(line: string): void {
    const e = parseLineObject(line);
    if (e === null) {
      this.skipped++;
      return;
    }
    const type = e.type;
    if (type === 'call') {
      if (readCallFields(e, this.options.labelKey, this.fields)) {
        const counted = this.addCall(this.fields);
        // Rare fields, read only on the lines that have them.
        if (e.tool_cost_usd !== undefined || e.tool_calls !== undefined) this.toolFees.addLine(e.tool_cost_usd, e.tool_calls);
        if (counted && this.onBilledCall !== undefined && (e.tool_calls !== undefined || e.service_tier !== undefined || e.batch !== undefined)) this.onBilledCall(e, this.fields);
      } else this.skipped++;
    } else if (type === 'session_start') this.sessionStart(e);
    else if (type === 'session_end') this.sessionEnd(e);
    else this.skipped++;
  }

  /** Adds a call; false when it is not counted (out of range, or unusable). */
  private addCall(f: CallFields & TalliedCall): boolean {
    const day = this.options.zone.dayOf(f.timestamp);
    if (Number.isNaN(day)) {
      this.skipped++;
      return false;
    }
    if (day < this.since || day > this.until) return false;

    const cost = f.cost;
    if (cost === null) f.priced = 0;
    else if (parseCost(cost)) f.priced = 1;
    else {
      try {
        f.slow = parseMoney(cost);
        f.priced = 2;
      } catch {
        this.skipped++;
        return false;
      }
    }

    if (day < this.minDay) this.minDay = day;
    if (day > this.maxDay) this.maxDay = day;
    if (f.priced !== 0) {
      let d = this.lastDayCost;
      if (day !== this.lastCostDay || d === null) {
        d = this.dayCosts.get(day) ?? null;
        if (d === null) this.dayCosts.set(day, (d = new DecimalSum()));
        this.lastCostDay = day;
        this.lastDayCost = d;
      }
      if (f.priced === 1) d.addParsed();
      else d.addSlow(f.slow!);
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
    s.add(f);

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
      this.lastPeriod!.add(f);
    }

    let byModel = this.tree.get(f.provider);
    if (byModel === undefined) this.tree.set(f.provider, (byModel = new Map()));
    let byAgent = byModel.get(f.model);
    if (byAgent === undefined) byModel.set(f.model, (byAgent = new Map()));
    let a = byAgent.get(f.agent);
    if (a === undefined) byAgent.set(f.agent, (a = { operations: new Map(), large: null }));
    bump(a.operations, f.operation, f);
    if (f.input > LARGE_PROMPT_TOKENS) (a.large ??= new Tally()).add(f);

    // "N" or "N/M": parseInt reads the N.
    if (f.attempt !== null && Number.parseInt(f.attempt, 10) > 1) {
      this.retries.add(f);
      bump(this.retriesByModel, `${f.provider}/${f.model}`, f);
    }

    if (this.options.labelKey !== null) bump(this.labels, f.label ?? this.sessionLabels.get(f.session) ?? null, f);
    if (this.options.byTier) bump(this.tiers, f.tier, f);
    return true;
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
