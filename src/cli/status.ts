import { modelsInOrder, type SessionState } from '../core/session-state.js';
import { budgetUsedText, periodBudget, sessionBudget, type BudgetStatus } from '../app/budget.js';
import { readConfig } from '../app/config.js';
import { resolveSession } from '../app/record.js';
import { settingValue } from '../app/settings.js';
import { JournalTxn } from '../app/txn.js';
import { formatCount } from '../core/money.js';
import { plural, totalCostText } from '../views/format.js';
import { existingLayout, txnContext, type Ctx, type DirOption } from './context.js';
import { watch } from './watch.js';
import { parseCount } from './args.js';

export interface StatusOptions extends DirOption {
  session?: string;
  json?: boolean;
  watch?: boolean;
  count?: string;
}

export async function status(options: StatusOptions, ctx: Ctx): Promise<void> {
  const layout = existingLayout(ctx, options);
  if (options.watch) {
    await watch(layout, ctx, options.count === undefined ? {} : { count: parseCount(options.count, '--count') });
    return;
  }
  const config = await readConfig(layout);
  const warn = Number(settingValue(config.settings, 'budget.warn_percent'));
  const tz = settingValue(config.settings, 'report.timezone') || undefined;
  // Under the lock so a crashed writer's calls are applied before we report totals.
  const { s, budgets } = await JournalTxn.run(txnContext(ctx, layout), (txn) => {
    const s = resolveSession(txn, options.session, ctx.env);
    // The session's budget, then the journal's daily and monthly ones (config), as `budget check` sees them.
    const budgets: BudgetStatus[] = [];
    const own = sessionBudget(s, warn);
    if (own) budgets.push(own);
    for (const [period, key] of [['day', 'budget.daily'], ['month', 'budget.monthly']] as const) {
      const limit = settingValue(config.settings, key);
      if (limit !== '') budgets.push(periodBudget(layout.ledgerDir, period, limit, ctx.now(), tz, warn));
    }
    return { s, budgets };
  });
  if (options.json) {
    ctx.out(JSON.stringify(statusJson(s, budgets)));
    return;
  }
  const t = s.totals;
  ctx.out(`Session ${s.session} (${s.status}) started ${s.started}`);
  ctx.out(`  ${plural(t.calls, 'call')}, ${formatCount(t.input_tokens)} in / ${formatCount(t.output_tokens)} out, ${totalCostText(t)}`);
  for (const b of budgets) ctx.out(`  ${budgetUsedText(b)}`);
  ctx.out('  by model:');
  for (const m of modelsInOrder(s)) ctx.out(`    ${m.provider}/${m.model}: ${plural(m.calls, 'call')}, ${plural(m.total_tokens, 'token')}, ${totalCostText(m)}`);
  ctx.out('  by agent:');
  for (const [agent, a] of Object.entries(s.by_agent)) ctx.out(`    ${agent}: ${plural(a.calls, 'call')}, ${plural(a.total_tokens, 'token')}, ${totalCostText(a)}`);
}

function statusJson(s: SessionState, budgets: BudgetStatus[]): unknown {
  return {
    session: s.session,
    status: s.status,
    started: s.started,
    ended: s.ended,
    provider: s.provider,
    model: s.model,
    agent: s.agent,
    budget_usd: s.budget_usd,
    totals: s.totals,
    by_model: modelsInOrder(s),
    by_agent: Object.entries(s.by_agent).map(([agent, t]) => ({ agent, ...t })),
    // The shape of `tokj budget check --json`'s budgets.
    budgets: budgets.map((b) => ({ scope: b.scope, label: b.label, spent_usd: b.spent.toString(), limit_usd: b.limit.toString(), percent: b.percent.toFixed(1), state: b.state })),
  };
}
