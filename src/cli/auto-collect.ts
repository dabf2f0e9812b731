/**
 * tokj auto-collect [FILE…]: provider output (JSON, JSON Lines, SSE, Gemini array and
 * Ollama NDJSON streams) from files or standard input, read incrementally in bounded
 * memory; with --tee the bytes are copied to standard output unchanged as they arrive.
 */
import { createReadStream } from 'node:fs';
import { usageError } from '../core/errors.js';
import { createCollector } from '../ingest/collector.js';
import type { CallOutcome } from '../providers/types.js';
import { recordOutcomes, withCollectOptions, type CollectOptions } from './collect.js';
import type { Ctx } from './context.js';
import { unreadableInput } from './input.js';
import { examples, type TokjCommand } from './program.js';

export function register(program: TokjCommand, ctx: Ctx): void {
  withCollectOptions(program.command('auto-collect').argument('[files...]', 'response files (default: standard input)'))
    .description('record the usage in raw provider responses: JSON, JSON Lines, SSE and JSON-array streams')
    .option('--tee', 'copy the input to standard output unchanged, as it arrives (messages go to stderr)')
    .addHelpText(
      'after',
      examples(
        'curl -sS https://api.openai.com/v1/chat/completions … | tokj auto-collect',
        'curl -sN …/v1/messages -d \'{"stream":true,…}\' | tokj auto-collect --tee | ./render-stream',
        'tokj auto-collect responses/*.json --skip-invalid',
        'tokj auto-collect --dry-run < response.json',
      ),
    )
    .option('--enforce', 'exit 1 when these calls leave a budget exceeded (or, with alert.auto, fire an anomaly alert)')
    .action((files: string[], options: CollectOptions) => autoCollect(files, options, ctx));
}

async function collectStream(stream: NodeJS.ReadableStream, options: CollectOptions, tee: ((chunk: Buffer) => Promise<void>) | null): Promise<CallOutcome[]> {
  const collector = createCollector({ ...(options.provider ? { provider: options.provider } : {}), ...(options.model ? { model: options.model } : {}) });
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    if (tee) await tee(bytes);
    collector.push(bytes);
  }
  return collector.end();
}

export async function autoCollect(files: string[], options: CollectOptions, ctx: Ctx): Promise<number> {
  const tee = options.tee ? ctx.outRaw : null;
  const outcomes: CallOutcome[] = [];
  // Nothing piped in and no files: reading the terminal would wait, silently, for a paste.
  // (An explicit `-` still reads it: that is asking to paste.)
  if (files.length === 0 && (ctx.stdin as { isTTY?: boolean }).isTTY === true) {
    throw usageError(
      'auto-collect reads provider responses from standard input, and nothing is piped into it (it is this terminal). ' +
        'Pipe a response in (`curl -sS … | tokj auto-collect`, `tokj auto-collect < response.json`), name files (`tokj auto-collect responses/*.json`), ' +
        'or run a command through `tokj wrap -- CMD …`.',
      'stdin_is_terminal',
    );
  }
  if (files.length === 0 || (files.length === 1 && files[0] === '-')) {
    // (loops, not push(...found): hundreds of thousands of responses overflow the stack)
    for (const o of await collectStream(ctx.stdin, options, tee)) outcomes.push(o);
  } else {
    for (const file of files) {
      let found: CallOutcome[];
      try {
        found = await collectStream(createReadStream(file), options, tee);
      } catch (error) {
        throw unreadableInput(error, file);
      }
      // Each file is its own input: number its calls after the ones before it.
      const offset = outcomes.length;
      for (const o of found) outcomes.push({ ...o, index: o.index + offset });
    }
  }
  // With --tee standard output carries the provider's bytes: reports go to stderr.
  return recordOutcomes(outcomes, options, ctx, options.tee ? ctx.err : ctx.out);
}
