import { createRequire } from 'node:module';
import { fingerprint } from '../core/fingerprint.js';
import { usageError } from '../core/errors.js';
import type { SessionStartEvent } from '../ledger/record.js';
import { readConfig } from '../app/config.js';
import { ensureLayout } from '../app/layout.js';
import { mayBeModelName, placeModelName } from '../app/model-args.js';
import { JournalTxn } from '../app/txn.js';
import { checkSessionId } from '../io/paths.js';
import { parseLabels, parseUsdArg } from './args.js';
import { plural } from '../views/format.js';
import { layoutFor, relativeToCwd, txnContext, type Ctx, type DirOption } from './context.js';

export interface InitOptions extends DirOption {
  agent?: string;
  budget?: string;
  label?: string[];
  quiet?: boolean;
  export?: boolean;
}

/**
 * session_YYYYMMDD_HHMMSS_<6 hex>; the suffix is derived from a pinned clock so pinned runs
 * repeat. node:crypto is required here, when an id is generated, not imported at the top:
 * the other core commands (record above all) share this bundle and must not pay for loading
 * it. By require, not import(): on Node 20 bin/tokj.cjs runs the bundle through vm.Script
 * with V8's code cache, where import() has no loader (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING),
 * and the build refuses bundles that keep one (scripts/bundle-check.mjs).
 */
export function defaultSessionId(now: Date, env: NodeJS.ProcessEnv): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
  const suffix = env.TOKJ_NOW ? fingerprint(env.TOKJ_NOW).slice(0, 6) : randomHex(3);
  return `session_${stamp}_${suffix}`;
}

function randomHex(bytes: number): string {
  const { randomBytes } = createRequire(import.meta.url)('node:crypto') as { randomBytes(size: number): Buffer };
  return randomBytes(bytes).toString('hex');
}

export async function init(args: { session?: string; provider?: string; model?: string }, options: InitOptions, ctx: Ctx): Promise<string> {
  const now = ctx.now();
  const session = checkSessionId(args.session ?? defaultSessionId(now, ctx.env));
  const budget = options.budget === undefined ? null : parseUsdArg(options.budget, '--budget');
  const labels = parseLabels(options.label);
  const layout = layoutFor(ctx, options);
  // `tokj init s gpt-4o`: a model where the provider goes. Settled before anything is created.
  const given = { provider: args.provider, model: args.model };
  const named = mayBeModelName(given)
    ? placeModelName(given, { userPrices: (await readConfig(layout)).prices, example: (p, m) => `tokj init ${session} ${p} ${m}` })
    : given;
  const created = ensureLayout(layout);
  let othersActive: string[] = [];
  await JournalTxn.run(txnContext(ctx, layout), async (txn) => {
    const existing = txn.session(session);
    if (existing) {
      throw usageError(
        existing.status === 'active'
          ? `session ${session} is already active (started ${existing.started}); record into it, or finish it with \`tokj finalize --session ${session}\``
          : `session ${session} already exists (${existing.status}); choose another id, or omit it for a generated one`,
        'session_exists',
      );
    }
    const event: SessionStartEvent = {
      type: 'session_start',
      id: `${session}:start`,
      timestamp: now.toISOString(),
      session,
      provider: named.provider ?? null,
      model: named.model ?? null,
      agent: options.agent ?? null,
      budget_usd: budget,
      labels,
    };
    await txn.preflight([]);
    txn.append([event]);
    othersActive = txn.journal.active_sessions.filter((id) => id !== session);
  });
  if (options.export) ctx.out(`export TOKJ_SESSION=${session}`);
  else ctx.out(session);
  if (!options.quiet) {
    if (created.length > 0) ctx.err(`Created ${relativeToCwd(ctx, layout.root)} from templates.`);
    const what = named.provider || named.model ? ` (${named.provider ?? '?'}/${named.model ?? '?'})` : '';
    ctx.err(`Started session ${session}${what}: ${relativeToCwd(ctx, `${layout.sessionsDir}/${session}.md`)}`);
  }
  // With --export the caller's shell gets TOKJ_SESSION; otherwise a bare `tokj record` no
  // longer knows which session it is for. Said even with --quiet: scripts are who it breaks.
  if (othersActive.length > 0 && !options.export) ctx.err(otherSessionsWarning(session, othersActive));
  return session;
}

export function otherSessionsWarning(session: string, others: string[]): string {
  const shown = others.slice(0, 5).join(', ') + (others.length > 5 ? `, … (${plural(others.length, 'session')} in all)` : '');
  const verb = others.length === 1 ? 'is' : 'are';
  return (
    `warning: ${plural(others.length, 'other session')} ${verb} active (${shown}): a bare \`tokj record\` now fails as ambiguous. ` +
    `Name the session: \`tokj record … --session ${session}\`, or export TOKJ_SESSION=${session} (\`eval "$(tokj init --export …)"\` does it).`
  );
}
