/** Reading a journal's session-state packs back in tests: which bucket files exist, which sessions each holds. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fingerprint } from '../../src/core/fingerprint.js';
import { ledgerLines } from '../helpers.js';

export const stateDir = (root: string): string => path.join(root, 'monitoring', '.state', 'sessions');
export const bucketDir = (root: string): string => path.join(stateDir(root), 'buckets');

/** The bucket a session's packed state belongs in: the first three hex digits of its id's fingerprint. */
export const bucketFileOf = (id: string): string => `${fingerprint(id).slice(0, 3)}.json`;

/** Every bucket file with the session ids it holds (sorted); the commit mark (written.json) and the files named in `except` aside. */
export function bucketsHeld(root: string, except: string[] = []): Record<string, string[]> {
  const dir = bucketDir(root);
  if (!existsSync(dir)) return {};
  const out: Record<string, string[]> = {};
  for (const name of readdirSync(dir).sort()) {
    if (name === 'written.json' || except.includes(name)) continue;
    out[name] = Object.keys((JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as { sessions: object }).sessions).sort();
  }
  return out;
}

/** The bucket files `ids` make, each with its sessions, as bucketsHeld gives them. */
export function bucketsFor(ids: Iterable<string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const id of ids) (out[bucketFileOf(id)] ??= []).push(id);
  for (const ids of Object.values(out)) ids.sort();
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** One session's packed state, as stored in its bucket (undefined when the bucket does not hold it). */
export function packedState(root: string, id: string): Record<string, unknown> | undefined {
  const file = path.join(bucketDir(root), bucketFileOf(id));
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { sessions: Record<string, Record<string, unknown>> }).sessions[id];
}

/** Own state files (`<id>.json` beside the buckets), as session ids. */
export const ownStates = (root: string): string[] =>
  readdirSync(stateDir(root))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();

/** Every session the ledger names. */
export const ledgerSessions = (root: string): string[] => [...new Set(ledgerLines(root).map((l) => l.session as string))].sort();

/** The bucket files a traced command parsed (TOKJ_TRACE=1 prints `state bucket <name>` for each). */
export const bucketsParsed = (stderr: string): string[] => [...stderr.matchAll(/\[trace\] [\d.]+ms state bucket ([0-9a-f]{3})\n/g)].map((m) => `${m[1]}.json`);
