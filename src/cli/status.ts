import { modelsInOrder, type SessionState } from '../core/session-state.js';
import { formatCount, formatUsd } from '../core/money.js';
import { resolveSession } from '../app/record.js';
import { JournalTxn } from '../app/txn.js';
import { totalCostText } from '../views/format.js';
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
  // Under the lock so a crashed writer's calls are applied before we report totals.
  const s = await JournalTxn.run(txnContext(ctx, layout), (txn) => resolveSession(txn, options.session, ctx.env));
  if (options.json) {
    ctx.out(JSON.stringify(statusJson(s)));
    return;
  }
  const t = s.totals;
  ctx.out(`Session ${s.session} (${s.status}) started ${s.started}`);
  ctx.out(`  ${formatCount(t.calls)} calls, ${formatCount(t.input_tokens)} in / ${formatCount(t.output_tokens)} out, ${totalCostText(t)}`);
  if (s.budget_usd !== null) ctx.out(`  budget ${formatUsd(s.budget_usd)}`);
  ctx.out('  by model:');
  for (const m of modelsInOrder(s)) ctx.out(`    ${m.provider}/${m.model}: ${formatCount(m.calls)} calls, ${formatCount(m.total_tokens)} tokens, ${totalCostText(m)}`);
  ctx.out('  by agent:');
  for (const [agent, a] of Object.entries(s.by_agent)) ctx.out(`    ${agent}: ${formatCount(a.calls)} calls, ${formatCount(a.total_tokens)} tokens, ${totalCostText(a)}`);
}

function statusJson(s: SessionState): unknown {
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
  };
}
