/**
 * Worker threads for the bulk commands (import --from claude-code, report): their scripts
 * are bundles next to the one running (dist/*.cjs); running the sources (tests) there are
 * none, and the work stays on this thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';

declare const __TOKJ_BUNDLED__: boolean | undefined;

/** dist/<name>, or null when not running from the bundles. */
export function bundledWorkerScript(name: string): string | null {
  if (typeof __TOKJ_BUNDLED__ !== 'boolean') return null;
  const script = path.join(__dirname, name);
  return existsSync(script) ? script : null;
}

/**
 * How many threads: the number an environment variable asks for (0: none), else one per
 * core, at most 4, when the job is big enough to be worth starting them (~40 ms each) and
 * there is more than one core to run them on.
 */
export function threadCount(asked: string | undefined, worthIt: boolean): number {
  if (asked !== undefined && /^\d+$/.test(asked)) return Number(asked);
  const cores = availableParallelism();
  return worthIt && cores > 1 ? Math.min(cores, 4) : 0;
}
