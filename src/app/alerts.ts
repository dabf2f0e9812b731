/**
 * Alerts: one line each in monitoring/usage_alerts.log (ISO time, kind, session, model,
 * value, threshold, average, identity — tab-separated, so scripts and the report read it;
 * lines written before the identity field have seven fields and still read) and a row in the
 * journal's Alerts table. --on-alert runs a command (execa, no shell) with the alert in
 * TOKJ_ALERT_* variables.
 *
 * An alert is about a fact in the ledger (this call is a spike against that history, this
 * budget was crossed), so it is logged once however many times it is looked at: its identity
 * is derived from what triggered it, and an alert whose identity the log holds already is not
 * logged again (logAlertOnce).
 */
import path from 'node:path';
import { appendBytes, ensureDir, readTextIfExists } from '../io/fs.js';
import type { Layout } from './layout.js';
import type { JournalTxn } from './txn.js';

export type { Alert } from '../core/alert.js';
import type { Alert } from '../core/alert.js';

const clean = (s: string): string => s.replace(/[\t\r\n]/g, ' ');

export function appendAlertLog(layout: Layout, alert: Alert): void {
  ensureDir(path.dirname(layout.alertsLog));
  // The identity goes last: readers of the seven older fields (the report) are unaffected.
  const fields = [alert.time, alert.kind, alert.session, alert.model, alert.value, alert.threshold, alert.average, alert.id].map(clean);
  appendBytes(layout.alertsLog, `${fields.join('\t')}\n`);
}

export function readAlertLog(layout: Layout): Alert[] {
  const text = readTextIfExists(layout.alertsLog) ?? '';
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const [time = '', kind = '', session = '', model = '', value = '', threshold = '', average = '', id = ''] = line.replace(/\r$/, '').split('\t');
      return { time, kind: kind as Alert['kind'], session, model, value, threshold, average, id, message: '' };
    });
}

export interface Logged {
  /** Logged by this call; false when the log held the alert's identity already. */
  new: boolean;
  /** When the alert was first logged. */
  time: string;
}

/**
 * Logs the alert and adds its Alerts row, unless the log holds its identity already (an
 * earlier monitor, record's alert.auto or budget check saw the same fact first). Runs inside
 * the transaction, under the journal lock, so two processes cannot both find it missing.
 */
export function logAlertOnce(txn: JournalTxn, alert: Alert): Logged {
  const earlier = readAlertLog(txn.ctx.layout).find((a) => a.id === alert.id && a.id !== '');
  if (earlier) return { new: false, time: earlier.time };
  txn.addAlert(alert);
  return { new: true, time: alert.time };
}

/**
 * The alerts --on-alert has run for, one identity a line. Kept apart from the log because an
 * alert is often logged by a command that runs no hook (record with alert.auto): monitor's
 * hook still runs once for it. In .state, per machine, as the hooks are this machine's
 * commands; losing the file can run a hook once more for an alert that is still current.
 */
const hooksRanPath = (layout: Layout): string => path.join(layout.stateDir, 'on-alert-ran.txt');

/**
 * Whether --on-alert is to run for this alert: true the first time it is asked, when the
 * alert is marked as handled. Called under the journal lock, so two monitors over the same
 * alert cannot both run the hook; a hook that fails is not run again (it ran once).
 */
export function claimOnAlert(layout: Layout, id: string): boolean {
  const file = hooksRanPath(layout);
  if ((readTextIfExists(file) ?? '').split('\n').includes(id)) return false;
  ensureDir(path.dirname(file));
  appendBytes(file, `${clean(id)}\n`);
  return true;
}

export async function runOnAlert(command: string, alert: Alert, warn: (m: string) => void): Promise<void> {
  const { execaCommand } = await import('execa');
  const env = {
    TOKJ_ALERT_KIND: alert.kind,
    TOKJ_ALERT_ID: alert.id,
    TOKJ_ALERT_TIME: alert.time,
    TOKJ_ALERT_SESSION: alert.session,
    TOKJ_ALERT_MODEL: alert.model,
    TOKJ_ALERT_VALUE: alert.value,
    TOKJ_ALERT_THRESHOLD: alert.threshold,
    TOKJ_ALERT_AVERAGE: alert.average,
    TOKJ_ALERT_MESSAGE: alert.message,
  };
  const r = await execaCommand(command, { env, reject: false, stdio: 'inherit' });
  if (r.exitCode !== 0) warn(`--on-alert command exited ${r.exitCode ?? r.signal}: ${command}`);
}
