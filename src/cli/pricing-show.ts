/** tokj pricing show MODEL: the price entry a model resolves to, its rates and where they came from. */
import Big from 'big.js';
import { usageError } from '../core/errors.js';
import { readConfig } from '../app/config.js';
import { loadPriceTable, loadToolFeeTable, resolveModel } from '../pricing/index.js';
import { rateSheet } from '../pricing/rate-sheet.js';
import { existsSync } from 'node:fs';
import { layoutFor, type Ctx, type DirOption } from './context.js';
import { examples, withDir, type TokjCommand } from './program.js';

export interface PricingShowOptions extends DirOption {
  provider?: string;
  json?: boolean;
}

const perMillion = (rate: string | undefined): string => (rate === undefined ? '-' : `$${new Big(rate).times(1_000_000).toString()}`);

export function register(program: TokjCommand, ctx: Ctx): void {
  const pricing = program.command('pricing').description('the shipped price table and your custom prices');
  withDir(pricing.command('show').argument('<model>', 'model name as you or the API spell it'))
    .description('the price entry a model resolves to, and where it came from')
    .option('--provider <name>', 'provider hint')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('tokj pricing show gpt-4o', 'tokj pricing show claude-sonnet-4-5-20250929', 'tokj pricing show models/gemini-2.5-pro --json'))
    .action(async (model: string, options: PricingShowOptions) => {
      await pricingShow(model, options, ctx);
    });
}

export async function pricingShow(model: string, options: PricingShowOptions, ctx: Ctx): Promise<void> {
  const layout = layoutFor(ctx, options);
  const config = existsSync(layout.root) ? await readConfig(layout) : { prices: [], settings: {} };
  const resolved = resolveModel(loadPriceTable(), { model, ...(options.provider ? { provider: options.provider } : {}) }, config.prices);
  if (!resolved) {
    throw usageError(
      `no price for ${options.provider ? `${options.provider}/` : ''}${model}; calls to it are recorded as unpriced. Add a row to the "Custom Prices" table in ${layout.configMd}.`,
      'unpriced',
    );
  }
  const sheet = rateSheet(resolved, options.provider ?? resolved.entry.litellm_provider, loadPriceTable(), loadToolFeeTable());
  if (options.json) {
    ctx.out(JSON.stringify({ ...resolved, billing: sheet }));
    return;
  }
  const e = resolved.entry;
  ctx.out(`${model} -> ${resolved.key} (matched by ${resolved.matchedBy})`);
  ctx.out(`  source: ${resolved.source}`);
  ctx.out(`  provider: ${e.litellm_provider}, mode: ${e.mode}`);
  ctx.out(`  input ${perMillion(e.input_cost_per_token)}/1M, output ${perMillion(e.output_cost_per_token)}/1M`);
  ctx.out(`  cache read ${perMillion(e.cache_read_input_token_cost ?? e.input_cost_per_token_cache_hit)}/1M, cache write 5m ${perMillion(e.cache_creation_input_token_cost)}/1M, 1h ${perMillion(e.cache_creation_input_token_cost_above_1hr)}/1M`);
  if (e.output_cost_per_reasoning_token) ctx.out(`  reasoning ${perMillion(e.output_cost_per_reasoning_token)}/1M`);
  for (const [field, value] of Object.entries(e)) {
    if (/_above_\d+k_tokens$/.test(field) && typeof value === 'string') ctx.out(`  ${field.replace(/_cost_per_token|_token_cost/, '')}: ${perMillion(value)}/1M`);
  }
  if (resolved.alias) ctx.out(`  tier and batch rates it lacks: from ${resolved.alias.key}`);
  for (const t of sheet.tiers) {
    const rule = t.rules.length > 0 ? ` (${t.rules.map((r) => r.replace(/^\w+: /, '')).join('; ')})` : '';
    ctx.out(`  ${t.tier}: input ${perMillion(t.input)}/1M, cache read ${perMillion(t.cacheRead)}/1M, output ${perMillion(t.output)}/1M${rule}`);
  }
  const modal = Object.entries(sheet.modalities).map(([k, v]) => `${k.replace('_', ' ')} ${perMillion(v)}/1M`);
  if (modal.length > 0) ctx.out(`  ${modal.join(', ')}`);
  for (const f of sheet.tools) ctx.out(`  tool ${f.tool}: $${f.unitUsd} per use (${f.source})`);
}
