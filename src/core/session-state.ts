/**
 * What the tool knows about one session, derived from the ledger and kept beside it so a
 * record never re-reads history: metadata, totals, per-model and per-agent totals, and the
 * spans of its markdown view.
 *
 * Applying entries is commutative: whatever order the ledger's lines arrive in (another
 * host's lines after a git pull, a start written after its calls), the same set of entries
 * gives the same state. Sums commute; of several session_start entries the earliest (by
 * entry key, entry-key.ts) supplies the metadata, of several session_end entries the latest
 * the status.
 */
import type { CallRecord, SessionEndEvent, SessionStartEvent, SessionStatus } from '../ledger/record.js';
import type { Applied } from '../ledger/cursor.js';
import type { ViewCache } from './view-cache.js';
import { addCall, emptyTotals, modelKey, sortedRecord, type Totals } from './totals.js';
import { addMoney } from './decimal-sum.js';

export interface ModelTotals extends Totals {
  provider: string;
  model: string;
  /** Key of the session's earliest call on this model: models are listed in that order. */
  first_key: string;
  /** Calls billed on a tier other than the standard one, or as a batch (absent when none). */
  tiers?: Record<string, number>;
  /** Server-side tool fees inside cost_usd (absent when none). */
  tool_cost_usd?: string;
}

/**
 * A session's metadata (session, provider, model, agent, budget_usd, labels) is its
 * session_start's, of several the earliest's: applyStartToSession copies it.
 */
export interface SessionState extends Pick<SessionStartEvent, 'session' | 'provider' | 'model' | 'agent' | 'budget_usd' | 'labels'> {
  v: 3;
  /** The session_start's time; until one is applied, the time of the session's first entry. */
  started: string;
  status: SessionStatus;
  ended: string | null;
  notes: string | null;
  errors: string[];
  totals: Totals;
  by_model: Record<string, ModelTotals>;
  by_agent: Record<string, Totals>;
  /** Keys of the session_start and session_end that were taken, and of the latest call. */
  start_key: string | null;
  end_key: string | null;
  last_call_key: string | null;
  /** Key of the session's earliest entry: orders a session whose start is not (yet) known. */
  first_key: string;
  /** The journal's ledger cursor when this state was written (it had applied everything up to there). */
  applied: Applied;
  view: ViewCache | null;
}

export function emptySessionState(session: string, timestamp: string, key: string): SessionState {
  return {
    v: 3,
    session,
    provider: null,
    model: null,
    agent: null,
    budget_usd: null,
    labels: {},
    started: timestamp,
    status: 'active',
    ended: null,
    notes: null,
    errors: [],
    totals: emptyTotals(),
    by_model: {},
    by_agent: {},
    start_key: null,
    end_key: null,
    last_call_key: null,
    first_key: key,
    applied: {},
    view: null,
  };
}

/** The session's models in the order of their first calls. */
export function modelsInOrder(s: SessionState): ModelTotals[] {
  return Object.values(s.by_model).sort((a, b) => (a.first_key < b.first_key ? -1 : a.first_key > b.first_key ? 1 : 0));
}

/** Where the session sits in the journal's Detailed Usage Log: by its start. */
export function sessionOrderKey(s: SessionState): string {
  return s.start_key ?? s.first_key;
}

function noteFirst(s: SessionState, timestamp: string, key: string): void {
  if (key < s.first_key) {
    s.first_key = key;
    if (s.start_key === null) s.started = timestamp;
  }
}

export function applyStartToSession(s: SessionState, event: SessionStartEvent, key: string): void {
  noteFirst(s, event.timestamp, key);
  if (s.start_key !== null && s.start_key <= key) return;
  s.start_key = key;
  s.provider = event.provider;
  s.model = event.model;
  s.agent = event.agent;
  s.budget_usd = event.budget_usd;
  s.labels = event.labels;
  s.started = event.timestamp;
}

export interface CallApplied {
  /** The session had no call on this provider/model before: the journal counts one more session for it. */
  newModel: boolean;
  /** The call sorts before one applied earlier: its row cannot simply be appended. */
  outOfOrder: boolean;
}

export function applyCallToSession(s: SessionState, record: CallRecord, key: string): CallApplied {
  noteFirst(s, record.timestamp, key);
  addCall(s.totals, record);
  const mk = modelKey(record.provider, record.model);
  const newModel = s.by_model[mk] === undefined;
  const perModel = (s.by_model[mk] ??= { ...emptyTotals(), provider: record.provider, model: record.model, first_key: key });
  if (key < perModel.first_key) perModel.first_key = key;
  addCall(perModel, record);
  addBilling(perModel, record);
  addCall((s.by_agent[record.agent ?? '(none)'] ??= emptyTotals()), record);
  const outOfOrder = s.last_call_key !== null && key < s.last_call_key;
  if (!outOfOrder) s.last_call_key = key;
  return { newModel, outOfOrder };
}

/** The parts of a bill beyond tokens, kept per model for the Cost Breakdown. */
function addBilling(m: ModelTotals, record: CallRecord): void {
  const tier = record.batch ? 'batch' : record.service_tier;
  if (tier !== undefined) {
    m.tiers = sortedRecord({ ...m.tiers, [tier]: (m.tiers?.[tier] ?? 0) + 1 });
  }
  if (record.tool_cost_usd !== undefined) m.tool_cost_usd = addMoney(m.tool_cost_usd ?? '0', record.tool_cost_usd);
}

export function applyEndToSession(s: SessionState, event: SessionEndEvent, key: string): void {
  noteFirst(s, event.timestamp, key);
  if (s.end_key !== null && s.end_key >= key) return;
  s.end_key = key;
  s.status = event.status;
  s.ended = event.timestamp;
  s.notes = event.notes;
  s.errors = event.errors;
}

/** The state as stored: maps in key order, so the same ledger always gives the same bytes. */
export function canonicalSession(s: SessionState): SessionState {
  return { ...s, by_model: sortedRecord(s.by_model), by_agent: sortedRecord(s.by_agent), applied: sortedRecord(s.applied) };
}

/** A session as its start alone makes it (a new session not yet in the ledger). */
export function sessionFromStart(event: SessionStartEvent, key: string): SessionState {
  const s = emptySessionState(event.session, event.timestamp, key);
  applyStartToSession(s, event, key);
  return s;
}
