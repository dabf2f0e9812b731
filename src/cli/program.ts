/**
 * What every tokj program shares: the root command with its output, help and exit-code
 * conventions, option helpers, and the one top-level catch (a TokjError prints its message
 * and exits with its code; commander's usage errors exit 2; anything else is a bug, 70).
 *
 * Every command module exports `register(program, ctx)` and defines its command with
 * `program.command(…)…action(async (…) => exitCode)`: an action returns its exit code (or
 * nothing for 0), and TokjCommand carries it to runProgram.
 */
import { Command, CommanderError } from 'commander';
import { EXIT, TokjError } from '../core/errors.js';
import pkg from '../../package.json' with { type: 'json' };
import type { Ctx } from './context.js';

export const examples = (...lines: string[]): string => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

export function withDir<C extends Command>(cmd: C): C {
  return cmd.option('--dir <path>', 'the journal: an .ai_workflow directory, or a project holding one (default: $TOKJ_DIR, else the nearest .ai_workflow walking up, else one at the git repository root, else ./.ai_workflow)');
}

/** A command module's one export for the program: it adds its command(s) to `program`. */
export type Register = (program: TokjCommand, ctx: Ctx) => void;

// (any: commander passes the arguments, then the options, then the command)
type Action = (...args: any[]) => void | number | Promise<void | number>;

/**
 * A commander Command whose actions may return an exit code. Commander drops an action's
 * result, so the root keeps the last one for runProgram; subcommands are TokjCommands too.
 */
export class TokjCommand extends Command {
  /** The words after `tokj`, as given (wrap checks them before commander reads its options). */
  userArgs: readonly string[] = [];
  actionExitCode: number | undefined;

  override createCommand(name?: string): TokjCommand {
    return new TokjCommand(name);
  }

  override action(fn: Action): this {
    return super.action(async (...args: unknown[]) => {
      const code = await fn.apply(this, args);
      if (typeof code === 'number') this.program().actionExitCode = code;
    });
  }

  private program(): TokjCommand {
    let cmd: Command = this;
    while (cmd.parent) cmd = cmd.parent;
    return cmd as TokjCommand;
  }
}

export function newProgram(ctx: Ctx, commands: Iterable<Register>): TokjCommand {
  const program = new TokjCommand('tokj')
    .description('An honest, human-readable record of what LLM API calls cost.')
    .version(pkg.version, '-V, --version')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.out(s.replace(/\n$/, '')), writeErr: (s) => ctx.err(s.replace(/\n$/, '')) });
  program.addHelpText('after', examples('eval "$(tokj init --export sess-42 openai gpt-4o --budget 0.50)"', 'tokj record 1500 800', 'tokj finalize "done"', 'npx tokj demo'));
  for (const register of commands) register(program, ctx);
  return program;
}

export async function runProgram(program: TokjCommand, argv: string[], ctx: Ctx): Promise<number> {
  try {
    program.actionExitCode = undefined;
    program.userArgs = argv;
    await program.parseAsync(argv, { from: 'user' });
    return program.actionExitCode ?? EXIT.ok;
  } catch (error) {
    if (error instanceof TokjError) {
      ctx.err(`tokj: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    ctx.err(`tokj: internal error (please report it): ${(error as Error).stack ?? String(error)}`);
    return EXIT.internal;
  }
}
