/**
 * tokj reconcile: the journal held against the provider's own usage and cost reports. Parse,
 * call the flow (src/app/reconcile.ts), print; exit 1 when a row drifts. Read-only on the
 * journal; --write adds one new file under monitoring/reconciliations.
 */
import path from 'node:path';
import { EXIT } from '../core/errors.js';
import { reconcile, writeReconciliation } from '../app/reconcile.js';
import { parseReconcileFlags, type ReconcileFlags } from '../reconcile/options.js';
import { renderCsv, renderJson } from '../reconcile/render-data.js';
import { renderMarkdown } from '../reconcile/render-markdown.js';
import { renderTable } from '../reconcile/render-table.js';
import { collect } from './args.js';
import { existingLayout, relativeToCwd, type Ctx, type DirOption } from './context.js';
import { examples, withDir, type TokjCommand } from './program.js';

export interface ReconcileCommandOptions extends DirOption, ReconcileFlags {
  write?: boolean;
}

export async function reconcileCommand(files: string[], flags: ReconcileCommandOptions, ctx: Ctx): Promise<number> {
  const options = parseReconcileFlags(flags);
  const layout = existingLayout(ctx, flags);
  const now = ctx.now();
  const rec = await reconcile({ paths: files.map((f) => path.resolve(ctx.cwd, f)), options, layout, now, env: ctx.env, show: (f) => relativeToCwd(ctx, f) });
  for (const notice of rec.notices) ctx.err(`note: ${notice}`);
  const render = { table: renderTable, json: renderJson, csv: renderCsv, markdown: renderMarkdown }[options.format];
  ctx.out(render(rec).replace(/\n$/, ''));
  if (flags.write) ctx.err(`wrote ${relativeToCwd(ctx, writeReconciliation(layout, renderMarkdown(rec), now))}`);
  return rec.summary.drifting_rows > 0 ? EXIT.alert : EXIT.ok;
}

export function register(program: TokjCommand, ctx: Ctx): void {
  withDir(program.command('reconcile').argument('[files...]', "the provider's usage and cost reports: Admin API pages (JSON) or console exports (CSV); a directory reads its .json and .csv files"))
    .description("hold the journal against the provider's own usage and cost reports, per UTC day, provider and model; exit 1 when a row drifts")
    .option('--since <date>', 'first UTC day to compare, YYYY-MM-DD (default: the first day the reports cover)')
    .option('--until <date>', 'last UTC day to compare, inclusive (default: the last day the reports cover)')
    .option('--map <dimension=label:key>', 'compare per project, key or workspace: the report dimension (project_id, api_key_id, workspace_id, user_id, api_key, workspace) the journal label KEY holds (repeatable)', collect)
    .option('--tolerance <amount>', "a row matches within this: dollars, a percent of the provider's amount, or both (the larger applies); default 0.01,0.5%")
    .option('--format <format>', 'table (default), json, csv or markdown')
    .option('--write', 'also write the reconciliation as markdown under monitoring/reconciliations/ (its path goes to stderr)')
    .option('--fetch <provider>', 'download the reports from the Admin API first: openai (key in OPENAI_ADMIN_KEY) or anthropic (ANTHROPIC_ADMIN_KEY); the only network access, default range the last 7 UTC days')
    .option('--max-pages <n>', 'with --fetch: give up after this many pages per endpoint (default 20)')
    .addHelpText(
      'after',
      `
Statuses: match, missing_calls, unknown_to_provider, price_drift (exit 1 when any of these
three), other_charges, provisional (today and yesterday, UTC). Exit 3 when a report cannot
be read or is not one; nothing is written then.
${examples(
  'tokj reconcile billing/openai-usage-*.json billing/openai-costs-*.json',
  'tokj reconcile billing/ --since 2026-11-01 --until 2026-11-15 --write',
  'tokj reconcile claude-cost-export.csv --map api_key=label:key --format csv',
  'OPENAI_ADMIN_KEY=sk-admin-… tokj reconcile --fetch openai --format json | jq .summary',
)}`,
    )
    .action((files: string[], options: ReconcileCommandOptions) => reconcileCommand(files, options, ctx));
}
