/** tokj status [--watch]: a session's totals so far, its budgets, per model and per agent. */
import { modelsInOrder, type SessionState } from '../core/session-state.js';
import { budgetJson, budgetUsedText, type BudgetStatus } from '../app/budget.js';
import { sessionStatus } from '../app/budget-check.js';
import { formatCount } from '../core/money.js';
import { plural, totalCostText } from '../views/format.js';
import { existingLayout, journalAccess, type Ctx, type DirOption } from './context.js';
import { examples, withDir, type TokjCommand } from './program.js';
import { watch } from './watch.js';
import { parseCount } from './args.js';

export interface StatusOptions extends DirOption {
  session?: string;
  json?: boolean;
  watch?: boolean;
  count?: string;
}

export function register(program: TokjCommand, ctx: Ctx): void {
  withDir(program.command('status'))
    .description("a session's totals so far, per model and per agent")
    .option('--session <id>', 'session (default: $TOKJ_SESSION, else the only active session)')
    .option('--json', 'print JSON')
    .option('--watch', 'redraw the active sessions every second (q or Ctrl-C quits); plain snapshots when not a terminal')
    .option('--count <n>', 'with --watch: stop after n redraws')
    .addHelpText('after', examples('tokj status', 'tokj status --session sess-42 --json | jq .totals.cost_usd', 'tokj status --watch'))
    .action(async (options) => {
      await status(options, ctx);
    });
}

export async function status(options: StatusOptions, ctx: Ctx): Promise<void> {
  const layout = existingLayout(ctx, options);
  if (options.watch) {
    await watch(layout, ctx, options.count === undefined ? {} : { count: parseCount(options.count, '--count') });
    return;
  }
  const { session: s, budgets } = await sessionStatus(journalAccess(ctx, layout), options.session);
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
    budgets: budgets.map(budgetJson),
  };
}
