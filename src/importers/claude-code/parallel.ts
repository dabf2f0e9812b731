/**
 * Reads many transcripts on worker threads: a gigabyte of logs is mostly scanning and JSON
 * parsing, which splits cleanly by file. Files go out largest first, one at a time, to
 * whichever worker is free, so a few big transcripts do not leave a core idle. Small
 * imports (and tests running the sources, where no worker bundle exists) read in-process.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { parseTranscript, type TranscriptResult } from './transcript.js';

declare const __TOKJ_BUNDLED__: boolean | undefined;

/** Below this many bytes of transcripts, starting workers costs more than it saves. */
const WORTH_WORKERS = 32 * 1024 * 1024;

/** The worker bundle next to this one (dist/cc-worker.cjs), or null when running sources. */
function workerScript(): string | null {
  if (typeof __TOKJ_BUNDLED__ !== 'boolean') return null;
  const script = path.join(__dirname, 'cc-worker.cjs');
  return existsSync(script) ? script : null;
}

/**
 * How many workers: TOKJ_IMPORT_WORKERS when set (0 reads in-process), else one per core
 * (at most 4) once the logs are big enough to be worth it.
 */
export function workerCount(env: NodeJS.ProcessEnv, files: number, bytes: number): number {
  const asked = env.TOKJ_IMPORT_WORKERS;
  if (asked !== undefined && /^\d+$/.test(asked)) return Math.min(Number(asked), files);
  if (bytes < WORTH_WORKERS) return 0;
  return Math.min(availableParallelism(), 4, files);
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Every file's result, in the order of `files`. */
export async function parseTranscripts(files: string[], env: NodeJS.ProcessEnv): Promise<TranscriptResult[]> {
  const sizes = new Map(files.map((f) => [f, sizeOf(f)]));
  let total = 0;
  for (const n of sizes.values()) total += n;
  const script = workerScript();
  const n = script === null ? 0 : workerCount(env, files.length, total);
  if (n === 0 || script === null) return files.map(parseTranscript);
  const queue = [...files].sort((a, b) => sizes.get(b)! - sizes.get(a)!);
  const results = new Map<string, TranscriptResult>();
  const workers: Worker[] = [];
  try {
    await Promise.all(
      Array.from({ length: n }, () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(script);
          workers.push(worker);
          let current: string | undefined;
          const next = (): void => {
            current = queue.shift();
            if (current === undefined) resolve();
            else worker.postMessage(current);
          };
          worker.on('message', (reply: string) => {
            const parsed = JSON.parse(reply) as { ok?: TranscriptResult; error?: string };
            if (parsed.error !== undefined || parsed.ok === undefined) {
              reject(new Error(`reading ${current}: ${parsed.error ?? 'no result'}`));
              return;
            }
            results.set(parsed.ok.file, parsed.ok);
            next();
          });
          worker.on('error', reject);
          worker.on('exit', (code) => {
            if (current !== undefined) reject(new Error(`the transcript reader thread stopped (exit ${code}) while reading ${current}`));
          });
          next();
        }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return files.map((f) => results.get(f)!);
}
