/**
 * tokj doctor [--fix] and tokj rebuild. Doctor reads only; --fix repairs what is safe (a torn
 * last ledger line moved aside, derived state and views regenerated from the ledger).
 * Rebuild regenerates every view from the ledger, keeping what people wrote around the
 * tool's tables and lists.
 */
import { EXIT } from '../core/errors.js';
import { checkJournal, rebuildJournal } from '../app/repair.js';
import { plural } from '../views/format.js';
import { existingLayout, journalAccess, type Ctx, type DirOption } from './context.js';
import { examples, withDir, type TokjCommand } from './program.js';

export function register(program: TokjCommand, ctx: Ctx): void {
  withDir(program.command('doctor'))
    .description('check that the ledger, derived state and markdown agree; exit 1 when problems are found')
    .option('--fix', 'repair what is safe: move a torn ledger line aside, regenerate views from the ledger')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('tokj doctor', 'tokj doctor --fix'))
    .action((options: DirOption & { fix?: boolean; json?: boolean }) => doctor(options, ctx));

  withDir(program.command('rebuild'))
    .description('regenerate every markdown view and derived state from the ledger, keeping text people wrote')
    .addHelpText('after', examples('tokj rebuild', 'git pull && tokj rebuild'))
    .action(async (options: DirOption) => {
      const sessions = await rebuildJournal(journalAccess(ctx, existingLayout(ctx, options)));
      ctx.out(`Rebuilt ${plural(sessions, 'session view')} and the journal from the ledger.`);
    });
}

async function doctor(options: DirOption & { fix?: boolean; json?: boolean }, ctx: Ctx): Promise<number> {
  const { problems, pending, repaired } = await checkJournal(journalAccess(ctx, existingLayout(ctx, options)), options.fix ?? false);
  if (repaired !== null) {
    const done = [...(repaired.problems > 0 || repaired.lines === 0 ? [`repaired ${plural(repaired.problems, 'problem')}`] : []), ...(repaired.lines > 0 ? [`applied ${plural(repaired.lines, 'ledger line')}`] : [])];
    ctx.err(`doctor --fix: ${done.join(', ')}`);
  }
  const waiting = pending === 0 ? '' : ` ${pending} ledger line${pending === 1 ? ' is' : 's are'} not applied yet (another host's, or an interrupted command's): the next tokj command applies them.`;
  if (options.json) ctx.out(JSON.stringify({ clean: problems.length === 0, problems, pending_lines: pending }));
  else if (problems.length === 0) ctx.out(`Journal is consistent: ledger, derived state and markdown agree.${waiting}`);
  else {
    for (const p of problems) ctx.out(`${p.file}: ${p.message}\n  -> ${p.fix}`);
    if (waiting) ctx.out(waiting.trim());
  }
  return problems.length === 0 ? EXIT.ok : EXIT.alert;
}
