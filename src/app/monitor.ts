/**
 * Rolling-average anomaly checks over the ledger (read from its end, so the cost does not
 * grow with history), alert messages in the reference wording, and the `tokj monitor` flow.
 */
import Big from 'big.js';
import { checkAnomaly, type AnomalyVerdict, type Metric } from '../core/anomaly.js';
import { formatCount, formatUsd } from '../core/money.js';
import type { CallRecord } from '../ledger/record.js';
import { readBackwards } from '../ledger/tail.js';
import { EXIT, TokjError, usageError } from '../core/errors.js';
import { plural } from '../views/format.js';
import { claimOnAlert, logAlertOnce, type Alert, type Logged } from './alerts.js';
import type { JournalAccess } from './journal-access.js';
import { JournalTxn } from './txn.js';

export type SameKey = 'model' | 'agent' | 'operation';

export interface CallCheckOptions {
  /** A value to test instead of the latest call (the reference form `monitor 12000`). */
  current?: Big;
  session?: string;
  same?: SameKey;
  window: number;
  multiplier: Big;
  minSamples: number;
  metric: Metric;
}

export interface CallCheck {
  verdict: AnomalyVerdict;
  latest: CallRecord | null;
}

export function metricOf(r: CallRecord, metric: Metric): Big | null {
  if (metric === 'tokens') return new Big(r.total_tokens);
  return r.cost_usd === null ? null : new Big(r.cost_usd);
}

/** The latest call (or `current`) against the previous `window` comparable calls. */
export function checkLatestCall(ledgerDir: string, o: CallCheckOptions): CallCheck {
  let latest: CallRecord | null = null;
  const history: Big[] = [];
  for (const entry of readBackwards(ledgerDir)) {
    if (entry.type !== 'call') continue;
    if (o.session !== undefined && entry.session !== o.session) continue;
    if (latest === null) {
      latest = entry;
      // With an explicit value the latest call is history too; without, it is the value.
      if (o.current === undefined) continue;
    }
    if (o.same && entry[o.same] !== latest[o.same]) continue;
    const v = metricOf(entry, o.metric);
    if (v === null) continue;
    history.push(v);
    if (history.length >= o.window) break;
  }
  const value = o.current ?? (latest ? metricOf(latest, o.metric) : null);
  if (value === null) return { verdict: { kind: 'insufficient', samples: 0, needed: Math.max(1, o.minSamples) }, latest };
  return { verdict: checkAnomaly(value, history, o.multiplier, o.minSamples, o.window), latest };
}

/**
 * The identity of a high-usage alert (see alerts.ts) from what triggered it. The latest call:
 * that call, whatever history it was compared with (monitor's and alert.auto's checks of one
 * call are one alert). A value given on the command line is not in the ledger: that value
 * checked after the latest call, so asking again before the next call is the same alert.
 */
export function callAlertId(metric: Metric, latest: CallRecord | null, current?: Big): string {
  if (current === undefined) return `high_usage metric=${metric} call=${latest?.id ?? 'none'}`;
  return `high_usage metric=${metric} value=${current.toString()} after=${latest?.id ?? 'none'}`;
}

/** The same for --by session: a session is a spike once, however many calls it adds after. */
export function sessionAlertId(metric: Metric, session: string, current?: Big): string {
  return `high_usage metric=${metric} session=${session}${current === undefined ? '' : ` value=${current.toString()}`}`;
}

export function formatMetric(v: Big, metric: Metric): string {
  return metric === 'cost' ? formatUsd(v) : plural(Number(v.round(0, Big.roundHalfUp)), 'token');
}

const plain = (v: Big, metric: Metric): string => (metric === 'cost' ? formatUsd(v) : formatCount(Number(v.round(0, Big.roundHalfUp))));

/** "HIGH USAGE ALERT: 12,000 tokens (3.0x threshold 3,630 = 3 x rolling average 1,210 of 10 calls)" */
export function verdictMessage(verdict: AnomalyVerdict, metric: Metric, unit: 'call' | 'session' = 'call'): string {
  if (verdict.kind === 'insufficient') {
    return `not enough history: ${plural(verdict.samples, `comparable ${unit}`)} (need ${verdict.needed}); no alert`;
  }
  const m = verdict.multiplier;
  const detail = `${m.toFixed(1)}x threshold ${plain(verdict.threshold, metric)} = ${m.toString()} x rolling average ${plain(verdict.average, metric)} of ${plural(verdict.samples, unit)}`;
  if (verdict.kind === 'alert') return `HIGH USAGE ALERT: ${formatMetric(verdict.value, metric)} (${detail})`;
  return `OK: ${formatMetric(verdict.value, metric)} is within the ${detail}`;
}

export interface MonitorRequest {
  /** A value to test instead of the latest call or session. */
  value?: Big | undefined;
  /** Only this session's calls (--by call), or this session (--by session; default the latest). */
  session?: string | undefined;
  by: 'call' | 'session';
  same?: SameKey | undefined;
  metric: Metric;
  window: number;
  multiplier: Big;
  minSamples: number;
  /** An --on-alert command waits: claim its one run for this alert. */
  onAlert: boolean;
}

export interface MonitorResult {
  verdict: AnomalyVerdict;
  message: string;
  /** The alert, when the verdict is one, and whether this run logged it first. */
  alert: Alert | null;
  logged: Logged | null;
  /** This run is the one to run --on-alert for this alert. */
  runHook: boolean;
}

/**
 * `tokj monitor`: the latest call (or session, or a given value) against the rolling average
 * of earlier ones; an alert is logged once, by whichever of monitor and record's alert.auto
 * finds it first (alerts.ts). Under the journal's lock, like every reader that logs.
 */
export async function monitorUsage(journal: JournalAccess, request: MonitorRequest): Promise<MonitorResult> {
  const { metric, window, multiplier, minSamples, value } = request;
  const unit = request.by;
  return JournalTxn.run(journal, (txn) => {
    let verdict: AnomalyVerdict;
    let session = request.session ?? '';
    let model = '';
    let id: string;
    if (request.by === 'session') {
      const latestId = request.session ?? txn.journal.recent.at(-1)?.[1];
      if (latestId === undefined) throw new TokjError('no sessions recorded yet; nothing to monitor', EXIT.ok, 'empty');
      const latest = txn.session(latestId);
      if (!latest) throw usageError(`no session ${latestId} in this journal`, 'no_session');
      const of = (s: { totals: { total_tokens: number; cost_usd: string } }): Big => (metric === 'cost' ? new Big(s.totals.cost_usd) : new Big(s.totals.total_tokens));
      verdict = checkAnomaly(value ?? of(latest), txn.sessionsBefore(latestId, window).map(of), multiplier, minSamples, window);
      session = latestId;
      model = latest.model ?? '';
      id = sessionAlertId(metric, latestId, value);
    } else {
      const check = checkLatestCall(journal.layout.ledgerDir, { ...(value ? { current: value } : {}), ...(request.session ? { session: request.session } : {}), ...(request.same ? { same: request.same } : {}), window, multiplier, minSamples, metric });
      verdict = check.verdict;
      session = check.latest?.session ?? session;
      model = check.latest?.model ?? '';
      id = callAlertId(metric, check.latest, value);
    }
    const message = verdictMessage(verdict, metric, unit);
    if (verdict.kind !== 'alert') return { verdict, message, alert: null, logged: null, runHook: false };
    const alert: Alert = {
      time: journal.now().toISOString(),
      kind: 'high_usage',
      id,
      session,
      model,
      value: verdict.value.toString(),
      threshold: verdict.threshold.round(6).toString(),
      average: verdict.average.round(6).toString(),
      message,
    };
    const logged = logAlertOnce(txn, alert);
    // Once per alert, whoever logged it: a script running monitor after every call (or on a
    // timer) is paged once per spike.
    return { verdict, message, alert, logged, runHook: request.onAlert && claimOnAlert(journal.layout, alert.id) };
  });
}
