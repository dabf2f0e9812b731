/**
 * tokj budget check: exit 0 under budget, 1 over; --quiet for `while tokj budget check
 * --quiet; do …; done`. Checks the session budget and the configured daily and monthly ones.
 * A budget in warning or exceeded is logged as an alert if no record (alert.auto, --enforce)
 * or earlier check logged it yet: once, whoever sees it first (alerts.ts).
 */
import { EXIT, usageError } from '../core/errors.js';
import { budgetJson, budgetMessage } from '../app/budget.js';
import { checkBudgets } from '../app/budget-check.js';
import { existingLayout, journalAccess, type Ctx, type DirOption } from './context.js';
import { examples, withDir, type TokjCommand } from './program.js';

export interface BudgetOptions extends DirOption {
  session?: string;
  period?: string;
  quiet?: boolean;
  json?: boolean;
}

export function register(program: TokjCommand, ctx: Ctx): void {
  const budget = program.command('budget').description('session, daily and monthly budgets');
  withDir(budget.command('check'))
    .description('exit 0 under budget, 1 over; a budget in warning or exceeded is logged as an alert once')
    .option('--session <id>', 'session (default: $TOKJ_SESSION, else the only active session)')
    .option('--period <period>', 'session, day or month (default: every budget that applies)')
    .option('-q, --quiet', 'print nothing; only the exit code')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('tokj budget check', 'while tokj budget check --quiet; do ./agent-step.sh; done', 'tokj budget check --period month --json'))
    .action((options: BudgetOptions) => budgetCheck(options, ctx));
}

export async function budgetCheck(options: BudgetOptions, ctx: Ctx): Promise<number> {
  const period = options.period;
  if (period !== undefined && period !== 'session' && period !== 'day' && period !== 'month') throw usageError('--period takes session, day or month', 'bad_flag');
  const layout = existingLayout(ctx, options);
  const statuses = await checkBudgets(journalAccess(ctx, layout), { session: options.session, period });
  const exceeded = statuses.some((b) => b.state === 'exceeded');
  if (options.json) {
    ctx.out(JSON.stringify({ exceeded, budgets: statuses.map(budgetJson) }));
  } else if (!options.quiet) {
    for (const b of statuses) (b.state === 'ok' ? ctx.out : ctx.err)(budgetMessage(b));
  }
  return exceeded ? EXIT.alert : EXIT.ok;
}
