/**
 * tokj demo [DIR]: the main job on an embedded script — a realistic agent run (several
 * models, cached input, reasoning, a retry, a note, a failed session) recorded through the
 * same commands a bash agent calls, then finalized. Without DIR it works in a new temp
 * directory, so it never writes into the tool's own repository unless told to. The run is
 * dated to end at the moment it is made: every timestamp is in the past, never ahead.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { layoutOf } from '../app/layout.js';
import { plural, totalCostText } from '../views/format.js';
import { readJson } from '../app/state-store.js';
import type { JournalState } from '../core/journal-state.js';
import { relativeToCwd, type Ctx } from './context.js';
import { examples, type TokjCommand } from './program.js';
import { finalize } from './finalize.js';
import { init } from './init.js';
import { record } from './record.js';

export function register(program: TokjCommand, ctx: Ctx): void {
  program
    .command('demo')
    .argument('[dir]', 'project directory to write .ai_workflow into (default: a new temp directory)')
    .description('run a short realistic agent session and show the journal it produces')
    .addHelpText('after', examples('npx tokj demo', 'TOKJ_NOW=2026-11-24T09:00:00Z tokj demo .'))
    .action(async (dir: string | undefined) => {
      await demo(dir, ctx);
    });
}

export async function demo(dir: string | undefined, ctx: Ctx): Promise<void> {
  const target = dir === undefined ? mkdtempSync(path.join(tmpdir(), 'tokj-demo-')) : path.resolve(ctx.cwd, dir);
  const root = path.join(target, '.ai_workflow');
  const opts = { dir: root };
  let clock = 0;
  const quiet: Ctx = { ...ctx, env: { TOKJ_DIR: root, TOKJ_HOST: 'demo' }, cwd: target, now: () => new Date(clock), out: () => undefined, err: () => undefined };
  // Each step: seconds after the one before, and what the agent does then.
  const script: Array<[number, () => Promise<unknown>]> = [
    [0, () => init({ session: 'demo-refactor', provider: 'openai', model: 'gpt-4o' }, { ...opts, agent: 'planner', budget: '0.50', label: ['project=demo'] }, quiet)],
    [4, () => record({ input: '1500', output: '800', note: 'plan the refactor' }, opts, quiet)],
    [21, () => record({ input: '8200', output: '1450', provider: 'anthropic', model: 'claude-sonnet-4-5-20250929' }, { ...opts, cacheRead: '6144', cacheWrite: '1024', agent: 'coder', operation: 'edit', note: 'write the patch' }, quiet)],
    [9, () => record({ input: '1200', output: '300', provider: 'anthropic', model: 'claude-sonnet-4-20250514', note: 'retry after parse error' }, { ...opts, agent: 'coder', attempt: '2/2' }, quiet)],
    [14, () => record({ input: '2300', output: '2900', provider: 'openai', model: 'o3-mini' }, { ...opts, reasoning: '2240', agent: 'reviewer', operation: 'review', note: 'check the diff | edge cases' }, quiet)],
    [2, () => record({ input: '412', output: '0', provider: 'openai', model: 'text-embedding-3-small' }, { ...opts, agent: 'indexer', operation: 'embed' }, quiet)],
    [3, () => finalize('Completed successfully: refactor merged', opts, quiet)],
    [60, () => init({ session: 'demo-flaky-search', provider: 'gemini', model: 'gemini-2.5-flash' }, { ...opts, agent: 'researcher' }, quiet)],
    [5, () => record({ input: '3100', output: '640' }, { ...opts, reasoning: '410', note: 'search the docs' }, quiet)],
    [30, () => record({ input: '3100', output: '0' }, { ...opts, attempt: '2/3', note: 'timed out' }, quiet)],
    [31, () => finalize(undefined, { ...opts, status: 'failed', error: ['attempt 2/3: upstream timeout after 30s', 'attempt 3/3: rate limited (429)'] }, quiet)],
  ];
  // The run ends now (TOKJ_NOW when set), so no timestamp it writes is in the future.
  clock = ctx.now().getTime() - script.reduce((sum, [seconds]) => sum + seconds, 0) * 1000;
  for (const [seconds, step] of script) {
    clock += seconds * 1000;
    await step();
  }

  const layout = layoutOf(root);
  const journal = readJson<JournalState>(path.join(layout.stateDir, 'journal.json'));
  const t = journal?.totals;
  ctx.out(`Demo journal written to ${relativeToCwd(ctx, root)}`);
  ctx.out(`  main journal: ${relativeToCwd(ctx, layout.journalMd)}`);
  ctx.out(`  sessions:     ${relativeToCwd(ctx, path.join(layout.sessionsDir, 'demo-refactor.md'))}, ${relativeToCwd(ctx, path.join(layout.sessionsDir, 'demo-flaky-search.md'))}`);
  ctx.out(`  ledger:       ${relativeToCwd(ctx, layout.ledgerDir)}`);
  if (t) ctx.out(`Total: ${plural(journal.sessions, 'session')}, ${plural(t.calls, 'call')}, ${plural(t.total_tokens, 'token')}, ${totalCostText(t)}`);
}
