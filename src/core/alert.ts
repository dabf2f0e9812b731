/** An alert as logged in monitoring/usage_alerts.log and shown in the journal's Alerts block. */
export interface Alert {
  time: string;
  kind: 'high_usage' | 'budget_warning' | 'budget_exceeded';
  session: string;
  model: string;
  value: string;
  threshold: string;
  average: string;
  /**
   * What the alert is about, the same every time the same fact is checked:
   * `high_usage metric=tokens call=s:5`, `budget_exceeded day=2026-11-24 limit=25` (see
   * monitor.ts and budget.ts). Empty for lines logged before alerts had one.
   */
  id: string;
  message: string;
}

/** The fields of an alert line as the log holds them, whatever tokj wrote it (kind as text; no id before alerts had one). */
export type AlertLine = Omit<Alert, 'kind' | 'id' | 'message'> & { kind: string; id?: string };
