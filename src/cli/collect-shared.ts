/**
 * What auto-collect and wrap do with the calls found in provider output: refuse a batch
 * with a bad call (exit 3, nothing written) unless --skip-invalid, estimate calls without
 * usage when --estimate asks, then record through the same path as `tokj record`.
 */
import { readFileSync } from 'node:fs';
import { EXIT, rejectedInput, usageError } from '../core/errors.js';
import { afterRecord, type AfterRecordResult } from '../app/post-record.js';
import { formatCount, formatUsd } from '../core/money.js';
import type { SessionState } from '../core/session-state.js';
import type { CallOutcome, ExtractedCall } from '../providers/types.js';
import { describeFailure, refuseOutcome, type FailedOutcome } from '../ingest/refusal.js';
import { readConfig } from '../app/config.js';
import { countTokens } from '../app/estimate.js';
import { PriceBook } from '../app/pricing.js';
import { recordCalls, resolveSession, type CallInput, type RecordOutcome } from '../app/record.js';
import { JournalTxn } from '../app/txn.js';
import { billCall, loadPriceTable, loadToolFeeTable, resolveModel } from '../pricing/index.js';
import { plural, totalCostText } from '../views/format.js';
import { parseLabels } from './args.js';
import { existingLayout, relativeToCwd, txnContext, type Ctx, type DirOption } from './context.js';

export interface CollectOptions extends DirOption {
  session?: string;
  provider?: string;
  model?: string;
  agent?: string;
  operation?: string;
  note?: string;
  label?: string[];
  json?: boolean;
  dryRun?: boolean;
  tee?: boolean;
  skipInvalid?: boolean;
  allowDuplicate?: boolean;
  estimate?: boolean;
  promptFile?: string;
  enforce?: boolean;
}

/** A call without usage, counted from its text with tiktoken when --estimate asks for it. */
function estimateCall(failed: FailedOutcome, options: CollectOptions, ctx: Ctx): ExtractedCall {
  const model = options.model ?? failed.model ?? undefined;
  const output = countTokens(failed.outputText ?? '', model);
  const prompt = options.promptFile ? countTokens(readFileSync(options.promptFile, 'utf8'), model).tokens : 0;
  if (!output.exact) ctx.err(`warning: ${model ?? 'this model'} is not an OpenAI model; its token count (${output.encoding}) is an approximation`);
  if (!options.promptFile) ctx.err('warning: no --prompt-file given: the estimate counts output tokens only (input recorded as 0)');
  return {
    provider: options.provider ?? failed.provider ?? 'unknown',
    model: model ?? null,
    requestId: failed.requestId ?? null,
    inputTokens: prompt,
    outputTokens: output.tokens,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    estimated: true,
  };
}

/** Good calls, after refusing or skipping the bad ones. Throws exit 3 when nothing may be written. */
export function acceptOutcomes(outcomes: CallOutcome[], options: CollectOptions, ctx: Ctx): ExtractedCall[] {
  const good: ExtractedCall[] = [];
  const bad: FailedOutcome[] = [];
  const unbilled: FailedOutcome[] = [];
  for (const o of outcomes) {
    if (o.ok) good.push(o.call);
    else if (o.code === 'not_billed') unbilled.push(o);
    else if (o.code === 'no_usage' && options.estimate) good.push(estimateCall(o, options, ctx));
    else bad.push(o);
  }
  if (outcomes.length === 0) throw rejectedInput('no input: nothing to record (pipe a provider response into tokj auto-collect, or name files)', 'empty_input');
  const noUsageHint = (o: FailedOutcome): string =>
    o.code === 'no_usage' ? ' (ask the API for usage, e.g. OpenAI stream_options: {"include_usage": true}, or pass --estimate to count the text with tiktoken)' : '';
  if (bad.length > 0 && !options.skipInvalid) {
    const first = bad[0]!;
    if (bad.length === 1) {
      const e = refuseOutcome(first, outcomes.length);
      e.message += `${noUsageHint(first)}; nothing was recorded`;
      throw e;
    }
    throw rejectedInput(
      `${bad.length} of ${outcomes.length} calls cannot be recorded; nothing was recorded (--skip-invalid records the others):\n` +
        bad.map((o) => `  ${describeFailure(o, outcomes.length)}${noUsageHint(o)}`).join('\n'),
      first.code,
    );
  }
  for (const o of bad) ctx.err(`skipped ${describeFailure(o, outcomes.length)}`);
  if (unbilled.length > 0) ctx.err(unbilledNotice(unbilled));
  if (good.length === 0 && unbilled.length > 0 && bad.length === 0) return good;
  if (good.length === 0) throw rejectedInput(`none of the ${plural(outcomes.length, 'call')} could be recorded`, bad[0]?.code ?? 'rejected');
  return good;
}

/**
 * Batch lines that errored, expired or were canceled were not billed: counted by reason and
 * reported, never recorded, and they do not fail the file.
 */
function unbilledNotice(unbilled: FailedOutcome[]): string {
  const byReason = new Map<string, number>();
  for (const o of unbilled) byReason.set(o.reason ?? 'failed', (byReason.get(o.reason ?? 'failed') ?? 0) + 1);
  const reasons = [...byReason].map(([r, n]) => `${r}: ${n}`).join(', ');
  return `${plural(unbilled.length, 'batch line')} not billed (${reasons}); not recorded`;
}

function toInput(call: ExtractedCall, options: CollectOptions, labels: Record<string, string>): CallInput {
  return {
    provider: options.provider ?? call.provider,
    model: options.model ?? call.model ?? undefined,
    usage: call,
    agent: options.agent,
    operation: options.operation,
    note: options.note,
    requestId: call.requestId ?? undefined,
    labels,
    estimated: call.estimated ?? false,
  };
}

/** Records accepted calls (or, with --dry-run, prints what would be recorded and writes nothing). */
export async function recordCollected(calls: ExtractedCall[], options: CollectOptions, ctx: Ctx): Promise<number> {
  // Only unbilled batch lines: nothing to record, and nothing wrong (reported already).
  if (calls.length === 0) return EXIT.ok;
  const labels = parseLabels(options.label);
  // With --tee standard output carries the provider's bytes: reports go to stderr.
  const say = options.tee ? ctx.err : ctx.out;
  if (options.dryRun) {
    for (const call of calls) {
      const input = toInput(call, options, labels);
      const table = loadPriceTable();
      const resolve = (model: string) => (input.provider ? resolveModel(table, { provider: input.provider, model }) : null);
      const price = input.model ? resolve(input.model) : null;
      const cost = price ? (billCall(price, call, { provider: input.provider ?? call.provider, tables: () => ({ table, fees: loadToolFeeTable() }), resolve })?.costUsd ?? null) : null;
      say(JSON.stringify({ dry_run: true, provider: input.provider, model: input.model ?? null, request_id: input.requestId ?? null, input_tokens: call.inputTokens, output_tokens: call.outputTokens, cache_read_tokens: call.cacheReadTokens, cache_write_tokens: call.cacheWriteTokens, reasoning_tokens: call.reasoningTokens, cost_usd: cost, estimated: input.estimated }));
    }
    return EXIT.ok;
  }
  for (const call of calls) {
    if (!(options.model ?? call.model)) {
      throw usageError(`a ${call.provider} response names no model: pass --model NAME (the model you called); nothing was recorded`, 'no_model');
    }
  }
  const layout = existingLayout(ctx, options);
  const config = await readConfig(layout);
  let session: SessionState | undefined;
  let checks: AfterRecordResult | undefined;
  const outcomes: RecordOutcome[] = await JournalTxn.run(txnContext(ctx, layout), async (txn) => {
    session = resolveSession(txn, options.session, ctx.env);
    const recorded = await recordCalls(txn, session, calls.map((c) => toInput(c, options, labels)), {
      config,
      prices: new PriceBook(layout.stateDir, config),
      configLabel: relativeToCwd(ctx, layout.configMd),
      now: ctx.now(),
      allowDuplicate: options.allowDuplicate ?? false,
      warn: (m) => ctx.err(`warning: ${m}`),
    });
    checks = afterRecord(txn, session, recorded.filter((o) => o.duplicateOf === undefined).map((o) => o.record), config, options.enforce ?? false, ctx.now());
    return recorded;
  });
  for (const o of outcomes) {
    const r = o.record;
    if (o.duplicateOf !== undefined) {
      ctx.err(`Already recorded: request id ${r.request_id} is ${o.duplicateOf}; not recorded again (--allow-duplicate to override)`);
      continue;
    }
    if (options.json) say(JSON.stringify(r));
    else {
      const cost = r.cost_usd === null ? 'n/a (unpriced)' : `${r.estimated ? '~' : ''}${formatUsd(r.cost_usd)}`;
      say(`Recorded ${r.estimated ? '~' : ''}${formatCount(r.input_tokens)} in / ${r.estimated ? '~' : ''}${formatCount(r.output_tokens)} out on ${r.model} (${r.provider}): ${cost}`);
    }
  }
  if (session && !options.json) say(`Session ${session.session} total: ${totalCostText(session.totals)}`);
  for (const m of checks?.messages ?? []) ctx.err(m);
  return options.enforce && (checks?.overBudget || checks?.anomaly) ? EXIT.alert : EXIT.ok;
}
