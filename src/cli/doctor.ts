/**
 * tokj doctor [--fix] and tokj rebuild. Doctor reads only; --fix repairs what is safe (a torn
 * last ledger line moved aside, derived state and views regenerated from the ledger).
 * Rebuild regenerates every view from the ledger, keeping what people wrote around the
 * tool's tables and lists.
 */
import { EXIT } from '../core/errors.js';
import { diagnose, type Problem } from '../app/doctor.js';
import { JournalTxn } from '../app/txn.js';
import { plural } from '../views/format.js';
import { existingLayout, txnContext, type Ctx, type DirOption } from './context.js';

export async function rebuild(options: DirOption, ctx: Ctx): Promise<void> {
  const layout = existingLayout(ctx, options);
  const sessions = await JournalTxn.run(txnContext(ctx, layout), (txn) => txn.journal.sessions, { fromScratch: true });
  ctx.out(`Rebuilt ${plural(sessions, 'session view')} and the journal from the ledger.`);
}

function print(problems: Problem[], ctx: Ctx): void {
  for (const p of problems) ctx.out(`${p.file}: ${p.message}\n  -> ${p.fix}`);
}

export async function doctor(options: DirOption & { fix?: boolean; json?: boolean }, ctx: Ctx): Promise<number> {
  const layout = existingLayout(ctx, options);
  let { problems, pending } = await diagnose(layout);
  if (options.fix && problems.some((p) => p.fixable)) {
    // The transaction's recovery moves a torn tail aside; from scratch re-renders every view.
    await JournalTxn.run(txnContext(ctx, layout), () => undefined, { fromScratch: true });
    const before = problems.length;
    ({ problems, pending } = await diagnose(layout));
    ctx.err(`doctor --fix: repaired ${plural(before - problems.length, 'problem')}`);
  }
  const waiting = pending === 0 ? '' : ` ${pending} ledger line${pending === 1 ? ' is' : 's are'} not applied yet (another host's, or an interrupted command's): the next tokj command applies them.`;
  if (options.json) ctx.out(JSON.stringify({ clean: problems.length === 0, problems, pending_lines: pending }));
  else if (problems.length === 0) ctx.out(`Journal is consistent: ledger, derived state and markdown agree.${waiting}`);
  else {
    print(problems, ctx);
    if (waiting) ctx.out(waiting.trim());
  }
  return problems.length === 0 ? EXIT.ok : EXIT.alert;
}
