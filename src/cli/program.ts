/**
 * What every tokj program shares: the root command with its output, help and exit-code
 * conventions, option helpers, and the one top-level catch (a TokjError prints its message
 * and exits with its code; commander's usage errors exit 2; anything else is a bug, 70).
 */
import { Command, CommanderError } from 'commander';
import { EXIT, TokjError } from '../core/errors.js';
import pkg from '../../package.json' with { type: 'json' };
import type { Ctx } from './context.js';

export const examples = (...lines: string[]): string => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

export function withDir(cmd: Command): Command {
  return cmd.option('--dir <path>', 'the journal: an .ai_workflow directory, or a project holding one (default: $TOKJ_DIR, else the nearest .ai_workflow walking up, else one at the git repository root, else ./.ai_workflow)');
}

/** An exit code a command chose for itself (monitor's alert, wrap passing on its child's). */
export interface ExitBox {
  code: number | undefined;
}

export function newProgram(ctx: Ctx): Command {
  const program = new Command('tokj')
    .description('An honest, human-readable record of what LLM API calls cost.')
    .version(pkg.version, '-V, --version')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.out(s.replace(/\n$/, '')), writeErr: (s) => ctx.err(s.replace(/\n$/, '')) });
  program.addHelpText('after', examples('eval "$(tokj init --export sess-42 openai gpt-4o --budget 0.50)"', 'tokj record 1500 800', 'tokj finalize "done"', 'npx tokj demo'));
  return program;
}

export async function runProgram(program: Command, exit: ExitBox, argv: string[], ctx: Ctx): Promise<number> {
  try {
    exit.code = undefined;
    await program.parseAsync(argv, { from: 'user' });
    return exit.code ?? EXIT.ok;
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
