/**
 * One reading of a journal's metrics: the ledger scanned from the start (metrics/), plus the
 * budgets of the active sessions, read from the derived state the way `tokj status --watch`
 * reads it: .state/journal.json lists the active sessions, and each .state/sessions/<id>.json
 * holds its budget and totals. No lock: state files are replaced atomically, so a read sees
 * one whole version.
 */
import path from 'node:path';
import { isDecimal } from '../core/decimal-sum.js';
import type { JournalState } from '../core/journal-state.js';
import type { SessionState } from '../core/session-state.js';
import { LedgerAggregate } from '../metrics/aggregate.js';
import { buildFamilies, type ActiveSession, type MetricFamily } from '../metrics/families.js';
import { scanLedgerInto } from '../metrics/scan.js';
import { sessionStatePath, type Layout } from './layout.js';
import { readJson } from './state-store.js';

export interface MetricsSnapshot {
  families: MetricFamily[];
  /** The ledger's first entry (ms), null for an empty ledger. */
  startMs: number | null;
  invalidLines: number;
}

export function collectMetrics(layout: Layout): MetricsSnapshot {
  const aggregate = new LedgerAggregate();
  scanLedgerInto(layout.ledgerDir, aggregate);
  const families = buildFamilies(aggregate, readActiveSessions(layout));
  return { families, startMs: aggregate.startMs, invalidLines: aggregate.invalidLines };
}

const SESSION_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function readActiveSessions(layout: Layout): ActiveSession[] {
  const journal = readJson<JournalState>(path.join(layout.stateDir, 'journal.json'));
  const ids = Array.isArray(journal?.active_sessions) ? journal.active_sessions : [];
  const sessions: ActiveSession[] = [];
  for (const id of ids) {
    if (typeof id !== 'string' || !SESSION_ID.test(id) || id === '.' || id === '..') continue;
    const s = readJson<SessionState>(sessionStatePath(layout, id));
    if (!s || s.status !== 'active' || !isDecimal(s.totals?.cost_usd)) continue;
    sessions.push({
      id,
      agent: typeof s.agent === 'string' && s.agent !== '' ? s.agent : null,
      budget_usd: isDecimal(s.budget_usd) ? s.budget_usd : null,
      cost_usd: s.totals.cost_usd,
    });
  }
  return sessions.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
