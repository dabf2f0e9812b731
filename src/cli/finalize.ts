/** tokj finalize [NOTES]: close the session with its final totals. */
import { Option } from 'commander';
import { usageError } from '../core/errors.js';
import type { SessionState } from '../core/session-state.js';
import { finalizeSession } from '../app/session-lifecycle.js';
import { plural, totalCostText } from '../views/format.js';
import { collect } from './args.js';
import { existingLayout, journalAccess, relativeToCwd, type Ctx, type DirOption } from './context.js';
import { examples, withDir, type TokjCommand } from './program.js';

export interface FinalizeOptions extends DirOption {
  session?: string;
  status?: string;
  error?: string[];
  json?: boolean;
}

export function register(program: TokjCommand, ctx: Ctx): void {
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
}

export async function finalize(notes: string | undefined, options: FinalizeOptions, ctx: Ctx): Promise<SessionState> {
  const status = options.status ?? 'completed';
  if (status !== 'completed' && status !== 'failed') throw usageError(`--status takes completed or failed (got ${JSON.stringify(status)})`, 'bad_status');
  const layout = existingLayout(ctx, options);
  const session = await finalizeSession(journalAccess(ctx, layout), { session: options.session, status, notes: notes ?? null, errors: options.error ?? [] });
  const t = session.totals;
  if (options.json) ctx.out(JSON.stringify({ session: session.session, status: session.status, ended: session.ended, ...t }));
  else {
    ctx.out(`Finalized ${session.session} (${session.status}): ${plural(t.calls, 'call')}, ${plural(t.total_tokens, 'token')}, ${totalCostText(t)}`);
    ctx.out(`Session log: ${relativeToCwd(ctx, `${layout.sessionsDir}/${session.session}.md`)}`);
  }
  return session;
}
