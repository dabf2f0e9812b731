/** tokj init [SESSION] [PROVIDER] [MODEL]: create the journal if needed, start a session. */
import { startSession } from '../app/session-lifecycle.js';
import { plural } from '../views/format.js';
import { collect, parseLabels, parseUsdArg } from './args.js';
import { journalAccess, layoutFor, relativeToCwd, type Ctx, type DirOption } from './context.js';
import { examples, withDir, type TokjCommand } from './program.js';

export interface InitOptions extends DirOption {
  agent?: string;
  budget?: string;
  label?: string[];
  quiet?: boolean;
  export?: boolean;
}

export function register(program: TokjCommand, ctx: Ctx): void {
  withDir(program.command('init').argument('[session]', 'session id, [A-Za-z0-9._-]{1,128} (default: session_YYYYMMDD_HHMMSS_<random>)').argument('[provider]').argument('[model]'))
    .description('create .ai_workflow (from templates, never overwriting) and start a session')
    .option('--agent <name>', 'the agent running this session')
    .option('--budget <usd>', 'session budget in US dollars')
    .option('--label <key=value>', 'a label for every call of the session (repeatable)', collect)
    .option('--export', 'print `export TOKJ_SESSION=<id>` for eval')
    .option('-q, --quiet', 'print only the session id')
    .addHelpText('after', examples('eval "$(tokj init --export sess-42 openai gpt-4o --agent planner --budget 0.50)"', 'S=$(tokj init --quiet)', 'tokj init nightly-ci anthropic claude-sonnet-4-5 --label team=infra'))
    .action(async (session, provider, model, options) => {
      await init({ session, provider, model }, options, ctx);
    });
}

export async function init(args: { session?: string; provider?: string; model?: string }, options: InitOptions, ctx: Ctx): Promise<string> {
  const budgetUsd = options.budget === undefined ? null : parseUsdArg(options.budget, '--budget');
  const labels = parseLabels(options.label);
  const layout = layoutFor(ctx, options);
  const started = await startSession(journalAccess(ctx, layout), {
    ...args,
    agent: options.agent,
    budgetUsd,
    labels,
    example: (session, p, m) => `tokj init ${session} ${p} ${m}`,
  });
  const { session } = started;
  if (options.export) ctx.out(`export TOKJ_SESSION=${session}`);
  else ctx.out(session);
  if (!options.quiet) {
    if (started.created.length > 0) ctx.err(`Created ${relativeToCwd(ctx, layout.root)} from templates.`);
    const what = started.provider || started.model ? ` (${started.provider ?? '?'}/${started.model ?? '?'})` : '';
    ctx.err(`Started session ${session}${what}: ${relativeToCwd(ctx, `${layout.sessionsDir}/${session}.md`)}`);
  }
  // With --export the caller's shell gets TOKJ_SESSION; otherwise a bare `tokj record` no
  // longer knows which session it is for. Said even with --quiet: scripts are who it breaks.
  if (started.othersActive.length > 0 && !options.export) ctx.err(otherSessionsWarning(session, started.othersActive));
  return session;
}

function otherSessionsWarning(session: string, others: string[]): string {
  const shown = others.slice(0, 5).join(', ') + (others.length > 5 ? `, … (${plural(others.length, 'session')} in all)` : '');
  const verb = others.length === 1 ? 'is' : 'are';
  return (
    `warning: ${plural(others.length, 'other session')} ${verb} active (${shown}): a bare \`tokj record\` now fails as ambiguous. ` +
    `Name the session: \`tokj record … --session ${session}\`, or export TOKJ_SESSION=${session} (\`eval "$(tokj init --export …)"\` does it).`
  );
}
