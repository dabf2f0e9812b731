/**
 * tokj monitor [CURRENT_TOKENS] [THRESHOLD_MULTIPLIER]: the latest call (or the given
 * value) against the rolling average of the previous comparable calls or sessions. Exit 1
 * with HIGH USAGE ALERT, else 0; too little history is exit 0 and says so.
 *
 * The exit code answers "is the latest call a spike?", the same on every run; the alert is
 * logged, and --on-alert run, only once (alerts.ts). A later run says "(already logged at
 * TIME)".
 */
import Big from 'big.js';
import { EXIT, usageError } from '../core/errors.js';
import type { Metric } from '../core/anomaly.js';
import { readConfig } from '../app/config.js';
import { runOnAlert } from '../app/alerts.js';
import { monitorUsage, type SameKey } from '../app/monitor.js';
import { settingValue } from '../app/settings.js';
import { checkSessionId } from '../io/paths.js';
import { parseCount } from './args.js';
import { existingLayout, journalAccess, type Ctx, type DirOption } from './context.js';
import { examples, withDir, type TokjCommand } from './program.js';

export interface MonitorOptions extends DirOption {
  session?: string;
  window?: string;
  multiplier?: string;
  minSamples?: string;
  by?: string;
  metric?: string;
  same?: string;
  onAlert?: string;
  json?: boolean;
}

function positiveDecimal(text: string, what: string): Big {
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || new Big(text.trim()).lte(0)) throw usageError(`${what} must be a positive number like 3 or 2.5 (got ${JSON.stringify(text)})`, 'bad_number');
  return new Big(text.trim());
}

function wholeAtLeast1(text: string, what: string): number {
  const n = parseCount(text, what);
  if (n < 1) throw usageError(`${what} must be at least 1`, 'bad_number');
  return n;
}

export function register(program: TokjCommand, ctx: Ctx): void {
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
    .action((current: string | undefined, multiplier: string | undefined, options: MonitorOptions) => monitor(current, multiplier, options, ctx));
}

export async function monitor(current: string | undefined, multiplierArg: string | undefined, options: MonitorOptions, ctx: Ctx): Promise<number> {
  const metric = (options.metric ?? undefined) as Metric | undefined;
  if (metric !== undefined && metric !== 'tokens' && metric !== 'cost') throw usageError('--metric takes tokens or cost', 'bad_flag');
  if (options.by !== undefined && options.by !== 'call' && options.by !== 'session') throw usageError('--by takes call or session', 'bad_flag');
  if (options.same !== undefined && !['model', 'agent', 'operation'].includes(options.same)) throw usageError('--same takes model, agent or operation', 'bad_flag');
  if (multiplierArg !== undefined && options.multiplier !== undefined) throw usageError('give the multiplier once: THRESHOLD_MULTIPLIER or --multiplier', 'conflict');
  const layout = existingLayout(ctx, options);
  // The journal's alert.* settings are the defaults of the flags.
  const config = await readConfig(layout);
  const m = metric ?? (settingValue(config.settings, 'alert.metric') as Metric);
  const multiplier = positiveDecimal(multiplierArg ?? options.multiplier ?? settingValue(config.settings, 'alert.multiplier'), 'the multiplier');
  const window = wholeAtLeast1(options.window ?? settingValue(config.settings, 'alert.window'), '--window');
  const minSamples = wholeAtLeast1(options.minSamples ?? settingValue(config.settings, 'alert.min_samples'), '--min-samples');
  const value = current === undefined ? undefined : m === 'cost' ? positiveDecimal(current, 'CURRENT') : new Big(parseCount(current, 'CURRENT_TOKENS'));
  const session = options.session ?? (ctx.env.TOKJ_SESSION || undefined);
  if (session !== undefined) checkSessionId(session);
  const by = options.by === 'session' ? 'session' : 'call';
  const onAlert = options.onAlert !== undefined;
  const result = await monitorUsage(journalAccess(ctx, layout), { value, session, by, same: options.same as SameKey | undefined, metric: m, multiplier, window, minSamples, onAlert });
  const { verdict, alert, logged, message } = result;
  if (options.json) {
    const about = alert && logged ? { id: alert.id, new: logged.new, logged_at: logged.time } : {};
    ctx.out(JSON.stringify(verdict.kind === 'insufficient' ? { alert: false, ...verdict } : { alert: verdict.kind === 'alert', metric: m, value: verdict.value.toString(), average: verdict.average.round(6).toString(), threshold: verdict.threshold.round(6).toString(), multiplier: verdict.multiplier.toString(), samples: verdict.samples, ...about }));
  } else if (verdict.kind === 'alert') ctx.err(logged?.new === false ? `${message} (already logged at ${logged.time})` : message);
  else ctx.out(message);
  if (result.runHook && alert && options.onAlert) await runOnAlert(options.onAlert, alert, (w) => ctx.err(`warning: ${w}`));
  return verdict.kind === 'alert' ? EXIT.alert : EXIT.ok;
}
