/**
 * Starting and finishing a session: the ledger's session_start and session_end entries,
 * each appended in one transaction after the checks that would refuse it.
 */
import { createRequire } from 'node:module';
import { usageError } from '../core/errors.js';
import { fingerprint } from '../core/fingerprint.js';
import type { SessionState } from '../core/session-state.js';
import { checkSessionId } from '../io/paths.js';
import type { SessionEndEvent, SessionStartEvent } from '../ledger/record.js';
import { readConfig } from './config.js';
import type { JournalAccess } from './journal-access.js';
import { ensureLayout } from './layout.js';
import { mayBeModelName, placeModelName } from './model-args.js';
import { requireActive, resolveSession } from './record.js';
import { JournalTxn } from './txn.js';

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

export interface SessionStart {
  /** The id; a generated one when absent (defaultSessionId). */
  session?: string | undefined;
  provider?: string | undefined;
  model?: string | undefined;
  agent?: string | undefined;
  /** Exact decimal dollars, or null for no budget. */
  budgetUsd: string | null;
  labels: Record<string, string>;
  /** The command line that names provider and model the right way round, for the message when they were swapped. */
  example: (session: string, provider: string, model: string) => string;
}

export interface StartedSession {
  session: string;
  provider: string | undefined;
  model: string | undefined;
  /** Files and folders the journal's templates created (empty when the journal existed). */
  created: string[];
  /** Other sessions still active: a bare `tokj record` is ambiguous now. */
  othersActive: string[];
}

/** Creates the journal from its templates when needed, and starts a session in it. */
export async function startSession(journal: JournalAccess, start: SessionStart): Promise<StartedSession> {
  const now = journal.now();
  const session = checkSessionId(start.session ?? defaultSessionId(now, journal.env));
  // `tokj init s gpt-4o`: a model where the provider goes. Settled before anything is created.
  const given = { provider: start.provider, model: start.model };
  const named = mayBeModelName(given)
    ? placeModelName(given, { userPrices: (await readConfig(journal.layout)).prices, example: (p, m) => start.example(session, p, m) })
    : given;
  const created = ensureLayout(journal.layout);
  const othersActive = await JournalTxn.run(journal, async (txn) => {
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
      agent: start.agent ?? null,
      budget_usd: start.budgetUsd,
      labels: start.labels,
    };
    await txn.preflight([]);
    txn.append([event]);
    return txn.journal.active_sessions.filter((id) => id !== session);
  });
  return { session, provider: named.provider, model: named.model, created, othersActive };
}

export interface SessionFinish {
  /** --session; else $TOKJ_SESSION, else the only active session. */
  session?: string | undefined;
  status: 'completed' | 'failed';
  notes: string | null;
  errors: string[];
}

/** Closes an active session; returns its final state. */
export async function finalizeSession(journal: JournalAccess, finish: SessionFinish): Promise<SessionState> {
  if (finish.errors.length > 0 && finish.status !== 'failed') throw usageError('--error describes a failed session: add --status failed', 'bad_status');
  return JournalTxn.run(journal, async (txn) => {
    const s = resolveSession(txn, finish.session, journal.env);
    requireActive(s);
    const event: SessionEndEvent = {
      type: 'session_end',
      id: `${s.session}:end`,
      timestamp: journal.now().toISOString(),
      session: s.session,
      status: finish.status,
      notes: finish.notes,
      errors: finish.errors,
    };
    await txn.preflight([s.session]);
    txn.append([event]);
    return s;
  });
}
