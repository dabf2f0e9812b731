/**
 * Reads many transcripts on worker threads (io/worker-pool.ts): a gigabyte of logs is
 * mostly scanning and JSON parsing, which splits cleanly by file. Files go out in the order
 * the caller takes them (oldest first), two ahead to each worker, and results come back in
 * that order as soon as they and those before them are read. Small imports (and tests running the sources, where
 * no worker bundle exists) read in-process.
 */
import { statIfExists } from '../../io/dir.js';
import { trace } from '../../io/trace.js';
import { resultsInOrder } from '../../io/worker-pool.js';
import { threadCount, workerScript } from '../../io/workers.js';
import { parseTranscript, type TranscriptResult } from './transcript.js';

/** Below this many bytes of transcripts, starting workers costs more than it saves. */
const WORTH_WORKERS = 32 * 1024 * 1024;

/** How many workers: TOKJ_IMPORT_WORKERS when set (0 reads in-process), else one per core. */
export function workerCount(env: NodeJS.ProcessEnv, files: number, bytes: number): number {
  return Math.min(threadCount(env.TOKJ_IMPORT_WORKERS, bytes >= WORTH_WORKERS), files);
}

function sizeOf(file: string): number {
  try {
    return statIfExists(file)?.size ?? 0;
  } catch {
    return 0;
  }
}

/** Files a worker is sent ahead of the one it reads, so it never waits on this thread. */
const AHEAD = 2;

/**
 * Every file's result, in the order of `files`, each as soon as it and those before it are
 * read: the caller works on the first files while the workers read the rest.
 */
export async function* readTranscripts(files: string[], env: NodeJS.ProcessEnv, onProgress?: (done: number, total: number) => void): AsyncGenerator<TranscriptResult> {
  const sizes = files.map(sizeOf);
  let total = 0;
  for (const n of sizes) total += n;
  let done = 0;
  const progress = (index: number): void => {
    done += sizes[index]!;
    onProgress?.(done, total);
  };
  const n = workerCount(env, files.length, total);
  const script = n === 0 ? null : workerScript('cc-worker.cjs', env);
  if (script === null) {
    for (let i = 0; i < files.length; i++) {
      yield parseTranscript(files[i]!);
      progress(i);
    }
    return;
  }
  // A result comes back as JSON text (worker.ts).
  const results = resultsInOrder<string, string>({ script, threads: n, tasks: files, ahead: AHEAD, what: 'a transcript reader', describe: (file) => `reading ${file}` });
  let next = 0;
  for await (const text of results) {
    yield JSON.parse(text) as TranscriptResult;
    progress(next++);
  }
  // Said once every file came back from the threads (tests check the threads ran).
  trace(`${files.length} transcripts read on ${n} worker threads`);
}
