/**
 * The one worker pool of the bulk commands (import --from claude-code reads transcripts,
 * report reads pieces of a big ledger): threads running a bundle (workers.ts finds it),
 * tasks posted to them a few ahead of the one each works on, results handed back in task
 * order as soon as a task and those before it are done, so the caller works on the first
 * results while the threads read the rest. A thread answers each task with one message,
 * and may post notes (progress) before it. Threads are stopped when the caller is done
 * with the results, or stops early, or when one fails: the job fails with it.
 */
import { parentPort, Worker } from 'node:worker_threads';
import { threadFailure } from './workers.js';

/** What a thread posts: a note on the task at hand, its result, or why it failed. */
type Reply<R> = { note: unknown } | { result: R } | { error: string };

export interface PoolJob<T> {
  /** The worker bundle (workerScript). */
  script: string;
  threads: number;
  tasks: readonly T[];
  /** Tasks a thread holds at once: the one it works on and those sent ahead (default 1). */
  ahead?: number;
  /** The thread in messages: "a report worker" -> "a report worker thread failed: …". */
  what: string;
  /** A task in messages: "reading <file>". */
  describe: (task: T) => string;
  /** Notes the threads post (progress). */
  onNote?: (note: unknown) => void;
}

/** Every task's result, in the order of `tasks`. */
export async function* resultsInOrder<T, R>(job: PoolJob<T>): AsyncGenerator<R> {
  const { tasks } = job;
  const ahead = Math.max(1, job.ahead ?? 1);
  const results: Array<{ value: R } | undefined> = new Array(tasks.length);
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  let sent = 0;
  const workers = Array.from({ length: Math.min(job.threads, tasks.length) }, () => {
    const worker = new Worker(job.script);
    const inFlight: number[] = [];
    const send = (): void => {
      while (inFlight.length < ahead && sent < tasks.length) {
        inFlight.push(sent);
        worker.postMessage(tasks[sent++]);
      }
    };
    worker.on('message', (reply: Reply<R>) => {
      if ('note' in reply) {
        job.onNote?.(reply.note);
        return;
      }
      const index = inFlight.shift()!;
      if ('error' in reply) failure ??= new Error(`${job.describe(tasks[index]!)}: ${reply.error}`);
      else results[index] = { value: reply.result };
      send();
      notify();
    });
    worker.on('error', (error) => {
      failure ??= threadFailure(job.what, error);
      notify();
    });
    worker.on('exit', (code) => {
      if (inFlight.length > 0) failure ??= new Error(`${job.what} thread stopped (exit ${code}) while ${job.describe(tasks[inFlight[0]!]!)}`);
      notify();
    });
    send();
    return worker;
  });
  try {
    for (let next = 0; next < tasks.length; next++) {
      while (results[next] === undefined) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      const { value } = results[next]!;
      results[next] = undefined; // handed on: let it go
      yield value;
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * A thread's side: answers every task posted to it with `work(task, note)`'s result, in the
 * order they came; a task that throws is answered with its stack.
 */
export function serveTasks<T, R>(what: string, work: (task: T, note: (note: unknown) => void) => R): void {
  const port = parentPort;
  if (port === null) throw new Error(`${what} runs as a worker thread`);
  const note = (n: unknown): void => port.postMessage({ note: n } satisfies Reply<R>);
  port.on('message', (task: T) => {
    let reply: Reply<R>;
    try {
      reply = { result: work(task, note) };
    } catch (error) {
      reply = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    port.postMessage(reply);
  });
}
