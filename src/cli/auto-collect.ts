/**
 * tokj auto-collect [FILE…]: provider output (JSON, JSON Lines, SSE, Gemini array and
 * Ollama NDJSON streams) from files or standard input, read incrementally in bounded
 * memory; with --tee the bytes are copied to standard output unchanged as they arrive.
 */
import { createReadStream } from 'node:fs';
import { rejectedInput, usageError } from '../core/errors.js';
import { createCollector } from '../ingest/collector.js';
import type { CallOutcome } from '../providers/types.js';
import { ioError } from '../io/fs.js';
import { acceptOutcomes, recordCollected, type CollectOptions } from './collect-shared.js';
import type { Ctx } from './context.js';

async function collectStream(stream: NodeJS.ReadableStream, options: CollectOptions, tee: ((chunk: Buffer) => Promise<void>) | null): Promise<CallOutcome[]> {
  const collector = createCollector({ ...(options.provider ? { provider: options.provider } : {}), ...(options.model ? { model: options.model } : {}) });
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    if (tee) await tee(bytes);
    collector.push(bytes);
  }
  return collector.end();
}

/**
 * Writes to stdout respecting back-pressure, so --tee never buffers a whole stream. When
 * the reader goes away (EPIPE: `| head`), teeing stops and collecting goes on.
 */
function stdoutTee(): (chunk: Buffer) => Promise<void> {
  let closed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') closed = true;
  });
  return (chunk) =>
    new Promise((resolve) => {
      if (closed || process.stdout.write(chunk)) resolve();
      else process.stdout.once('drain', resolve).once('error', () => resolve());
    });
}

export async function autoCollect(files: string[], options: CollectOptions, ctx: Ctx): Promise<number> {
  const tee = options.tee ? stdoutTee() : null;
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
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') throw rejectedInput(`cannot read ${file}: ${code}; nothing was recorded`, 'unreadable');
        throw ioError(error, file);
      }
      // Each file is its own input: number its calls after the ones before it.
      const offset = outcomes.length;
      for (const o of found) outcomes.push({ ...o, index: o.index + offset });
    }
  }
  return recordCollected(acceptOutcomes(outcomes, options, ctx), options, ctx);
}
