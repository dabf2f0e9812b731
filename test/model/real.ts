/**
 * The two machines the model runs against: a working directory per host, each with its own
 * journal (.ai_workflow), and how a command reaches the real binary there.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { tempDir, tokj, type RunResult } from '../helpers.js';
import { HOST_LABEL, type Host } from './model.js';

export interface Real {
  /** Each host's working directory; its journal is <cwd>/.ai_workflow. */
  cwd: Record<Host, string>;
  /** Where rebuilt copies of A's journal are made (check 8). */
  scratch: string;
  /** What each step did, in order (a failure message replays it). */
  log: string[];
}

export function newReal(): Real {
  const base = tempDir('tokj-model-');
  const dirs = { A: path.join(base, 'host-a'), B: path.join(base, 'host-b'), scratch: path.join(base, 'scratch') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return { cwd: { A: dirs.A, B: dirs.B }, scratch: dirs.scratch, log: [] };
}

export function removeReal(real: Real): void {
  rmSync(path.dirname(real.scratch), { recursive: true, force: true });
}

export const rootOf = (real: Real, host: Host): string => path.join(real.cwd[host], '.ai_workflow');

/** `tokj ARGS` on a host at a given TOKJ_NOW, with a clean environment (test/helpers.ts). */
export function tokjOn(real: Real, host: Host, now: string, args: string[], options: { input?: string; env?: Record<string, string>; cwd?: string } = {}): Promise<RunResult> {
  return tokj(options.cwd ?? real.cwd[host], args, { env: { TOKJ_HOST: HOST_LABEL[host], TOKJ_NOW: now, TZ: 'UTC', ...options.env }, ...(options.input !== undefined ? { input: options.input } : {}) });
}

/** The product failed a command a person runs (its exit code and output are in the message). */
export class CommandFailed extends Error {}

export function mustSucceed(r: RunResult, what: string): void {
  if (r.exitCode !== 0) throw new CommandFailed(`${what} exited ${r.exitCode}\n  stdout: ${r.stdout.slice(0, 600)}\n  stderr: ${r.stderr.slice(0, 1200)}`);
}

/** The ledger lines one host wrote, as found in a host's directory (its own, or a pulled copy), in order. */
export function ledgerLinesOf(real: Real, dirHost: Host, writer: Host): Array<Record<string, unknown>> {
  const dir = path.join(rootOf(real, dirHost), 'monitoring', 'ledger');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(`.${HOST_LABEL[writer]}.jsonl`))
    .sort()
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n').slice(0, -1))
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Every markdown file of a journal (relative paths, sorted); .state and the lock aside. */
export function markdownFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const p = path.join(rel, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.state' && entry.name !== '.tokj.lock') walk(p);
      } else if (entry.name.endsWith('.md')) out.push(p);
    }
  };
  if (existsSync(root)) walk('');
  return out.sort();
}
