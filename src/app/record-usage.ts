/**
 * Recording usage, the flow behind `tokj record`, auto-collect and wrap: one transaction
 * finds the session, prices and appends the calls (record.ts), then runs the checks that
 * follow a record (alert.auto, --enforce: post-record.ts).
 */
import type { SessionState } from '../core/session-state.js';
import { trace } from '../io/trace.js';
import { readConfig, type JournalConfig } from './config.js';
import type { JournalAccess } from './journal-access.js';
import { afterRecord, type AfterRecordResult } from './post-record.js';
import { PriceBook } from './pricing.js';
import { recordCalls, resolveSession, type CallInput, type RecordOutcome } from './record.js';
import { JournalTxn } from './txn.js';

export interface UsageRequest {
  /** --session; else $TOKJ_SESSION, else the only active session. */
  session?: string | undefined;
  /**
   * The calls, made once the session is known: a call that names no provider or model takes
   * the session's, and a model given where the provider goes is placed with both in view.
   */
  calls: (session: SessionState, config: JournalConfig) => CallInput[];
  allowDuplicate?: boolean | undefined;
  /** Exit 1 when these calls leave a budget exceeded or fire an anomaly alert. */
  enforce?: boolean | undefined;
}

export interface UsageResult {
  /** The session after the calls (its totals include them). */
  session: SessionState;
  /** One per call, in order; a duplicate request id is an outcome with `duplicateOf`. */
  outcomes: RecordOutcome[];
  checks: AfterRecordResult;
  /** --enforce asked, and a budget is exceeded or an anomaly fired. */
  breached: boolean;
}

export async function recordUsage(journal: JournalAccess, request: UsageRequest): Promise<UsageResult> {
  const config = await readConfig(journal.layout);
  trace('config');
  const enforce = request.enforce ?? false;
  return JournalTxn.run(journal, async (txn) => {
    const session = resolveSession(txn, request.session, journal.env);
    const outcomes = await recordCalls(txn, session, request.calls(session, config), {
      config,
      prices: new PriceBook(journal.layout.stateDir, config),
      configLabel: journal.configLabel,
      now: journal.now(),
      allowDuplicate: request.allowDuplicate ?? false,
      warn: journal.warn,
    });
    const recorded = outcomes.filter((o) => o.duplicateOf === undefined).map((o) => o.record);
    const checks = afterRecord(txn, session, recorded, config, enforce, journal.now());
    return { session, outcomes, checks, breached: enforce && (checks.overBudget || checks.anomaly) };
  });
}
