/** tokj record INPUT OUTPUT [PROVIDER] [MODEL] [NOTE]: one model call's usage, from numbers. */
import { EXIT, usageError } from '../core/errors.js';
import { formatCount, formatUsd } from '../core/money.js';
import type { SessionState } from '../core/session-state.js';
import { placeModelName } from '../app/model-args.js';
import type { RecordOutcome } from '../app/record.js';
import { recordUsage } from '../app/record-usage.js';
import { trace } from '../io/trace.js';
import { totalCostText } from '../views/format.js';
import { parseBillingFlags, type BillingFlags } from './billing-args.js';
import { collect, parseAttempt, parseCount, parseLabels, parseOptionalCount } from './args.js';
import { existingLayout, journalAccess, type Ctx, type DirOption } from './context.js';
import { examples, withDir, type TokjCommand } from './program.js';

export interface RecordOptions extends DirOption, BillingFlags {
  session?: string;
  provider?: string;
  model?: string;
  cacheRead?: string;
  cacheWrite?: string;
  reasoning?: string;
  agent?: string;
  operation?: string;
  attempt?: string;
  requestId?: string;
  note?: string;
  label?: string[];
  json?: boolean;
  enforce?: boolean;
}

export interface RecordArgs {
  input: string;
  output: string;
  provider?: string;
  model?: string;
  note?: string;
}

export function register(program: TokjCommand, ctx: Ctx): void {
  withDir(program.command('record').argument('<input>', 'input (prompt) tokens, cache reads and writes included').argument('<output>', 'output tokens, reasoning included').argument('[provider]', 'provider (or a model alone: its provider is read from the price table)').argument('[model]').argument('[note]'))
    .description("record one model call's usage into the session")
    .option('--session <id>', 'session (default: $TOKJ_SESSION, else the only active session)')
    .option('--provider <name>', "provider (default: the session's)")
    .option('--model <name>', "model (default: the session's)")
    .option('--cache-read <n>', 'part of INPUT read from a prompt cache')
    .option('--cache-write <n>', 'part of INPUT written to a prompt cache')
    .option('--reasoning <n>', 'part of OUTPUT spent on reasoning')
    .option('--tier <name>', 'service tier the response reported (flex, priority, scale): priced at its rates')
    .option('--batch', 'a Batch API result: priced at the batch rates')
    .option('--tool <name=n>', 'server-side tool uses billed per use, like web_search=2 (repeatable)', collect)
    .option('--audio-in <n>', 'part of INPUT that is audio')
    .option('--audio-out <n>', 'part of OUTPUT that is audio')
    .option('--image-in <n>', 'part of INPUT that is image')
    .option('--image-out <n>', 'part of OUTPUT that is image')
    .option('--agent <name>', "agent that made the call (default: the session's)")
    .option('--operation <name>', 'what the call was for (plan, edit, embed, ...)')
    .option('--attempt <n/m>', 'retry attempt, like 2/3')
    .option('--request-id <id>', 'provider request id: the same id is recorded once')
    .option('--note <text>', 'a note shown in the session table')
    .option('--label <key=value>', 'label (repeatable)', collect)
    .option('--json', 'print the stored record as one JSON line')
    .option('--enforce', 'exit 1 when this call leaves a budget exceeded (or, with alert.auto, fires an anomaly alert)')
    .addHelpText('after', examples('tokj record 1500 800', 'tokj record 1200 300 anthropic claude-sonnet-4-20250514 "retry after parse error" --attempt 2/2', 'tokj record 9000 700 --cache-read 8192 --reasoning 300 --request-id chatcmpl-abc --json'))
    .action((input, output, provider, model, note, options) => record({ input, output, provider, model, note }, options, ctx));
}

export async function record(args: RecordArgs, options: RecordOptions, ctx: Ctx): Promise<number> {
  // Validate everything before touching the journal: bad input leaves every file as it was.
  const inputTokens = parseCount(args.input, 'INPUT');
  const outputTokens = parseCount(args.output, 'OUTPUT');
  const cacheReadTokens = parseOptionalCount(options.cacheRead, '--cache-read');
  const cacheWriteTokens = parseOptionalCount(options.cacheWrite, '--cache-write');
  const reasoningTokens = parseOptionalCount(options.reasoning, '--reasoning');
  if (cacheReadTokens + cacheWriteTokens > inputTokens) {
    throw usageError(`--cache-read plus --cache-write (${formatCount(cacheReadTokens + cacheWriteTokens)}) cannot exceed INPUT (${formatCount(inputTokens)}): cached tokens are part of the input`, 'bad_count');
  }
  if (reasoningTokens > outputTokens) {
    throw usageError(`--reasoning (${formatCount(reasoningTokens)}) cannot exceed OUTPUT (${formatCount(outputTokens)}): reasoning tokens are part of the output`, 'bad_count');
  }
  if (!Number.isSafeInteger(inputTokens + outputTokens)) throw usageError('INPUT + OUTPUT is larger than 2^53-1; split the call', 'bad_count');
  if (args.provider !== undefined && options.provider !== undefined && args.provider !== options.provider) {
    throw usageError(`PROVIDER ${args.provider} and --provider ${options.provider} disagree; give one`, 'conflict');
  }
  if (args.model !== undefined && options.model !== undefined && args.model !== options.model) {
    throw usageError(`MODEL ${args.model} and --model ${options.model} disagree; give one`, 'conflict');
  }
  const billing = parseBillingFlags(options, inputTokens, outputTokens, reasoningTokens);
  const attempt = parseAttempt(options.attempt);
  const labels = parseLabels(options.label);
  const layout = existingLayout(ctx, options);
  trace('args');
  const result = await recordUsage(journalAccess(ctx, layout), {
    session: options.session,
    enforce: options.enforce,
    calls: (session, config) => {
      // `tokj record 1000 100 gpt-4o`: a model where the provider goes.
      const named = placeModelName(
        { provider: args.provider ?? options.provider, model: args.model ?? options.model },
        { providers: [session.provider], userPrices: config.prices, example: (p, m) => `tokj record ${args.input} ${args.output} ${p} ${m}` },
      );
      const usage = { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, ...billing };
      return [{ ...named, usage, agent: options.agent, operation: options.operation, attempt, note: options.note ?? args.note, requestId: options.requestId, labels }];
    },
  });
  printOutcome(result.outcomes[0]!, result.session, options.json ?? false, ctx);
  for (const m of result.checks.messages) ctx.err(m);
  return result.breached ? EXIT.alert : EXIT.ok;
}

function printOutcome(outcome: RecordOutcome, session: SessionState, json: boolean, ctx: Ctx): void {
  const r = outcome.record;
  if (outcome.duplicateOf !== undefined) {
    if (json) ctx.out(JSON.stringify({ duplicate: true, request_id: r.request_id, existing_id: outcome.duplicateOf }));
    else ctx.out(`Already recorded: request id ${r.request_id} is ${outcome.duplicateOf}; nothing written (use --allow-duplicate to record it again)`);
    return;
  }
  if (json) {
    ctx.out(JSON.stringify(r));
    return;
  }
  const cost = r.cost_usd === null ? 'n/a (unpriced)' : `${r.estimated ? '~' : ''}${formatUsd(r.cost_usd)}`;
  ctx.out(`Recorded ${formatCount(r.input_tokens)} in / ${formatCount(r.output_tokens)} out on ${r.model}: ${cost} (session total ${totalCostText(session.totals)})`);
}
