import { EXIT, usageError } from '../core/errors.js';
import { afterRecord, type AfterRecordResult } from '../app/post-record.js';
import { trace } from '../io/trace.js';
import { formatCount, formatUsd } from '../core/money.js';
import { readConfig } from '../app/config.js';
import { PriceBook } from '../app/pricing.js';
import { placeModelName } from '../app/model-args.js';
import { recordCalls, resolveSession, type RecordOutcome } from '../app/record.js';
import { JournalTxn } from '../app/txn.js';
import { totalCostText } from '../views/format.js';
import { parseBillingFlags, type BillingFlags } from './billing-args.js';
import { collect, parseAttempt, parseCount, parseLabels, parseOptionalCount } from './args.js';
import { existingLayout, relativeToCwd, txnContext, type Ctx, type DirOption } from './context.js';
import type { SessionState } from '../core/session-state.js';

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

export { collect };

export interface RecordArgs {
  input: string;
  output: string;
  provider?: string;
  model?: string;
  note?: string;
}

export async function record(args: RecordArgs, options: RecordOptions, ctx: Ctx): Promise<{ outcome: RecordOutcome; exitCode: number }> {
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
  const note = options.note ?? args.note;
  const layout = existingLayout(ctx, options);
  trace('args');
  const config = await readConfig(layout);
  trace('config');
  let session: SessionState | undefined;
  let checks: AfterRecordResult | undefined;
  const [outcome] = await JournalTxn.run(txnContext(ctx, layout), async (txn) => {
    session = resolveSession(txn, options.session, ctx.env);
    // `tokj record 1000 100 gpt-4o`: a model where the provider goes.
    const named = placeModelName(
      { provider: args.provider ?? options.provider, model: args.model ?? options.model },
      { providers: [session.provider], userPrices: config.prices, example: (p, m) => `tokj record ${args.input} ${args.output} ${p} ${m}` },
    );
    const outcomes = await recordCalls(
      txn,
      session,
      [
        {
          provider: named.provider,
          model: named.model,
          usage: { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, ...billing },
          agent: options.agent,
          operation: options.operation,
          attempt,
          note,
          requestId: options.requestId,
          labels,
        },
      ],
      { config, prices: new PriceBook(layout.stateDir, config), configLabel: relativeToCwd(ctx, layout.configMd), now: ctx.now(), warn: (m) => ctx.err(`warning: ${m}`) },
    );
    checks = afterRecord(txn, session, outcomes.filter((o) => o.duplicateOf === undefined).map((o) => o.record), config, options.enforce ?? false, ctx.now());
    return outcomes;
  });
  if (!outcome || !session) throw new Error('record produced no outcome');
  report(outcome, session, options.json ?? false, ctx);
  for (const m of checks?.messages ?? []) ctx.err(m);
  const exitCode = options.enforce && (checks?.overBudget || checks?.anomaly) ? EXIT.alert : EXIT.ok;
  return { outcome, exitCode };
}

export function report(outcome: RecordOutcome, session: SessionState, json: boolean, ctx: Ctx): void {
  const r = outcome.record;
  if (outcome.duplicateOf !== undefined) {
    const message = `Already recorded: request id ${r.request_id} is ${outcome.duplicateOf}; nothing written (use --allow-duplicate to record it again)`;
    if (json) ctx.out(JSON.stringify({ duplicate: true, request_id: r.request_id, existing_id: outcome.duplicateOf }));
    else ctx.out(message);
    return;
  }
  if (json) {
    ctx.out(JSON.stringify(r));
    return;
  }
  const cost = r.cost_usd === null ? 'n/a (unpriced)' : `${r.estimated ? '~' : ''}${formatUsd(r.cost_usd)}`;
  ctx.out(`Recorded ${formatCount(r.input_tokens)} in / ${formatCount(r.output_tokens)} out on ${r.model}: ${cost} (session total ${totalCostText(session.totals)})`);
}
