/**
 * tokj's entry point. The core commands an agent runs after every model call (init,
 * record, finalize, status) are defined here with only the code they need; anything else
 * loads the full program (dist/full.cjs in the build) on demand. This keeps `tokj record`
 * close to a bare `node -e 0` in start-up time.
 */
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { EXIT } from '../core/errors.js';
import { clockFromEnv } from '../io/clock.js';
import { trace } from '../io/trace.js';
import type { Ctx } from './context.js';
import { CORE_COMMANDS } from './core-commands.js';
import { newProgram, runProgram } from './program.js';

declare const __TOKJ_BUNDLED__: boolean | undefined;

type FullProgram = { runFull(argv: string[], ctx: Ctx): Promise<number> };

/** bin/tokj.cjs offers a loader that compiles a bundle with V8's code cache. */
type CachedRequire = (file: string) => unknown;

async function loadFull(): Promise<FullProgram> {
  if (typeof __TOKJ_BUNDLED__ !== 'boolean') return (await import('./main.js')) as FullProgram;
  const cached = (globalThis as { __tokjRequireCached?: CachedRequire }).__tokjRequireCached;
  const file = createRequire(import.meta.url).resolve('./full.cjs');
  return (cached ? cached(file) : createRequire(import.meta.url)(file)) as FullProgram;
}

export async function run(argv: string[], ctx: Ctx): Promise<number> {
  if (argv[0] !== undefined && Object.hasOwn(CORE_COMMANDS, argv[0])) return runProgram(newProgram(ctx, Object.values(CORE_COMMANDS)), argv, ctx);
  return (await loadFull()).runFull(argv, ctx);
}

/**
 * Messages go straight to the file descriptor: one synchronous write, in order with the
 * other stream, without building process.stdout (a pipe's stream loads node:net). A full
 * non-blocking pipe (EAGAIN) is waited out; a closed one (EPIPE) ends output quietly.
 */
function writeLine(fd: 1 | 2, text: string): void {
  const bytes = Buffer.from(`${text}\n`, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      else if (code === 'EPIPE') return;
      else throw error;
    }
  }
}

/**
 * Writes bytes to stdout respecting back-pressure, so --tee never buffers a whole stream.
 * When the reader goes away (EPIPE: `| head`), writing stops quietly and the command goes on.
 */
function rawStdout(): (chunk: Uint8Array | string) => Promise<void> {
  let closed = false;
  let watching = false;
  return (chunk) =>
    new Promise((resolve) => {
      const out = process.stdout;
      if (!watching) {
        watching = true;
        out.on('error', (error: NodeJS.ErrnoException) => {
          if (error.code === 'EPIPE') closed = true;
        });
      }
      if (closed || out.write(chunk)) resolve();
      else out.once('drain', resolve).once('error', () => resolve());
    });
}

async function main(): Promise<void> {
  trace('main');
  let now: () => Date;
  try {
    now = clockFromEnv(process.env);
  } catch (error) {
    process.stderr.write(`tokj: ${(error as Error).message}\n`);
    process.exitCode = EXIT.usage;
    return;
  }
  const ctx: Ctx = {
    env: process.env,
    cwd: process.cwd(),
    now,
    out: (s) => writeLine(1, s),
    err: (s) => writeLine(2, s),
    // Getters: touching process.stdin or .stdout builds stream objects (net, tty), which
    // the commands that never read input or check the terminal should not pay for.
    get stdin() {
      return process.stdin;
    },
    get stdoutIsTTY() {
      return process.stdout.isTTY === true;
    },
    get stderrIsTTY() {
      return process.stderr.isTTY === true;
    },
    outRaw: rawStdout(),
    errRaw: (s) => process.stderr.write(s),
  };
  process.exitCode = await run(process.argv.slice(2), ctx);
  trace('done');
}

void main();
