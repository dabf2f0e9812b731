/**
 * The full tokj program: the core commands and everything else (auto-collect, import,
 * report, monitor, budgets, config, doctor, metrics, demo). Loaded by entry.ts for any
 * command that is not one of the core ones.
 */
import { Option, type Command } from 'commander';
import { collect } from './args.js';
import type { Ctx } from './context.js';
import { autoCollect } from './auto-collect.js';
import type { CollectOptions } from './collect-shared.js';
import { count } from './count.js';
import { demo } from './demo.js';
import { checkWrapArgs, wrap } from './wrap.js';
import { budgetCheck } from './budget.js';
import { configGet, configList, configSet } from './config.js';
import { monitor } from './monitor.js';
import { doctor, rebuild } from './doctor.js';
import { importRecords } from './import.js';
import { pricingShow } from './pricing-show.js';
import { defineCoreCommands } from './core-commands.js';
import { examples, newProgram, runProgram, withDir, type ExitBox } from './program.js';
import { registerMetrics } from './metrics.js';
import { completion } from './completion.js';
import { registerReport } from './report.js';
import { registerReconcile } from './reconcile.js';

function withCollectOptions(cmd: Command): Command {
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

export function buildProgram(ctx: Ctx, exit: ExitBox): Command {
  const program = newProgram(ctx);
  defineCoreCommands(program, ctx, exit);

  withDir(program.command('import').argument('[source]', 'JSON Lines file, or - for standard input; with --from: the logs directory or journal file'))
    .description('bulk-record usage: JSON Lines records (the shape `record --json` prints), Claude Code logs, old journals')
    .option('--from <tool>', 'claude-code (its JSONL logs; default ~/.claude/projects, $CLAUDE_CONFIG_DIR) or seed-markdown (a token_usage.md of the older bash scripts)')
    .option('--allow-duplicate', 'record request ids the journal already holds')
    .option('--json', 'print a JSON summary')
    .addHelpText('after', examples('tokj import backfill.jsonl', 'jq -c . old/*.json | tokj import -', 'tokj import --from claude-code', 'tokj import --from seed-markdown old/.ai_workflow/work_journal/token_usage.md'))
    .action(async (file, options) => {
      await importRecords(file, options, ctx);
    });

  const pricing = program.command('pricing').description('the shipped price table and your custom prices');
  withDir(pricing.command('show').argument('<model>', 'model name as you or the API spell it'))
    .description('the price entry a model resolves to, and where it came from')
    .option('--provider <name>', 'provider hint')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('tokj pricing show gpt-4o', 'tokj pricing show claude-sonnet-4-5-20250929', 'tokj pricing show models/gemini-2.5-pro --json'))
    .action(async (model, options) => {
      await pricingShow(model, options, ctx);
    });

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
    .action(async (files: string[], options: CollectOptions) => {
      exit.code = await autoCollect(files, options, ctx);
    });

  withCollectOptions(program.command('wrap').argument('<command...>', 'the command to run, after --'))
    .description("run a command, pass its output through, and record the usage in its stdout")
    .option('--strict', 'exit 3 when no usage could be recorded (default: the command\'s own exit code)')
    .addHelpText('after', examples('tokj wrap -- curl -sS https://generativelanguage.googleapis.com/…', 'tokj wrap --model anthropic.claude-3-5-sonnet-20240620-v1:0 -- aws bedrock-runtime converse …'))
    .action(async (command: string[], options) => {
      exit.code = await wrap(command, options, ctx);
    });

  withDir(program.command('count').argument('[file]', 'text file, or - for standard input (default)'))
    .description('count the tokens of a text, and their input cost at a model\'s price')
    .option('--model <name>', 'model whose tokenizer and price to use')
    .option('--provider <name>', 'provider hint for the price')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('tokj count --model gpt-4o prompt.txt', 'echo "hello" | tokj count'))
    .action(async (file, options) => {
      await count(file, options, ctx);
    });

  withDir(program.command('monitor').argument('[current_tokens]', 'a value to test instead of the latest call').argument('[threshold_multiplier]', 'alert above this many times the rolling average (default: config alert.multiplier, 3)'))
    .description('compare the latest call (or a value) with the rolling average of earlier ones; exit 1 on an alert')
    .option('--session <id>', 'only this session (default: $TOKJ_SESSION, else the whole journal)')
    .option('--window <n>', 'rolling window: previous calls or sessions compared (default 10)')
    .option('--multiplier <x>', 'alert threshold multiplier (default 3)')
    .option('--min-samples <n>', 'no alert with fewer comparable samples (default 3)')
    .option('--by <unit>', 'call or session', 'call')
    .option('--metric <metric>', 'tokens or cost (default: config alert.metric)')
    .option('--same <field>', 'compare only with calls of the same model, agent or operation')
    .option('--on-alert <command>', 'run this command (no shell) once per alert, with TOKJ_ALERT_* variables (TOKJ_ALERT_ID names the alert)')
    .option('--json', 'print the verdict as JSON (with the alert\'s id, new, logged_at)')
    .addHelpText(
      'after',
      `
Exit 1 on every run while the latest call (or the value) is over the threshold, else 0.
The alert is logged (monitoring/usage_alerts.log, the journal's Alerts table) once, by
whichever of monitor and record's alert.auto finds it first; a later run over the same call
prints "(already logged at TIME)". --on-alert runs once per alert. One alert per call (--by
session: per session; CURRENT_TOKENS: per value and latest call). \`tokj monitor ||
notify-me\` after every call notifies once per spike call; on a timer, use --on-alert.
${examples('tokj monitor || notify-me', 'tokj monitor 12000 3', 'tokj monitor --same model --window 20 --on-alert "./page-oncall.sh"', 'tokj monitor --by session --metric cost')}`,
    )
    .action(async (current, multiplier, options) => {
      exit.code = await monitor(current, multiplier, options, ctx);
    });

  const budget = program.command('budget').description('session, daily and monthly budgets');
  withDir(budget.command('check'))
    .description('exit 0 under budget, 1 over; a budget in warning or exceeded is logged as an alert once')
    .option('--session <id>', 'session (default: $TOKJ_SESSION, else the only active session)')
    .option('--period <period>', 'session, day or month (default: every budget that applies)')
    .option('-q, --quiet', 'print nothing; only the exit code')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('tokj budget check', 'while tokj budget check --quiet; do ./agent-step.sh; done', 'tokj budget check --period month --json'))
    .action(async (options) => {
      exit.code = await budgetCheck(options, ctx);
    });

  const config = program.command('config').description('preferences in monitoring/token_collection_config.md');
  withDir(config.command('get').argument('<key>'))
    .description('print a setting')
    .action(async (key, options) => {
      await configGet(key, options, ctx);
    });
  withDir(config.command('set').argument('<key>').argument('<value>'))
    .description('change a setting (validated)')
    .addHelpText('after', examples('tokj config set alert.auto true', 'tokj config set budget.daily 25', 'tokj config set report.timezone Europe/Berlin'))
    .action(async (key, value, options) => {
      await configSet(key, value, options, ctx);
    });
  withDir(config.command('list'))
    .description('every setting with its value')
    .option('--json', 'print JSON')
    .action(async (options) => {
      await configList(options, ctx);
    });

  withDir(program.command('doctor'))
    .description('check that the ledger, derived state and markdown agree; exit 1 when problems are found')
    .option('--fix', 'repair what is safe: move a torn ledger line aside, regenerate views from the ledger')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('tokj doctor', 'tokj doctor --fix'))
    .action(async (options) => {
      exit.code = await doctor(options, ctx);
    });

  withDir(program.command('rebuild'))
    .description('regenerate every markdown view and derived state from the ledger, keeping text people wrote')
    .addHelpText('after', examples('tokj rebuild', 'git pull && tokj rebuild'))
    .action(async (options) => {
      await rebuild(options, ctx);
    });

  program
    .command('demo')
    .argument('[dir]', 'project directory to write .ai_workflow into (default: a new temp directory)')
    .description('run a short realistic agent session and show the journal it produces')
    .addHelpText('after', examples('npx tokj demo', 'TOKJ_NOW=2026-11-24T09:00:00Z tokj demo .'))
    .action(async (dir) => {
      await demo(dir, ctx);
    });

  registerReport(program, ctx);
  registerReconcile(program, ctx, exit);
  registerMetrics(program, ctx, (code) => {
    exit.code = code;
  });
  program
    .command('completion')
    .argument('<shell>', 'bash, zsh or fish')
    .description('print shell completion for tokj')
    .addHelpText('after', examples('eval "$(tokj completion bash)"', 'tokj completion fish | source'))
    .action((shell: string) => {
      ctx.out(completion(shell, program).replace(/\n$/, ''));
    });
  return program;
}

export async function runFull(argv: string[], ctx: Ctx): Promise<number> {
  const exit: ExitBox = { code: undefined };
  const program = buildProgram(ctx, exit);
  // Before wrap parses its words: commander would fail on (or take) the command's options.
  program.hook('preSubcommand', (_root, sub) => {
    if (sub.name() === 'wrap') checkWrapArgs(argv.slice(argv.indexOf('wrap') + 1), sub);
  });
  return runProgram(program, exit, argv, ctx);
}
