/**
 * tokj budget check: exit 0 under budget, 1 over; --quiet for `while tokj budget check
 * --quiet; do …; done`. Checks the session budget and the configured daily and monthly ones.
 * A budget in warning or exceeded is logged as an alert if no record (alert.auto, --enforce)
 * or earlier check logged it yet: once, whoever sees it first (alerts.ts).
 */
import { EXIT, usageError } from '../core/errors.js';
import { readConfig } from '../app/config.js';
import { logAlertOnce } from '../app/alerts.js';
import { budgetAlert, budgetMessage, periodBudget, sessionBudget, type BudgetStatus } from '../app/budget.js';
import { resolveSession } from '../app/record.js';
import { settingValue } from '../app/settings.js';
import { JournalTxn } from '../app/txn.js';
import { existingLayout, txnContext, type Ctx, type DirOption } from './context.js';

export interface BudgetOptions extends DirOption {
  session?: string;
  period?: string;
  quiet?: boolean;
  json?: boolean;
}

export async function budgetCheck(options: BudgetOptions, ctx: Ctx): Promise<number> {
  const period = options.period;
  if (period !== undefined && !['session', 'day', 'month'].includes(period)) throw usageError('--period takes session, day or month', 'bad_flag');
  const layout = existingLayout(ctx, options);
  const config = await readConfig(layout);
  const warn = Number(settingValue(config.settings, 'budget.warn_percent'));
  const tz = settingValue(config.settings, 'report.timezone') || undefined;
  const statuses: BudgetStatus[] = [];
  await JournalTxn.run(txnContext(ctx, layout), (txn) => {
    if (period === undefined || period === 'session') {
      const wantSession = period === 'session' || options.session !== undefined || ctx.env.TOKJ_SESSION || txn.journal.active_sessions.length === 1;
      if (wantSession) {
        const s = resolveSession(txn, options.session, ctx.env);
        const b = sessionBudget(s, warn);
        if (b) {
          statuses.push(b);
          const alert = budgetAlert(b, { time: ctx.now().toISOString(), session: s.session, model: s.model ?? '' });
          if (alert) logAlertOnce(txn, alert);
        } else if (period === 'session') throw usageError(`session ${s.session} has no budget (start sessions with tokj init --budget USD)`, 'no_budget');
      }
    }
    for (const p of ['day', 'month'] as const) {
      if (period !== undefined && period !== p) continue;
      const limit = settingValue(config.settings, p === 'day' ? 'budget.daily' : 'budget.monthly');
      if (limit === '') {
        if (period === p) throw usageError(`no ${p === 'day' ? 'daily' : 'monthly'} budget is set: tokj config set budget.${p === 'day' ? 'daily' : 'monthly'} 25`, 'no_budget');
        continue;
      }
      const b = periodBudget(layout.ledgerDir, p, limit, ctx.now(), tz, warn);
      statuses.push(b);
      // A day's or month's budget is no one session's.
      const alert = budgetAlert(b, { time: ctx.now().toISOString(), session: '', model: '' });
      if (alert) logAlertOnce(txn, alert);
    }
  });
  if (statuses.length === 0) throw usageError('no budget to check: set one with tokj init --budget USD, or tokj config set budget.daily|budget.monthly USD', 'no_budget');
  const exceeded = statuses.some((b) => b.state === 'exceeded');
  if (options.json) {
    ctx.out(JSON.stringify({ exceeded, budgets: statuses.map((b) => ({ scope: b.scope, label: b.label, spent_usd: b.spent.toString(), limit_usd: b.limit.toString(), percent: b.percent.toFixed(1), state: b.state })) }));
  } else if (!options.quiet) {
    for (const b of statuses) (b.state === 'ok' ? ctx.out : ctx.err)(budgetMessage(b));
  }
  return exceeded ? EXIT.alert : EXIT.ok;
}
