/**
 * tokj wrap -- CMD [ARGS…]: runs CMD (execa, no shell), passes its stdout and stderr
 * through as they arrive, records the usage found in its stdout, and exits with CMD's
 * exit code. A usage problem is reported on stderr and changes the exit code only with
 * --strict (then 3).
 */
import type { Command } from 'commander';
import { EXIT, TokjError, usageError } from '../core/errors.js';
import { createCollector } from '../ingest/collector.js';
import { recordOutcomes, withCollectOptions, type CollectOptions } from './collect.js';
import type { Ctx } from './context.js';
import { examples, type TokjCommand } from './program.js';

export interface WrapOptions extends CollectOptions {
  strict?: boolean;
}

export function register(program: TokjCommand, ctx: Ctx): void {
  withCollectOptions(program.command('wrap').argument('<command...>', 'the command to run, after --'))
    .description("run a command, pass its output through, and record the usage in its stdout")
    .option('--strict', 'exit 3 when no usage could be recorded (default: the command\'s own exit code)')
    .addHelpText('after', examples('tokj wrap -- curl -sS https://generativelanguage.googleapis.com/…', 'tokj wrap --model anthropic.claude-3-5-sonnet-20240620-v1:0 -- aws bedrock-runtime converse …'))
    .action((command: string[], options: WrapOptions) => wrap(command, options, ctx));
  // Before wrap parses its words: commander would fail on (or take) the command's options.
  program.hook('preSubcommand', (root, sub) => {
    if (sub.name() !== 'wrap') return;
    const words = (root as TokjCommand).userArgs;
    checkWrapArgs(words.slice(words.indexOf('wrap') + 1), sub);
  });
}

export async function wrap(command: string[], options: WrapOptions, ctx: Ctx): Promise<number> {
  const [file, ...args] = command;
  if (!file) throw usageError('wrap needs a command after --, e.g. tokj wrap -- curl -sS https://…', 'no_command');
  const collector = createCollector({ ...(options.provider ? { provider: options.provider } : {}), ...(options.model ? { model: options.model } : {}) });
  // execa is loaded only by the commands that run programs: it costs ~15 ms to load.
  const { execa } = await import('execa');
  const child = execa(file, args, { stdin: 'inherit', stdout: 'pipe', stderr: 'inherit', reject: false, buffer: false });
  const stdout = child.stdout;
  stdout?.on('data', (chunk: Buffer) => {
    collector.push(chunk);
    // Back-pressure: the child waits while our reader is slow, rather than tokj buffering.
    stdout.pause();
    void ctx.outRaw(chunk).then(() => stdout.resume());
  });
  const result = await child;
  const exitCode = result.exitCode ?? (result.signal ? 128 : 1);
  if (result.failed && result.exitCode === undefined) {
    ctx.err(`tokj wrap: could not run ${file}: ${result.shortMessage ?? result.message}`);
    return 127;
  }
  try {
    // The wrapped tool's stdout is ours too: reports go to stderr.
    const checked = await recordOutcomes(collector.end(), options, ctx, ctx.err);
    if (checked !== EXIT.ok && exitCode === 0) return checked;
  } catch (error) {
    if (!(error instanceof TokjError)) throw error;
    ctx.err(`tokj wrap: ${error.message}`);
    if (options.strict) return EXIT.rejected;
  }
  return exitCode;
}

const SHELL_SAFE = /^[\w@%+=:,./-]+$/;
const shellWord = (word: string): string => (SHELL_SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/**
 * `tokj wrap curl -s URL`: without `--`, the wrapped command's options are read as wrap's
 * own (commander fails on `-s` as an unknown option, and would silently take a `--json` or
 * `--model` meant for the command). Refused, exit 2, with the line to type instead. `args`
 * are the words after `wrap`; `cmd` is wrap's command, for which of its options take a value.
 */
export function checkWrapArgs(args: readonly string[], cmd: Command): void {
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--') return;
    if (word.startsWith('-') && word !== '-') {
      const name = word.includes('=') ? word.slice(0, word.indexOf('=')) : word;
      const option = cmd.options.find((o) => o.long === name || o.short === name);
      if (!option) return; // wrap's own unknown option, before any command: commander says so
      if ((option.required || option.optional) && !word.includes('=')) i += 1;
      continue;
    }
    // The command starts here: an option-like word after it and before a `--` is ambiguous.
    const rest = args.slice(i + 1);
    const end = rest.indexOf('--');
    const options = (end < 0 ? rest : rest.slice(0, end)).filter((w) => w.startsWith('-') && w !== '-');
    if (options.length === 0) return;
    const line = ['tokj', 'wrap', ...args.slice(0, i), '--', ...args.slice(i)].map(shellWord).join(' ');
    const what = options.length === 1 ? 'an option' : 'options';
    throw usageError(`wrap: ${options.join(' ')} would be read as ${what} of tokj wrap, not of ${word}: put -- before the command: ${line}`, 'wrap_needs_dashes');
  }
}
