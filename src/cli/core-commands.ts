/**
 * The commands an agent runs around every model call: init, record, finalize, status. They
 * live apart from the rest so `tokj record` loads only what it needs (see entry.ts).
 */
import { Option, type Command } from 'commander';
import { collect } from './args.js';
import type { Ctx } from './context.js';
import { finalize } from './finalize.js';
import { init } from './init.js';
import { examples, withDir, type ExitBox } from './program.js';
import { record } from './record.js';
import { status } from './status.js';

export const CORE_COMMANDS = new Set(['init', 'record', 'finalize', 'status']);

export function defineCoreCommands(program: Command, ctx: Ctx, exit: ExitBox): void {
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

  withDir(program.command('record').argument('<input>', 'input (prompt) tokens, cache reads and writes included').argument('<output>', 'output tokens, reasoning included').argument('[provider]', 'provider (or a model alone: its provider is read from the price table)').argument('[model]').argument('[note]'))
    .description("record one model call's usage into the session")
    .option('--session <id>', 'session (default: $TOKJ_SESSION, else the only active session)')
    .option('--provider <name>', "provider (default: the session's)")
    .option('--model <name>', "model (default: the session's)")
    .option('--cache-read <n>', 'part of INPUT read from a prompt cache')
    .option('--cache-write <n>', 'part of INPUT written to a prompt cache')
    .option('--reasoning <n>', 'part of OUTPUT spent on reasoning')
    .option('--tier <name>', 'service tier the response reported (flex, priority, scale): priced at its rates')
    .option('--batch', 'a Batch API result: priced at the batch rates')
    .option('--tool <name=n>', 'server-side tool uses billed per use, like web_search=2 (repeatable)', collect)
    .option('--audio-in <n>', 'part of INPUT that is audio')
    .option('--audio-out <n>', 'part of OUTPUT that is audio')
    .option('--image-in <n>', 'part of INPUT that is image')
    .option('--image-out <n>', 'part of OUTPUT that is image')
    .option('--agent <name>', "agent that made the call (default: the session's)")
    .option('--operation <name>', 'what the call was for (plan, edit, embed, ...)')
    .option('--attempt <n/m>', 'retry attempt, like 2/3')
    .option('--request-id <id>', 'provider request id: the same id is recorded once')
    .option('--note <text>', 'a note shown in the session table')
    .option('--label <key=value>', 'label (repeatable)', collect)
    .option('--json', 'print the stored record as one JSON line')
    .option('--enforce', 'exit 1 when this call leaves a budget exceeded (or, with alert.auto, fires an anomaly alert)')
    .addHelpText('after', examples('tokj record 1500 800', 'tokj record 1200 300 anthropic claude-sonnet-4-20250514 "retry after parse error" --attempt 2/2', 'tokj record 9000 700 --cache-read 8192 --reasoning 300 --request-id chatcmpl-abc --json'))
    .action(async (input, output, provider, model, note, options) => {
      exit.code = (await record({ input, output, provider, model, note }, options, ctx)).exitCode;
    });

  withDir(program.command('finalize').argument('[notes]', 'closing notes'))
    .description('close the session: completion, cost breakdown and efficiency metrics')
    .option('--session <id>', 'session (default: $TOKJ_SESSION, else the only active session)')
    .addOption(new Option('--status <status>', 'how it ended').choices(['completed', 'failed']).default('completed'))
    .option('--error <message>', 'an error of a failed session (repeatable)', collect)
    .option('--json', 'print the final totals as JSON')
    .addHelpText('after', examples('tokj finalize "Completed successfully"', 'tokj finalize --status failed --error "attempt 3/3: rate limited"'))
    .action(async (notes, options) => {
      await finalize(notes, options, ctx);
    });

  withDir(program.command('status'))
    .description("a session's totals so far, per model and per agent")
    .option('--session <id>', 'session (default: $TOKJ_SESSION, else the only active session)')
    .option('--json', 'print JSON')
    .option('--watch', 'redraw the active sessions every second (q or Ctrl-C quits); plain snapshots when not a terminal')
    .option('--count <n>', 'with --watch: stop after n redraws')
    .addHelpText('after', examples('tokj status', 'tokj status --session sess-42 --json | jq .totals.cost_usd', 'tokj status --watch'))
    .action(async (options) => {
      await status(options, ctx);
    });

}
