/**
 * What auto-collect and wrap do with the calls found in provider output: refuse a batch
 * with a bad call (exit 3, nothing written) unless --skip-invalid, estimate calls without
 * usage when --estimate asks, then record through the same flow as `tokj record`
 * (record-usage.ts), or, with --dry-run, price them the way that flow would and write nothing.
 */
import { rejectedInput, usageError } from '../core/errors.js';
import { tokenCountFields, type TokenCountFields } from '../core/usage.js';
import { describeFailure, refuseOutcome, type FailedOutcome } from '../ingest/refusal.js';
import type { CallOutcome, ExtractedCall } from '../providers/types.js';
import { plural } from '../views/format.js';
import { readConfig } from './config.js';
import { countTokens } from './estimate.js';
import type { JournalAccess } from './journal-access.js';
import type { Layout } from './layout.js';
import { PriceBook } from './pricing.js';
import type { CallInput } from './record.js';
import { recordUsage, type UsageResult } from './record-usage.js';

/** What the person said about every collected call (flags that override or add to the payload). */
export interface CollectNaming {
  provider?: string | undefined;
  model?: string | undefined;
  agent?: string | undefined;
  operation?: string | undefined;
  note?: string | undefined;
  labels: Record<string, string>;
}

export interface AcceptPolicy {
  /** Record the good calls and report the bad ones, instead of refusing the batch. */
  skipInvalid: boolean;
  /** Count the text of calls without usage with tiktoken; the prompt's text when one was given. */
  estimate: { prompt: string | null } | null;
}

/**
 * The calls to record, after refusing or skipping the bad ones; `say` gets the lines a person
 * should read on stderr (skipped calls, unbilled batch lines, estimate caveats). Throws exit 3
 * when nothing may be written.
 */
export function acceptCalls(outcomes: CallOutcome[], naming: CollectNaming, policy: AcceptPolicy, say: (line: string) => void): ExtractedCall[] {
  const good: ExtractedCall[] = [];
  const bad: FailedOutcome[] = [];
  const unbilled: FailedOutcome[] = [];
  for (const o of outcomes) {
    if (o.ok) good.push(o.call);
    else if (o.code === 'not_billed') unbilled.push(o);
    else if (o.code === 'no_usage' && policy.estimate) good.push(estimateCall(o, naming, policy.estimate.prompt, say));
    else bad.push(o);
  }
  if (outcomes.length === 0) throw rejectedInput('no input: nothing to record (pipe a provider response into tokj auto-collect, or name files)', 'empty_input');
  const noUsageHint = (o: FailedOutcome): string =>
    o.code === 'no_usage' ? ' (ask the API for usage, e.g. OpenAI stream_options: {"include_usage": true}, or pass --estimate to count the text with tiktoken)' : '';
  if (bad.length > 0 && !policy.skipInvalid) {
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
  for (const o of bad) say(`skipped ${describeFailure(o, outcomes.length)}`);
  if (unbilled.length > 0) say(unbilledNotice(unbilled));
  if (good.length === 0 && unbilled.length > 0 && bad.length === 0) return good;
  if (good.length === 0) throw rejectedInput(`none of the ${plural(outcomes.length, 'call')} could be recorded`, bad[0]?.code ?? 'rejected');
  return good;
}

/** A call without usage, counted from its text with tiktoken (marked estimated). */
function estimateCall(failed: FailedOutcome, naming: CollectNaming, prompt: string | null, say: (line: string) => void): ExtractedCall {
  const model = naming.model ?? failed.model ?? undefined;
  const output = countTokens(failed.outputText ?? '', model);
  if (!output.exact) say(`warning: ${model ?? 'this model'} is not an OpenAI model; its token count (${output.encoding}) is an approximation`);
  if (prompt === null) say('warning: no --prompt-file given: the estimate counts output tokens only (input recorded as 0)');
  return {
    provider: naming.provider ?? failed.provider ?? 'unknown',
    model: model ?? null,
    requestId: failed.requestId ?? null,
    inputTokens: prompt === null ? 0 : countTokens(prompt, model).tokens,
    outputTokens: output.tokens,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    estimated: true,
  };
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

function toInput(call: ExtractedCall, naming: CollectNaming): CallInput {
  return {
    provider: naming.provider ?? call.provider,
    model: naming.model ?? call.model ?? undefined,
    usage: call,
    agent: naming.agent,
    operation: naming.operation,
    note: naming.note,
    requestId: call.requestId ?? undefined,
    labels: naming.labels,
    estimated: call.estimated ?? false,
  };
}

/** A call as --dry-run shows it: what would be recorded, priced as the record would price it. */
export interface QuotedCall extends TokenCountFields {
  dry_run: true;
  provider: string;
  model: string | null;
  request_id: string | null;
  cost_usd: string | null;
  estimated: boolean;
}

/**
 * Prices the calls as recording them would, the journal's Custom Prices included (when there
 * is a journal), and writes nothing: the price cache is read, never saved.
 */
export async function quoteCalls(layout: Layout, calls: ExtractedCall[], naming: CollectNaming): Promise<QuotedCall[]> {
  const config = await readConfig(layout, { readOnly: true });
  const prices = new PriceBook(layout.stateDir, config);
  return calls.map((call) => {
    const input = toInput(call, naming);
    const provider = input.provider ?? call.provider;
    return {
      dry_run: true,
      provider,
      model: input.model ?? null,
      request_id: input.requestId ?? null,
      ...tokenCountFields(call),
      cost_usd: input.model ? prices.price(provider, input.model, call).cost_usd : null,
      estimated: input.estimated ?? false,
    };
  });
}

export interface CollectRequest {
  session?: string | undefined;
  naming: CollectNaming;
  allowDuplicate?: boolean | undefined;
  enforce?: boolean | undefined;
}

/** Records accepted calls into the session; a call that names no model (and no --model) refuses all. */
export async function recordCollected(journal: JournalAccess, calls: ExtractedCall[], request: CollectRequest): Promise<UsageResult> {
  for (const call of calls) {
    if (!(request.naming.model ?? call.model)) {
      throw usageError(`a ${call.provider} response names no model: pass --model NAME (the model you called); nothing was recorded`, 'no_model');
    }
  }
  return recordUsage(journal, {
    session: request.session,
    allowDuplicate: request.allowDuplicate,
    enforce: request.enforce,
    calls: () => calls.map((c) => toInput(c, request.naming)),
  });
}
