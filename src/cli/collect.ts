/**
 * What auto-collect and wrap share: their options, and turning the calls found in provider
 * output into a record (app/collect.ts) and the lines that report it.
 */
import type { Command } from 'commander';
import { EXIT } from '../core/errors.js';
import { formatCount, formatUsd } from '../core/money.js';
import { acceptCalls, quoteCalls, recordCollected, type CollectNaming } from '../app/collect.js';
import type { CallOutcome } from '../providers/types.js';
import { totalCostText } from '../views/format.js';
import { collect, parseLabels } from './args.js';
import { existingLayout, journalAccess, layoutFor, type Ctx, type DirOption } from './context.js';
import { readInputText } from './input.js';
import { withDir } from './program.js';

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

export function withCollectOptions<C extends Command>(cmd: C): C {
  return withDir(cmd)
    .option('--session <id>', 'session (default: $TOKJ_SESSION, else the only active session)')
    .option('--provider <name>', 'provider, when the payload shape does not say (or to override it)')
    .option('--model <name>', 'model, for payloads that name none (Bedrock, Cohere) or to override it')
    .option('--agent <name>', 'agent that made the calls')
    .option('--operation <name>', 'what the calls were for')
    .option('--note <text>', 'a note for each recorded call')
    .option('--label <key=value>', 'label (repeatable)', collect)
    .option('--json', 'print each recorded call as one JSON line')
    .option('--dry-run', 'print what would be recorded; write nothing')
    .option('--skip-invalid', 'record the good calls of a batch and report the bad ones (default: all or nothing)')
    .option('--allow-duplicate', 'record a response whose request id the journal already holds')
    .option('--estimate', 'for a stream without usage, count its text with tiktoken (marked estimated)')
    .option('--prompt-file <file>', 'with --estimate: the prompt, to count input tokens too');
}

/**
 * Records the calls of provider output (or, with --dry-run, prints what would be recorded).
 * `say` takes the report lines: stdout, or stderr when stdout carries the provider's bytes.
 */
export async function recordOutcomes(outcomes: CallOutcome[], options: CollectOptions, ctx: Ctx, say: (line: string) => void): Promise<number> {
  const naming: CollectNaming = { provider: options.provider, model: options.model, agent: options.agent, operation: options.operation, note: options.note, labels: parseLabels(options.label) };
  const prompt = options.estimate && options.promptFile !== undefined ? await readInputText(options.promptFile, ctx) : null;
  const calls = acceptCalls(outcomes, naming, { skipInvalid: options.skipInvalid ?? false, estimate: options.estimate ? { prompt } : null }, ctx.err);
  // Only unbilled batch lines: nothing to record, and nothing wrong (reported already).
  if (calls.length === 0) return EXIT.ok;
  if (options.dryRun) {
    for (const quote of await quoteCalls(layoutFor(ctx, options), calls, naming)) say(JSON.stringify(quote));
    return EXIT.ok;
  }
  const result = await recordCollected(journalAccess(ctx, existingLayout(ctx, options)), calls, { session: options.session, naming, allowDuplicate: options.allowDuplicate, enforce: options.enforce });
  for (const o of result.outcomes) {
    const r = o.record;
    if (o.duplicateOf !== undefined) {
      ctx.err(`Already recorded: request id ${r.request_id} is ${o.duplicateOf}; not recorded again (--allow-duplicate to override)`);
      continue;
    }
    if (options.json) say(JSON.stringify(r));
    else {
      const mark = r.estimated ? '~' : '';
      const cost = r.cost_usd === null ? 'n/a (unpriced)' : `${mark}${formatUsd(r.cost_usd)}`;
      say(`Recorded ${mark}${formatCount(r.input_tokens)} in / ${mark}${formatCount(r.output_tokens)} out on ${r.model} (${r.provider}): ${cost}`);
    }
  }
  if (!options.json) say(`Session ${result.session.session} total: ${totalCostText(result.session.totals)}`);
  for (const m of result.checks.messages) ctx.err(m);
  return result.breached ? EXIT.alert : EXIT.ok;
}
