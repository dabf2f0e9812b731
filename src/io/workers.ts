/**
 * Worker threads for the bulk commands (import --from claude-code, report): their scripts
 * are bundles next to the one running (dist/*.cjs); running the sources (tests) there are
 * none, and the work stays on this thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { EXIT, TokjError } from '../core/errors.js';

declare const __TOKJ_BUNDLED__: boolean | undefined;

/** dist/<name>, or null when not running from the bundles. */
export function bundledWorkerScript(name: string): string | null {
  if (typeof __TOKJ_BUNDLED__ !== 'boolean') return null;
  const script = path.join(__dirname, name);
  return existsSync(script) ? script : null;
}

/**
 * The script for a job that is to run on threads, or null to do it on this thread. With
 * TOKJ_REQUIRE_WORKERS=1 a missing script is an error instead: a test of the threaded path
 * must not pass on the in-process one while the threads never ran. (A thread that fails to
 * start is an error either way: the job stops with it, exit 70.)
 */
export function workerScript(name: string, env: NodeJS.ProcessEnv): string | null {
  const script = bundledWorkerScript(name);
  if (script === null && env.TOKJ_REQUIRE_WORKERS === '1') {
    const where = typeof __TOKJ_BUNDLED__ === 'boolean' ? `${path.join(__dirname, name)} is missing` : 'tokj is running from its sources, which have no worker bundles';
    throw new TokjError(`TOKJ_REQUIRE_WORKERS=1 and this job is to run on worker threads, but ${where} (npm run build makes it)`, EXIT.internal, 'no_workers');
  }
  return script;
}

/**
 * A thread that failed (its script threw while loading, or it could not start): the error
 * names the thread, and keeps the thread's own stack, which is where the bug is.
 */
export function threadFailure(what: string, error: unknown): Error {
  return new Error(`${what} thread failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
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
