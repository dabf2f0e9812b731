/**
 * The full tokj program: the core commands and everything else. Loaded by entry.ts for any
 * command that is not one of the core ones. Each module registers its command(s); this list
 * is the order `tokj --help` shows them in.
 */
import { register as autoCollect } from './auto-collect.js';
import { register as budget } from './budget.js';
import { register as completion } from './completion.js';
import { register as config } from './config.js';
import type { Ctx } from './context.js';
import { CORE_COMMANDS } from './core-commands.js';
import { register as count } from './count.js';
import { register as demo } from './demo.js';
import { register as doctor } from './doctor.js';
import { register as importCommand } from './import.js';
import { register as metrics } from './metrics.js';
import { register as monitor } from './monitor.js';
import { register as pricing } from './pricing-show.js';
import { newProgram, runProgram, type Register } from './program.js';
import { register as reconcile } from './reconcile.js';
import { register as report } from './report.js';
import { register as wrap } from './wrap.js';

const COMMANDS: Register[] = [...Object.values(CORE_COMMANDS), importCommand, pricing, autoCollect, wrap, count, monitor, budget, config, doctor, demo, report, reconcile, metrics, completion];

export async function runFull(argv: string[], ctx: Ctx): Promise<number> {
  return runProgram(newProgram(ctx, COMMANDS), argv, ctx);
}
