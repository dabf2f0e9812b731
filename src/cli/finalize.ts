import { usageError } from '../core/errors.js';
import type { SessionState } from '../core/session-state.js';
import type { SessionEndEvent } from '../ledger/record.js';
import { requireActive, resolveSession } from '../app/record.js';
import { JournalTxn } from '../app/txn.js';
import { plural, totalCostText } from '../views/format.js';
import { existingLayout, relativeToCwd, txnContext, type Ctx, type DirOption } from './context.js';

export interface FinalizeOptions extends DirOption {
  session?: string;
  status?: string;
  error?: string[];
  json?: boolean;
}

export async function finalize(notes: string | undefined, options: FinalizeOptions, ctx: Ctx): Promise<SessionState> {
  const status = options.status ?? 'completed';
  if (status !== 'completed' && status !== 'failed') throw usageError(`--status takes completed or failed (got ${JSON.stringify(status)})`, 'bad_status');
  const errors = options.error ?? [];
  if (errors.length > 0 && status !== 'failed') throw usageError('--error describes a failed session: add --status failed', 'bad_status');
  const layout = existingLayout(ctx, options);
  const session = await JournalTxn.run(txnContext(ctx, layout), async (txn) => {
    const s = resolveSession(txn, options.session, ctx.env);
    requireActive(s);
    const event: SessionEndEvent = {
      type: 'session_end',
      id: `${s.session}:end`,
      timestamp: ctx.now().toISOString(),
      session: s.session,
      status,
      notes: notes ?? null,
      errors,
    };
    await txn.preflight([s.session]);
    txn.append([event]);
    return s;
  });
  const t = session.totals;
  if (options.json) ctx.out(JSON.stringify({ session: session.session, status: session.status, ended: session.ended, ...t }));
  else {
    ctx.out(`Finalized ${session.session} (${session.status}): ${plural(t.calls, 'call')}, ${plural(t.total_tokens, 'token')}, ${totalCostText(t)}`);
    ctx.out(`Session log: ${relativeToCwd(ctx, `${layout.sessionsDir}/${session.session}.md`)}`);
  }
  return session;
}
