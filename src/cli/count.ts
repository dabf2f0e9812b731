/** tokj count [--model M] [FILE|-]: tokens in a text, and their input cost at M's price. */
import { usageError } from '../core/errors.js';
import { formatUsd } from '../core/money.js';
import { countTokens } from '../app/estimate.js';
import { computeCost, loadPriceTable, resolveModel } from '../pricing/index.js';
import { plural } from '../views/format.js';
import { withDir, examples, type TokjCommand } from './program.js';
import type { Ctx } from './context.js';
import { readInputText } from './input.js';

export function register(program: TokjCommand, ctx: Ctx): void {
  withDir(program.command('count').argument('[file]', 'text file, or - for standard input (default)'))
    .description('count the tokens of a text, and their input cost at a model\'s price')
    .option('--model <name>', 'model whose tokenizer and price to use')
    .option('--provider <name>', 'provider hint for the price')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('tokj count --model gpt-4o prompt.txt', 'echo "hello" | tokj count'))
    .action(async (file: string | undefined, options: { model?: string; provider?: string; json?: boolean }) => {
      await count(file, options, ctx);
    });
}

export async function count(file: string | undefined, options: { model?: string; provider?: string; json?: boolean }, ctx: Ctx): Promise<void> {
  // Nothing piped in and no file: reading the terminal would wait silently (`-` asks for it).
  if (file === undefined && (ctx.stdin as { isTTY?: boolean }).isTTY === true) {
    throw usageError('count reads the text from standard input, and nothing is piped into it (it is this terminal): `tokj count prompt.txt`, `tokj count < prompt.txt` or `echo "hello" | tokj count`', 'stdin_is_terminal');
  }
  const text = await readInputText(file ?? '-', ctx, 'nothing was counted');
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
