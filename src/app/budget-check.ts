/**
 * `tokj budget check` and `tokj status`: the budgets in force, read under the journal's lock
 * so a crashed writer's calls are applied first. A budget check logs a budget in warning or
 * exceeded as an alert, once, whoever sees it first (alerts.ts).
 */
import { usageError } from '../core/errors.js';
import type { SessionState } from '../core/session-state.js';
import { logAlertOnce } from './alerts.js';
import { budgetAlert, budgetsInForce, periodBudgetKey, type BudgetScope, type BudgetStatus } from './budget.js';
import { readConfig } from './config.js';
import type { JournalAccess } from './journal-access.js';
import { resolveSession } from './record.js';
import { settingValue } from './settings.js';
import { JournalTxn } from './txn.js';

export interface BudgetCheckRequest {
  /** --session; else $TOKJ_SESSION, else the only active session (when there is one). */
  session?: string | undefined;
  /** One budget: session, day or month; all that apply when absent. */
  period?: BudgetScope | undefined;
}

/** The budgets checked, each in warning or exceeded logged as an alert. Exit 2 when there is none to check. */
export async function checkBudgets(journal: JournalAccess, request: BudgetCheckRequest): Promise<BudgetStatus[]> {
  const config = await readConfig(journal.layout);
  const { period } = request;
  if (period === 'day' || period === 'month') {
    const key = periodBudgetKey(period);
    if (settingValue(config.settings, key) === '') throw usageError(`no ${key.slice('budget.'.length)} budget is set: tokj config set ${key} 25`, 'no_budget');
  }
  const statuses = await JournalTxn.run(journal, (txn) => {
    const now = journal.now();
    // A session's budget when a session is meant: named, or the only active one.
    const meant = period === 'session' || request.session !== undefined || Boolean(journal.env.TOKJ_SESSION) || txn.journal.active_sessions.length === 1;
    const session = (period === undefined || period === 'session') && meant ? resolveSession(txn, request.session, journal.env) : null;
    const budgets = budgetsInForce(journal.layout.ledgerDir, session, config, now, period);
    if (period === 'session' && session && budgets.length === 0) throw usageError(`session ${session.session} has no budget (start sessions with tokj init --budget USD)`, 'no_budget');
    for (const b of budgets) {
      // A day's or month's budget is no one session's.
      const about = b.scope === 'session' && session ? { session: session.session, model: session.model ?? '' } : { session: '', model: '' };
      const alert = budgetAlert(b, { time: now.toISOString(), ...about });
      if (alert) logAlertOnce(txn, alert);
    }
    return budgets;
  });
  if (statuses.length === 0) throw usageError('no budget to check: set one with tokj init --budget USD, or tokj config set budget.daily|budget.monthly USD', 'no_budget');
  return statuses;
}

/** A session's state and the budgets that apply to it, for `tokj status`. */
export async function sessionStatus(journal: JournalAccess, session: string | undefined): Promise<{ session: SessionState; budgets: BudgetStatus[] }> {
  const config = await readConfig(journal.layout);
  return JournalTxn.run(journal, (txn) => {
    const s = resolveSession(txn, session, journal.env);
    return { session: s, budgets: budgetsInForce(journal.layout.ledgerDir, s, config, journal.now()) };
  });
}
