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
import { EXIT, TokjError, usageError } from '../core/errors.js';
import { checkAnomaly, type AnomalyVerdict, type Metric } from '../core/anomaly.js';
import { readConfig } from '../app/config.js';
import { claimOnAlert, logAlertOnce, runOnAlert, type Alert, type Logged } from '../app/alerts.js';
import { callAlertId, checkLatestCall, sessionAlertId, verdictMessage, type SameKey } from '../app/monitor.js';
import { settingValue } from '../app/settings.js';
import { JournalTxn } from '../app/txn.js';
import { checkSessionId } from '../io/paths.js';
import { parseCount } from './args.js';
import { existingLayout, txnContext, type Ctx, type DirOption } from './context.js';

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

export async function monitor(current: string | undefined, multiplierArg: string | undefined, options: MonitorOptions, ctx: Ctx): Promise<number> {
  const metric = (options.metric ?? undefined) as Metric | undefined;
  if (metric !== undefined && metric !== 'tokens' && metric !== 'cost') throw usageError('--metric takes tokens or cost', 'bad_flag');
  if (options.by !== undefined && options.by !== 'call' && options.by !== 'session') throw usageError('--by takes call or session', 'bad_flag');
  if (options.same !== undefined && !['model', 'agent', 'operation'].includes(options.same)) throw usageError('--same takes model, agent or operation', 'bad_flag');
  if (multiplierArg !== undefined && options.multiplier !== undefined) throw usageError('give the multiplier once: THRESHOLD_MULTIPLIER or --multiplier', 'conflict');
  const layout = existingLayout(ctx, options);
  const config = await readConfig(layout);
  const m = metric ?? (settingValue(config.settings, 'alert.metric') as Metric);
  const multiplier = positiveDecimal(multiplierArg ?? options.multiplier ?? settingValue(config.settings, 'alert.multiplier'), 'the multiplier');
  const window = wholeAtLeast1(options.window ?? settingValue(config.settings, 'alert.window'), '--window');
  const minSamples = wholeAtLeast1(options.minSamples ?? settingValue(config.settings, 'alert.min_samples'), '--min-samples');
  const value = current === undefined ? undefined : m === 'cost' ? positiveDecimal(current, 'CURRENT') : new Big(parseCount(current, 'CURRENT_TOKENS'));
  const session = options.session ?? (ctx.env.TOKJ_SESSION || undefined);
  if (session !== undefined) checkSessionId(session);
  const bySession = options.by === 'session';

  const { verdict, alert, logged, hook } = await JournalTxn.run(txnContext(ctx, layout), (txn) => {
    let verdict: AnomalyVerdict;
    let subjectSession = session ?? '';
    let model = '';
    let id: string;
    if (bySession) {
      const latestId = session ?? txn.journal.recent.at(-1)?.[1];
      if (latestId === undefined) throw new TokjError('no sessions recorded yet; nothing to monitor', EXIT.ok, 'empty');
      const latest = txn.session(latestId);
      if (!latest) throw usageError(`no session ${latestId} in this journal`, 'no_session');
      const of = (s: { totals: { total_tokens: number; cost_usd: string } }): Big => (m === 'cost' ? new Big(s.totals.cost_usd) : new Big(s.totals.total_tokens));
      const before = txn.sessionsBefore(latestId, window);
      verdict = checkAnomaly(value ?? of(latest), before.map(of), multiplier, minSamples, window);
      subjectSession = latestId;
      model = latest.model ?? '';
      id = sessionAlertId(m, latestId, value);
    } else {
      const check = checkLatestCall(layout.ledgerDir, { ...(value ? { current: value } : {}), ...(session ? { session } : {}), ...(options.same ? { same: options.same as SameKey } : {}), window, multiplier, minSamples, metric: m });
      verdict = check.verdict;
      subjectSession = check.latest?.session ?? subjectSession;
      model = check.latest?.model ?? '';
      id = callAlertId(m, check.latest, value);
    }
    let alert: Alert | null = null;
    let logged: Logged | null = null;
    if (verdict.kind === 'alert') {
      alert = {
        time: ctx.now().toISOString(),
        kind: 'high_usage',
        id,
        session: subjectSession,
        model,
        value: verdict.value.toString(),
        threshold: verdict.threshold.round(6).toString(),
        average: verdict.average.round(6).toString(),
        message: verdictMessage(verdict, m, bySession ? 'sessions' : 'calls'),
      };
      logged = logAlertOnce(txn, alert);
    }
    // Once per alert, whoever logged it: a script running monitor after every call (or on a
    // timer) is paged once per spike.
    const hook = alert !== null && options.onAlert !== undefined && claimOnAlert(layout, alert.id);
    return { verdict, alert, logged, hook };
  });
  const message = verdictMessage(verdict, m, bySession ? 'sessions' : 'calls');
  if (options.json) {
    const about = alert && logged ? { id: alert.id, new: logged.new, logged_at: logged.time } : {};
    ctx.out(JSON.stringify(verdict.kind === 'insufficient' ? { alert: false, ...verdict } : { alert: verdict.kind === 'alert', metric: m, value: verdict.value.toString(), average: verdict.average.round(6).toString(), threshold: verdict.threshold.round(6).toString(), multiplier: verdict.multiplier.toString(), samples: verdict.samples, ...about }));
  } else if (verdict.kind === 'alert') ctx.err(logged?.new === false ? `${message} (already logged at ${logged.time})` : message);
  else ctx.out(message);
  if (hook && alert && options.onAlert) await runOnAlert(options.onAlert, alert, (w) => ctx.err(`warning: ${w}`));
  return verdict.kind === 'alert' ? EXIT.alert : EXIT.ok;
}
