/**
 * monitoring/usage_alerts.log, written by the monitor: one alert per line,
 * `ISO-time<TAB>kind<TAB>session<TAB>model<TAB>value<TAB>threshold<TAB>average`, then (lines
 * written since alerts are logged once) the alert's identity, which the report does not show
 * (it names the metric of a high-usage alert: tokens or dollars).
 * Optional: no file means no alerts. Lines that do not have that shape are skipped and counted.
 */
import type { Alert } from './types.js';
import type { ZoneDays } from './zone.js';

/** The report lists at most this many alerts, the latest ones. */
export const MAX_ALERTS = 50;

export interface AlertsInRange {
  /** The latest alerts in range, oldest first. */
  alerts: Alert[];
  /** All alerts in range. */
  total: number;
  malformed: number;
}

export function alertsInRange(text: string | null, zone: ZoneDays, sinceDay: number | null, untilDay: number | null): AlertsInRange {
  const out: AlertsInRange = { alerts: [], total: 0, malformed: 0 };
  if (text === null) return out;
  const all: Alert[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    const fields = line.split('\t');
    const [time = '', kind = '', session = '', model = '', value = '', threshold = '', average = '', id] = fields;
    const day = fields.length >= 5 ? zone.dayOf(time) : NaN;
    if (Number.isNaN(day) || kind === '') {
      out.malformed++;
      continue;
    }
    if ((sinceDay !== null && day < sinceDay) || (untilDay !== null && day > untilDay)) continue;
    all.push({ time, kind, session, model, value, threshold, average, ...(id === undefined ? {} : { id }) });
  }
  all.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  out.total = all.length;
  out.alerts = all.slice(-MAX_ALERTS);
  return out;
}
