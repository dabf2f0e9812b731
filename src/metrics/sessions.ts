/**
 * Budgets of the active sessions, read from the derived state the way `tokj status --watch`
 * reads it: monitoring/.state/journal.json lists the active sessions, and each
 * .state/sessions/<id>.json holds its budget and totals. No lock: state files are replaced
 * atomically, so a read sees one whole version.
 */
import path from 'node:path';
import type { JournalState } from '../core/journal-state.js';
import type { SessionState } from '../core/session-state.js';
import { sessionStatePath, type Layout } from '../app/layout.js';
import { readJson } from '../app/state-store.js';
import { isDecimal } from '../core/decimal-sum.js';

export interface ActiveSession {
  id: string;
  agent: string | null;
  budget_usd: string | null;
  cost_usd: string;
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
