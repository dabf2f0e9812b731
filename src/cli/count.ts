/** tokj count [--model M] [FILE|-]: tokens in a text, and their input cost at M's price. */
import { readFileSync } from 'node:fs';
import { usageError } from '../core/errors.js';
import { formatUsd } from '../core/money.js';
import { countTokens } from '../app/estimate.js';
import { readAll } from '../io/stdin.js';
import { computeCost, loadPriceTable, resolveModel } from '../pricing/index.js';
import { plural } from '../views/format.js';
import type { Ctx } from './context.js';

export async function count(file: string | undefined, options: { model?: string; provider?: string; json?: boolean }, ctx: Ctx): Promise<void> {
  // Nothing piped in and no file: reading the terminal would wait silently (`-` asks for it).
  if (file === undefined && (ctx.stdin as { isTTY?: boolean }).isTTY === true) {
    throw usageError('count reads the text from standard input, and nothing is piped into it (it is this terminal): `tokj count prompt.txt`, `tokj count < prompt.txt` or `echo "hello" | tokj count`', 'stdin_is_terminal');
  }
  const text = file === undefined || file === '-' ? await readAll(ctx.stdin) : readFileSync(file, 'utf8');
  const result = countTokens(text, options.model);
  const price = options.model ? resolveModel(loadPriceTable(), { model: options.model, ...(options.provider ? { provider: options.provider } : {}) }) : null;
  const cost = price ? computeCost(price, { inputTokens: result.tokens, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 }).costUsd : null;
  if (options.json) {
    ctx.out(JSON.stringify({ tokens: result.tokens, encoding: result.encoding, exact: result.exact, model: options.model ?? null, input_cost_usd: cost }));
    return;
  }
  const approx = result.exact ? '' : ' (approximation: not this model’s own tokenizer)';
  const costText = cost === null ? (options.model ? ', unpriced' : '') : `, ${formatUsd(cost)} as input to ${options.model}`;
  ctx.out(`${plural(result.tokens, 'token')} (${result.encoding})${costText}${approx}`);
}
