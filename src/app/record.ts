/**
 * Turning usage into ledger records inside a journal transaction: find the session, price
 * the call (frozen into the record), skip request ids the journal already holds, append.
 * Shared by `record`, `auto-collect`, `wrap` and `import`.
 */
import { usageError } from '../core/errors.js';
import { trace } from '../io/trace.js';
import type { SessionState } from '../core/session-state.js';
import { tokenCountFields, type Usage } from '../core/usage.js';
import type { CallRecord } from '../ledger/record.js';
import { checkCanAdd, modelKey } from '../core/totals.js';
import { checkSessionId } from '../io/paths.js';
import type { JournalConfig } from './config.js';
import { PriceBook, unpricedHint, type PricedCall } from './pricing.js';
import { billingFields } from './record-billing.js';
import type { JournalTxn } from './txn.js';

export interface CallInput {
  provider?: string | undefined;
  model?: string | undefined;
  usage: Usage;
  agent?: string | undefined;
  operation?: string | undefined;
  attempt?: string | undefined;
  note?: string | undefined;
  requestId?: string | undefined;
  labels?: Record<string, string> | undefined;
  estimated?: boolean | undefined;
  /** Imports keep the record's own time and, when given, its frozen cost. */
  timestamp?: string | undefined;
  frozen?: PricedCall | undefined;
}

export interface RecordOutcome {
  record: CallRecord;
  /** Set when the request id was already in the journal: nothing was written. */
  duplicateOf?: string;
}

/** --session, else $TOKJ_SESSION, else the only active session. */
export function resolveSession(txn: JournalTxn, explicit: string | undefined, env: NodeJS.ProcessEnv): SessionState {
  const named = explicit ?? (env.TOKJ_SESSION || undefined);
  if (named !== undefined) {
    const s = txn.session(checkSessionId(named));
    if (!s) throw usageError(`no session ${named} in this journal; start it with \`tokj init ${named}\` (or check --dir / TOKJ_DIR)`, 'no_session');
    return s;
  }
  const active = txn.journal.active_sessions;
  if (active.length === 1) return txn.session(active[0]!)!;
  if (active.length === 0) {
    throw usageError('no active session: start one with `eval "$(tokj init --export)"`, or pass --session ID', 'no_session');
  }
  const shown = active.slice(0, 5).join(', ') + (active.length > 5 ? `, … (${active.length} in all)` : '');
  throw usageError(`${active.length} sessions are active (${shown}); say which with --session ID or TOKJ_SESSION`, 'ambiguous_session');
}

export function requireActive(s: SessionState): void {
  if (s.status !== 'active') {
    throw usageError(`session ${s.session} is ${s.status} (finalized ${s.ended ?? ''}); start a new one with \`tokj init\``, 'session_closed');
  }
}

export interface RecordOptions {
  config: JournalConfig;
  prices: PriceBook;
  configLabel: string;
  now: Date;
  allowDuplicate?: boolean;
  warn: (message: string) => void;
  host?: string | undefined;
}

/** Records calls into one active session; returns one outcome per input, in order. */
export async function recordCalls(txn: JournalTxn, s: SessionState, inputs: CallInput[], options: RecordOptions): Promise<RecordOutcome[]> {
  requireActive(s);
  const { fresh, outcomes } = buildCallRecords(txn, s, inputs, options);
  trace('priced');
  checkTotals(txn, s, fresh);
  await txn.preflight([s.session]);
  txn.append(fresh);
  // Only now: a refused record leaves every file, the price cache included, as it was.
  options.prices.save();
  return outcomes;
}

/** Refuses calls that would take the session's, a model's or the journal's totals past 2^53-1. */
export function checkTotals(txn: JournalTxn, s: SessionState, records: CallRecord[]): void {
  checkCanAdd(s.totals, records, `session ${s.session}`);
  checkCanAdd(txn.journal.totals, records, 'the journal');
  const byModel = new Map<string, CallRecord[]>();
  for (const r of records) {
    const key = modelKey(r.provider, r.model);
    const list = byModel.get(key);
    if (list) list.push(r);
    else byModel.set(key, [r]);
  }
  for (const [key, rs] of byModel) {
    const t = txn.journal.by_model[key];
    if (t) checkCanAdd(t, rs, `${rs[0]!.provider}/${rs[0]!.model}`);
  }
}

/** Builds the records (priced, numbered, deduplicated) without writing anything. */
export function buildCallRecords(txn: JournalTxn, s: SessionState, inputs: CallInput[], options: RecordOptions): { fresh: CallRecord[]; outcomes: RecordOutcome[] } {
  const now = options.now.toISOString();
  const warned = new Set<string>();
  const seen = new Map<string, string>();
  const fresh: CallRecord[] = [];
  const outcomes: RecordOutcome[] = [];
  let n = s.totals.calls;
  for (const input of inputs) {
    const provider = input.provider ?? s.provider;
    const model = input.model ?? s.model;
    if (!provider || !model) {
      throw usageError(`session ${s.session} has no default provider/model; give them: tokj record IN OUT PROVIDER MODEL (or --provider/--model)`, 'no_model');
    }
    const priced = input.frozen ?? options.prices.price(provider, model, input.usage);
    if (priced.cost_usd === null && !input.frozen && !warned.has(`${provider}/${model}`)) {
      warned.add(`${provider}/${model}`);
      options.warn(unpricedHint(provider, model, options.configLabel));
    }
    const u = input.usage;
    const record: CallRecord = {
      type: 'call',
      id: `${s.session}:${n + 1}`,
      timestamp: input.timestamp ?? now,
      session: s.session,
      provider,
      model,
      agent: input.agent ?? s.agent,
      operation: input.operation ?? null,
      attempt: input.attempt ?? null,
      note: input.note ?? null,
      request_id: input.requestId ?? null,
      ...tokenCountFields(u),
      total_tokens: u.inputTokens + u.outputTokens,
      cost_usd: priced.cost_usd,
      price_source: priced.price_source,
      estimated: input.estimated ?? false,
      labels: { ...s.labels, ...input.labels },
      ...(u.cacheWrite1hTokens ? { cache_write_1h_tokens: u.cacheWrite1hTokens } : {}),
      ...billingFields(u, priced),
      host: options.host ?? txn.ctx.host,
    };
    const rid = record.request_id;
    const existing = rid === null || options.allowDuplicate ? undefined : (seen.get(rid) ?? txn.requests.lookup(rid));
    if (existing !== undefined) {
      outcomes.push({ record, duplicateOf: existing });
      continue;
    }
    if (rid !== null) seen.set(rid, record.id);
    n += 1;
    fresh.push(record);
    outcomes.push({ record });
  }
  return { fresh, outcomes };
}
