/**
 * Checks after recording (alert.auto in the config, or --enforce): the anomaly check on
 * the new call against earlier calls of the same model, and the budgets. Each alert is logged
 * once (alerts.ts): a budget's warning or excess when the first check finds it, not again on
 * every later call.
 */
import Big from 'big.js';
import type { Metric } from '../core/anomaly.js';
import type { SessionState } from '../core/session-state.js';
import type { CallRecord } from '../ledger/record.js';
import { budgetAlert, budgetsInForce } from './budget.js';
import type { JournalConfig } from './config.js';
import { callAlertId, checkLatestCall, verdictMessage } from './monitor.js';
import { settingValue } from './settings.js';
import type { JournalTxn } from './txn.js';
import { logAlertOnce } from './alerts.js';

export interface AfterRecordResult {
  /** Some budget is over its limit after these calls. */
  overBudget: boolean;
  /** The anomaly check fired. */
  anomaly: boolean;
  messages: string[];
}

export function afterRecord(txn: JournalTxn, s: SessionState, recorded: CallRecord[], config: JournalConfig, enforce: boolean, now: Date): AfterRecordResult {
  const result: AfterRecordResult = { overBudget: false, anomaly: false, messages: [] };
  const auto = settingValue(config.settings, 'alert.auto') === 'true';
  if (recorded.length === 0 || (!auto && !enforce)) return result;
  const last = recorded[recorded.length - 1]!;
  const alertBase = { time: now.toISOString(), session: s.session, model: last.model };
  if (auto) {
    const metric = settingValue(config.settings, 'alert.metric') as Metric;
    const { verdict, latest } = checkLatestCall(txn.ctx.layout.ledgerDir, {
      same: 'model',
      window: Number(settingValue(config.settings, 'alert.window')),
      multiplier: new Big(settingValue(config.settings, 'alert.multiplier')),
      minSamples: Number(settingValue(config.settings, 'alert.min_samples')),
      metric,
    });
    if (verdict.kind === 'alert') {
      const message = verdictMessage(verdict, metric);
      const id = callAlertId(metric, latest);
      const logged = logAlertOnce(txn, { ...alertBase, kind: 'high_usage', id, value: verdict.value.toString(), threshold: verdict.threshold.round(6).toString(), average: verdict.average.round(6).toString(), message });
      result.anomaly = true;
      result.messages.push(logged.new ? message : `${message} (already logged at ${logged.time})`);
    }
  }
  const budgets = budgetsInForce(txn.ctx.layout.ledgerDir, s, config, now);
  for (const b of budgets) {
    if (b.state === 'exceeded') result.overBudget = true;
    const alert = budgetAlert(b, alertBase);
    if (!alert) continue;
    // A new alert is told; --enforce also says why it exits 1 when an earlier call crossed the line.
    if (logAlertOnce(txn, alert).new || (b.state === 'exceeded' && enforce)) result.messages.push(alert.message);
  }
  return result;
}
