/**
 * The pure model of two machines keeping one journal, and what each view must show.
 *
 * Nothing here runs the product or imports its code: the model is a list of ledger entries
 * per host (what each machine appended, in order), how much of host B's ledger host A has
 * pulled, and the markers people typed into A's files. Every expected table row and list item
 * is derived from those entries with the formatting rules written out below (read from
 * src/views/format.ts and src/core/money.ts, re-implemented, never called).
 *
 * The one value taken from the product is each call's cost: pricing is not under test here,
 * so the cost comes from `record --json`, `auto-collect --json` or the ledger line.
 */
import Big from 'big.js';

// ---------------------------------------------------------------------------------------
// Hosts, clock, entries

export type Host = 'A' | 'B';
export const HOSTS: readonly Host[] = ['A', 'B'];
/** TOKJ_HOST of each machine: it names the ledger segments (YYYY-MM.<label>.jsonl). */
export const HOST_LABEL: Record<Host, string> = { A: 'hosta', B: 'hostb' };

export interface ProviderModel {
  provider: string;
  model: string;
}

export type Status = 'active' | 'completed' | 'failed';

export interface StartEntry {
  kind: 'start';
  host: Host;
  session: string;
  timestamp: string;
  provider: string | null;
  model: string | null;
}

export interface CallEntry {
  kind: 'call';
  host: Host;
  session: string;
  timestamp: string;
  provider: string;
  model: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
  note: string | null;
  attempt: string | null;
  requestId: string | null;
  /** Exact decimal string from the product (pricing is not under test), null = unpriced. */
  cost: string | null;
  /** What the bill holds beyond tokens, as the product's --json record says (absent: nothing). */
  bill?: Bill;
}

/** The optional billing fields of a call record (README, Costs): taken from the product like the cost. */
export interface Bill {
  tier: string | null;
  tools: Record<string, number> | null;
  toolCost: string | null;
  subCalls: Array<{ model: string; cost: string }>;
}

/** The billing fields of a `--json` record line, or undefined when it has none. */
export function billOf(p: Record<string, unknown>): Bill | undefined {
  const tier = p.batch === true ? 'batch' : typeof p.service_tier === 'string' ? p.service_tier : null;
  const tools = (p.tool_calls as Record<string, number> | undefined) ?? null;
  const toolCost = (p.tool_cost_usd as string | undefined) ?? null;
  const subCalls = ((p.sub_calls as Array<{ model: string; cost_usd: string }> | undefined) ?? []).map((c) => ({ model: c.model, cost: c.cost_usd }));
  return tier === null && tools === null && toolCost === null && subCalls.length === 0 ? undefined : { tier, tools, toolCost, subCalls };
}

export interface EndEntry {
  kind: 'end';
  host: Host;
  session: string;
  timestamp: string;
  status: Exclude<Status, 'active'>;
  notes: string | null;
  errors: string[];
}

export type Entry = StartEntry | CallEntry | EndEntry;

/** A line a person typed into one of A's files; it must stay there, exactly once. */
export interface Marker {
  /** Path relative to .ai_workflow. */
  file: string;
  text: string;
  where: string;
}

export interface World {
  /** The model clock (ms since the epoch); host B runs skewMs ahead of it (or behind). */
  clockMs: number;
  skewMs: number;
  /** Each host's own ledger, in append order. */
  ledger: Record<Host, Entry[]>;
  /** How many of B's entries host A holds (the prefix copied by the last pull). */
  pulled: number;
  journalExists: Record<Host, boolean>;
  /**
   * A's views lag its ledger until the next tokj command on A: after a pull (README: "any
   * command also replays the merged lines") nothing has rendered B's lines yet.
   */
  viewsBehind: boolean;
  /** monitoring/.state was deleted and no tokj command has run on A since. */
  stateMissing: boolean;
  markers: Marker[];
  /** TOKJ_NOW values already used for a generated session id (the id derives from it). */
  generatedStamps: string[];
  /** Request id each fixture payload carries, learned when it was first collected. */
  fixtureRequestIds: Record<string, string | null>;
  counters: Record<string, number>;
}

export function newWorld(startIso: string, skewSeconds: number): World {
  return {
    clockMs: Date.parse(startIso),
    skewMs: skewSeconds * 1000,
    ledger: { A: [], B: [] },
    pulled: 0,
    journalExists: { A: false, B: false },
    viewsBehind: false,
    stateMissing: false,
    markers: [],
    generatedStamps: [],
    fixtureRequestIds: {},
    counters: {},
  };
}

/** The next number of a named counter (session ids, markers, request ids): 1, 2, … */
export function nextNumber(world: World, name: string): number {
  world.counters[name] = (world.counters[name] ?? 0) + 1;
  return world.counters[name]!;
}

export function peekNumber(world: World, name: string): number {
  return (world.counters[name] ?? 0) + 1;
}

/** What TOKJ_NOW a host's clock shows `aheadSeconds` after the model clock. */
export function nowOn(world: World, host: Host, aheadSeconds = 0): string {
  return new Date(world.clockMs + aheadSeconds * 1000 + (host === 'B' ? world.skewMs : 0)).toISOString();
}

export function advance(world: World, seconds: number): void {
  world.clockMs += seconds * 1000;
}

// ---------------------------------------------------------------------------------------
// What a host's journal holds

/** An entry with where it sits: its host and its index in that host's ledger. */
export interface Placed<E extends Entry = Entry> {
  entry: E;
  position: number;
}

/** The entries a host's journal holds: its own, and for A the part of B's it pulled. */
export function visibleEntries(world: World, host: Host): Placed[] {
  const own = (h: Host, n: number): Placed[] => world.ledger[h].slice(0, n).map((entry, position) => ({ entry, position }));
  return host === 'A' ? [...own('A', world.ledger.A.length), ...own('B', world.pulled)] : own('B', world.ledger.B.length);
}

export interface SessionModel {
  id: string;
  host: Host;
  started: string;
  provider: string | null;
  model: string | null;
  status: Status;
  ended: string | null;
  notes: string | null;
  errors: string[];
  /** In the intended order: by timestamp, ties by host label, then by ledger position. */
  calls: CallEntry[];
}

export interface JournalModel {
  /** In the intended order: by start time, ties by session id. */
  sessions: SessionModel[];
}

const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function callOrder(a: Placed<CallEntry>, b: Placed<CallEntry>): number {
  return byCode(a.entry.timestamp, b.entry.timestamp) || byCode(HOST_LABEL[a.entry.host], HOST_LABEL[b.entry.host]) || a.position - b.position;
}

/** Replays the entries a host holds into sessions and their calls, in the intended order. */
export function journalOf(world: World, host: Host): JournalModel {
  const sessions = new Map<string, SessionModel>();
  const calls = new Map<string, Array<Placed<CallEntry>>>();
  const placed = visibleEntries(world, host);
  for (const { entry } of placed) {
    if (entry.kind !== 'start') continue;
    sessions.set(entry.session, { id: entry.session, host: entry.host, started: entry.timestamp, provider: entry.provider, model: entry.model, status: 'active', ended: null, notes: null, errors: [], calls: [] });
  }
  for (const p of placed) {
    const { entry } = p;
    const s = sessions.get(entry.session);
    if (!s) throw new Error(`model: ${entry.kind} of unknown session ${entry.session}`);
    if (entry.kind === 'call') calls.set(s.id, [...(calls.get(s.id) ?? []), p as Placed<CallEntry>]);
    else if (entry.kind === 'end') Object.assign(s, { status: entry.status, ended: entry.timestamp, notes: entry.notes, errors: entry.errors });
  }
  for (const s of sessions.values()) s.calls = (calls.get(s.id) ?? []).sort(callOrder).map((p) => p.entry);
  const ordered = [...sessions.values()].sort((a, b) => byCode(a.started, b.started) || byCode(a.id, b.id));
  return { sessions: ordered };
}

/** Sessions a host started itself, in its ledger order (commands pick their target here). */
export function ownSessions(world: World, host: Host): SessionModel[] {
  const mine = new Set(world.ledger[host].filter((e) => e.kind === 'start').map((e) => e.session));
  const all = journalOf(world, host).sessions.filter((s) => mine.has(s.id));
  const order = world.ledger[host].filter((e): e is StartEntry => e.kind === 'start').map((e) => e.session);
  return order.map((id) => all.find((s) => s.id === id)!);
}

export function activeSessions(world: World, host: Host): SessionModel[] {
  return ownSessions(world, host).filter((s) => s.status === 'active');
}

/** Every session id any host has started (ids must stay unique across machines). */
export function allSessionIds(world: World): Set<string> {
  return new Set(HOSTS.flatMap((h) => world.ledger[h].filter((e) => e.kind === 'start').map((e) => e.session)));
}

/** Request ids a host's journal already holds: a payload carrying one is not recorded again. */
export function knownRequestIds(world: World, host: Host): Set<string> {
  return new Set(
    visibleEntries(world, host)
      .map((p) => p.entry)
      .filter((e): e is CallEntry => e.kind === 'call' && e.requestId !== null)
      .map((e) => e.requestId!),
  );
}

// ---------------------------------------------------------------------------------------
// Totals (exact: big.js, never floats)

/** A big.js constructor of our own, with the product's settings (DP 30, half-up, no exponents). */
const D = Big();
D.DP = 30;
D.RM = 1;
D.NE = -1e6;
D.PE = 1e6;

export interface Totals {
  calls: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
  total: number;
  cost: Big;
  unpriced: number;
}

export function totalsOf(calls: CallEntry[]): Totals {
  const t: Totals = { calls: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: 0, cost: new D(0), unpriced: 0 };
  for (const c of calls) {
    t.calls += 1;
    t.input += c.input;
    t.output += c.output;
    t.cacheRead += c.cacheRead;
    t.cacheWrite += c.cacheWrite;
    t.reasoning += c.reasoning;
    t.total += c.input + c.output;
    if (c.cost === null) t.unpriced += 1;
    else t.cost = t.cost.plus(new D(c.cost));
  }
  return t;
}

/** The exact decimal string of a sum, as the ledger and `report --format json` write it. */
export const exactString = (b: Big): string => new D(b).toString();

export function allCalls(journal: JournalModel): CallEntry[] {
  return journal.sessions.flatMap((s) => s.calls);
}

// ---------------------------------------------------------------------------------------
// Formatting rules of the markdown (src/views/format.ts, src/core/money.ts), written out

/** 1500 -> "1,500". */
export function formatCount(n: number): string {
  const digits = String(Math.abs(Math.trunc(n)));
  return (n < 0 ? '-' : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Money for people: at a dollar and above, cents ("$1,234.57"); below, four significant
 * digits half-up with at least two decimals ("$0.01175", "$0.50"); zero is "$0.00".
 */
export function formatUsd(value: Big | string): string {
  const m = new D(value);
  const abs = m.abs();
  let text: string;
  if (abs.eq(0)) text = '0.00';
  else if (abs.gte(1)) text = abs.round(2, 1).toFixed(2);
  else {
    const rounded = abs.prec(4, 1);
    if (rounded.gte(1)) text = abs.round(2, 1).toFixed(2);
    else {
      text = rounded.toFixed();
      if ((text.split('.')[1] ?? '').length < 2) text = rounded.toFixed(2);
    }
  }
  const [int = '0', frac] = text.split('.');
  return `${m.lt(0) ? '-' : ''}$${formatCount(Number(int))}${frac === undefined ? '' : `.${frac}`}`;
}

/** "$0.0209", or "$0.0209 + 2 unpriced calls" when some calls had no price. */
export function totalCostText(t: Totals): string {
  const base = formatUsd(t.cost);
  return t.unpriced === 0 ? base : `${base} + ${formatCount(t.unpriced)} unpriced call${t.unpriced === 1 ? '' : 's'}`;
}

/**
 * Money in a table's cost column: four decimals, half up ("$0.0118", "$12.3400"); an amount
 * above zero that rounds to nothing is "<$0.0001".
 */
export function formatUsdCell(value: Big | string): string {
  const m = new D(value);
  const rounded = m.round(4, 1);
  if (rounded.eq(0) && m.gt(0)) return '<$0.0001';
  const [int = '0', frac] = rounded.abs().toFixed(4).split('.');
  return `${rounded.lt(0) ? '-' : ''}$${formatCount(Number(int))}.${frac}`;
}

/** totalCostText in a table's cost column. */
function totalCostCell(t: Totals): string {
  const base = formatUsdCell(t.cost);
  return t.unpriced === 0 ? base : `${base} + ${formatCount(t.unpriced)} unpriced call${t.unpriced === 1 ? '' : 's'}`;
}

/** A cost cell of a group: "n/a" when every call of it was unpriced. */
function groupCostText(t: Totals): string {
  return t.calls > 0 && t.unpriced === t.calls ? 'n/a' : totalCostCell(t);
}

export const costCell = (cost: string | null): string => (cost === null ? 'n/a' : formatUsdCell(cost));

/** "2026-11-24T13:05:01.000Z" -> "2026-11-24 13:05:01 UTC". */
export const timeText = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

export const averageCount = (total: number, n: number): string => (n === 0 ? 'n/a' : formatCount(Math.round(total / n)));

export function percentText(part: Big | number, whole: Big | number): string {
  const w = new D(whole);
  return w.eq(0) ? 'n/a' : `${new D(part).times(100).div(w).toFixed(1)}%`;
}

export function durationText(fromIso: string, toIso: string): string {
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (!Number.isFinite(ms) || ms < 0) return 'n/a';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h ${m}m ${sec}s` : m > 0 ? `${m}m ${sec}s` : `${sec}s`;
}

/**
 * How free text reads back from a table cell or list item: one line (the tool turns
 * newlines into spaces; README "Hostile text"), surrounding spaces trimmed by the parser.
 */
export const shown = (value: string): string => value.replace(/\r\n|\r|\n/g, ' ').trim();

// ---------------------------------------------------------------------------------------
// What the main journal must show

export type Items = Array<[label: string, value: string]>;

export interface ExpectedJournal {
  /** Usage Summary body rows, the TOTAL row last. */
  summary: string[][];
  /** The Total Estimated Cost paragraph, as read. */
  totalCost: string;
  /** A row per session, in the intended order (no one table holds them all: see recent and months). */
  log: string[][];
  /** Recent Sessions body rows: the last RECENT_SESSIONS of the log. */
  recent: string[][];
  /** Monthly Summary body rows, newest month first. */
  monthSummary: string[][];
  /** Per UTC month of a session's start: its month log's Month Total and Detailed Usage Log rows. */
  months: Record<string, { total: string; log: string[][] }>;
  /** Usage Analysis items the model can tell (Most Expensive Model is left out: ties). */
  analysis: Items;
}

interface ModelGroup extends ProviderModel {
  calls: CallEntry[];
  sessions: Set<string>;
}

/** Calls grouped by provider and model, in the order their first call comes. */
function byModel(calls: Array<{ call: CallEntry; session: string }>): ModelGroup[] {
  const groups = new Map<string, ModelGroup>();
  for (const { call, session } of calls) {
    const key = `${call.provider}\u0000${call.model}`;
    const g = groups.get(key) ?? { provider: call.provider, model: call.model, calls: [], sessions: new Set<string>() };
    g.calls.push(call);
    g.sessions.add(session);
    groups.set(key, g);
  }
  return [...groups.values()];
}

function logModelText(s: SessionModel): string {
  const models = byModel(s.calls.map((call) => ({ call, session: s.id })));
  const first = models[0];
  if (models.length > 1) return `${s.provider ?? first!.provider}/${s.model ?? first!.model} +${models.length - 1} more`;
  if (first) return `${first.provider}/${first.model}`;
  return `${s.provider ?? 'n/a'}/${s.model ?? 'n/a'}`;
}

/** The main journal lists this many of the latest sessions (README: Files). */
export const RECENT_SESSIONS = 20;

/** A session is listed in the log of the UTC month it started in. */
const monthOf = (s: SessionModel): string => new Date(Date.parse(s.started)).toISOString().slice(0, 7);

export function expectedJournal(journal: JournalModel): ExpectedJournal {
  const everything = journal.sessions.flatMap((s) => s.calls.map((call) => ({ call, session: s.id })));
  const models = byModel(everything).sort((a, b) => byCode(a.provider, b.provider) || byCode(a.model, b.model));
  const summary = models.map((m) => {
    const t = totalsOf(m.calls);
    return [m.provider, m.model, formatCount(m.sessions.size), formatCount(t.calls), formatCount(t.input), formatCount(t.output), formatCount(t.total), averageCount(t.total, t.calls), groupCostText(t)];
  });
  const t = totalsOf(allCalls(journal));
  const n = journal.sessions.length;
  summary.push(['TOTAL', '', formatCount(n), formatCount(t.calls), formatCount(t.input), formatCount(t.output), formatCount(t.total), averageCount(t.total, t.calls), totalCostCell(t)]);
  const log = journal.sessions.map((s) => {
    const st = totalsOf(s.calls);
    return [s.id, timeText(s.started), s.status, logModelText(s), formatCount(st.calls), formatCount(st.total), groupCostText(st)];
  });
  const months: ExpectedJournal['months'] = {};
  const monthSummary: string[][] = [];
  for (const month of [...new Set(journal.sessions.map(monthOf))].sort().reverse()) {
    const sessions = journal.sessions.filter((s) => monthOf(s) === month);
    const mt = totalsOf(sessions.flatMap((s) => s.calls));
    const plural = (k: number, word: string): string => `${formatCount(k)} ${word}${k === 1 ? '' : 's'}`;
    months[month] = {
      total: `Month Total: ${plural(sessions.length, 'session')}, ${plural(mt.calls, 'call')}, ${formatCount(mt.total)} tokens, ${totalCostText(mt)}`,
      log: log.filter((_, i) => monthOf(journal.sessions[i]!) === month),
    };
    monthSummary.push([month, formatCount(sessions.length), formatCount(mt.calls), formatCount(mt.total), groupCostText(mt), `log/${month}.md`]);
  }
  const analysis: Items = [
    ['Sessions', formatCount(n)],
    ['Calls', formatCount(t.calls)],
    ['Average Tokens per Call', averageCount(t.total, t.calls)],
    ['Average Cost per Session', n === 0 ? 'n/a' : formatUsd(t.cost.div(n))],
    ['Cache Read Share of Input', percentText(t.cacheRead, t.input)],
    ['Reasoning Share of Output', percentText(t.reasoning, t.output)],
  ];
  if (t.unpriced > 0) analysis.push(['Unpriced Calls', `${formatCount(t.unpriced)} (add a price: see token_collection_config.md)`]);
  return { summary, totalCost: `Total Estimated Cost: ${totalCostText(t)}`, log, recent: log.slice(-RECENT_SESSIONS), monthSummary, months, analysis };
}

// ---------------------------------------------------------------------------------------
// What a session file must show

export interface ExpectedSession {
  info: Items;
  /** Usage Tracking body rows, numbered 1..n in the intended order. */
  usage: string[][];
  summary: Items;
  /** After finalize (or an import that created and closed the session). */
  completion: Items | null;
  breakdown: string[][] | null;
  efficiency: Items | null;
}

function noteText(c: CallEntry): string {
  const parts: string[] = [];
  if (c.note) parts.push(c.note);
  if (c.attempt) parts.push(`attempt ${c.attempt}`);
  const b = c.bill;
  if (b) {
    if (b.tier !== null) parts.push(b.tier === 'batch' ? 'batch' : `tier ${b.tier}`);
    if (b.tools !== null) {
      const uses = Object.entries(b.tools).map(([tool, n]) => `${tool} ${formatCount(n)}`).join(', ');
      parts.push(b.toolCost === null ? `tools: ${uses}` : `tools ${formatUsd(b.toolCost)} (${uses})`);
    }
    for (const sub of b.subCalls) parts.push(`incl. ${sub.model} ${formatUsd(sub.cost)}`);
  }
  return shown(parts.join('; '));
}

/** The Cost Breakdown's model cell: the model, with its calls' non-standard tiers and tool fees. */
function breakdownModelText(m: ModelGroup): string {
  const tiers = new Map<string, number>();
  let toolCost: Big | null = null;
  for (const c of m.calls) {
    if (c.bill?.tier) tiers.set(c.bill.tier, (tiers.get(c.bill.tier) ?? 0) + 1);
    if (c.bill?.toolCost) toolCost = (toolCost ?? new Big(0)).plus(c.bill.toolCost);
  }
  const parts: string[] = [];
  if (tiers.size > 0) parts.push([...tiers].sort(([a], [b]) => byCode(a, b)).map(([tier, n]) => `${tier} ${formatCount(n)}`).join(', '));
  if (toolCost !== null) parts.push(`tools ${formatUsd(toolCost)}`);
  return parts.length === 0 ? m.model : `${m.model} (${parts.join('; ')})`;
}

function cachedText(c: CallEntry): string {
  return c.cacheWrite === 0 ? formatCount(c.cacheRead) : `${formatCount(c.cacheRead)} (+${formatCount(c.cacheWrite)} written)`;
}

export function usageRow(c: CallEntry, n: number): string[] {
  return [String(n), timeText(c.timestamp), shown(c.provider), shown(c.model), formatCount(c.input), cachedText(c), formatCount(c.output), formatCount(c.reasoning), formatCount(c.input + c.output), costCell(c.cost), noteText(c)];
}

export function expectedSession(s: SessionModel): ExpectedSession {
  const t = totalsOf(s.calls);
  const info: Items = [
    ['Session ID', s.id],
    ['Model Provider', s.provider ?? 'n/a'],
    ['Model Name', s.model ?? 'n/a'],
    ['Agent', 'n/a'],
    ['Started', timeText(s.started)],
    ['Status', s.status],
    ['Budget', 'none'],
  ];
  const summary: Items = [
    ['Total Calls', formatCount(t.calls)],
    ['Total Input Tokens', formatCount(t.input)],
    ['Total Output Tokens', formatCount(t.output)],
    ['Total Tokens', formatCount(t.total)],
    ['Total Cost', totalCostText(t)],
  ];
  if (t.cacheRead || t.cacheWrite) summary.push(['Cache Tokens', `${formatCount(t.cacheRead)} read, ${formatCount(t.cacheWrite)} written`]);
  if (t.reasoning) summary.push(['Reasoning Tokens', formatCount(t.reasoning)]);
  const expected: ExpectedSession = { info, usage: s.calls.map((c, i) => usageRow(c, i + 1)), summary, completion: null, breakdown: null, efficiency: null };
  if (s.status === 'active') return expected;
  const completion: Items = [
    ['Status', s.status],
    ['Completed', s.ended ? timeText(s.ended) : 'n/a'],
    ['Duration', s.ended ? durationText(s.started, s.ended) : 'n/a'],
    ['Notes', s.notes === null ? 'none' : shown(s.notes)],
  ];
  s.errors.forEach((e, i) => completion.push([`Error ${i + 1} of ${s.errors.length}`, shown(e)]));
  const models = byModel(s.calls.map((call) => ({ call, session: s.id }))).sort((a, b) => byCode(a.provider + a.model, b.provider + b.model));
  const breakdown = models.map((m) => {
    const mt = totalsOf(m.calls);
    return [m.provider, breakdownModelText(m), formatCount(mt.calls), formatCount(mt.input), formatCount(mt.output), formatCount(mt.total), groupCostText(mt), percentText(mt.cost, t.cost)];
  });
  breakdown.push(['TOTAL', '', formatCount(t.calls), formatCount(t.input), formatCount(t.output), formatCount(t.total), totalCostCell(t), t.calls ? '100.0%' : 'n/a']);
  const pricedTokens = models.reduce((sum, m) => sum + (m.calls.every((c) => c.cost !== null) ? totalsOf(m.calls).total : 0), 0);
  const priced = t.calls - t.unpriced;
  const efficiency: Items = [
    ['Average Input Tokens per Call', averageCount(t.input, t.calls)],
    ['Average Output Tokens per Call', averageCount(t.output, t.calls)],
    ['Average Cost per Call', priced === 0 ? 'n/a' : formatUsd(t.cost.div(priced))],
    ['Input/Output Ratio', t.output === 0 ? 'n/a (no output tokens)' : `${new D(t.input).div(t.output).toFixed(2)} : 1`],
    ['Cost per 1K Tokens', pricedTokens === 0 ? 'n/a' : formatUsd(t.cost.times(1000).div(pricedTokens))],
    ['Cache Read Share of Input', percentText(t.cacheRead, t.input)],
  ];
  return { ...expected, completion, breakdown, efficiency };
}

// ---------------------------------------------------------------------------------------
// What the ledger must hold and `report` must total

/** An entry as the ledger line must read (the fields the model knows). */
export function ledgerProjection(e: Entry): Record<string, unknown> {
  switch (e.kind) {
    case 'start':
      return { type: 'session_start', session: e.session, timestamp: e.timestamp, provider: e.provider, model: e.model };
    case 'end':
      return { type: 'session_end', session: e.session, timestamp: e.timestamp, status: e.status, notes: e.notes, errors: e.errors };
    case 'call':
      return {
        type: 'call',
        session: e.session,
        timestamp: e.timestamp,
        provider: e.provider,
        model: e.model,
        input_tokens: e.input,
        output_tokens: e.output,
        cache_read_tokens: e.cacheRead,
        cache_write_tokens: e.cacheWrite,
        reasoning_tokens: e.reasoning,
        total_tokens: e.input + e.output,
        note: e.note,
        attempt: e.attempt,
        request_id: e.requestId,
        cost_usd: e.cost,
        host: HOST_LABEL[e.host],
      };
  }
}

export function expectedReportSummary(journal: JournalModel): Record<string, unknown> {
  const t = totalsOf(allCalls(journal));
  return {
    calls: t.calls,
    input_tokens: t.input,
    output_tokens: t.output,
    cache_read_tokens: t.cacheRead,
    cache_write_tokens: t.cacheWrite,
    reasoning_tokens: t.reasoning,
    total_tokens: t.total,
    total_cost_usd: exactString(t.cost),
    unpriced_calls: t.unpriced,
  };
}
