/** Progress on a terminal's stderr for the commands that can run for seconds (report, import). */
import { performance } from 'node:perf_hooks';
import type { Ctx } from './context.js';

export interface ProgressBar {
  update: (done: number, total: number) => void;
  done: () => void;
}

/** A bar on stderr, drawn only once the scan has run for a second, at most 10 times a second. */
export function progressBar(write: (s: string) => void, clock: () => number = () => performance.now(), label = 'tokj report'): ProgressBar {
  const start = clock();
  let last = -Infinity;
  let shown = false;
  return {
    update: (done, total) => {
      const t = clock();
      if (t - start < 1000 || t - last < 100) return;
      last = t;
      shown = true;
      const fraction = total > 0 ? Math.min(1, done / total) : 1;
      const width = 30;
      const filled = Math.round(fraction * width);
      write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(fraction * 100)}% of ${(total / 1048576).toFixed(0)} MiB`);
    },
    done: () => {
      if (shown) write('\r\x1b[K');
    },
  };
}

/** A bar when stderr is a terminal (bars are for people, not logs), else none. */
export function terminalProgress(ctx: Ctx, label: string): ProgressBar | null {
  return ctx.stderrIsTTY ? progressBar(ctx.errRaw, undefined, label) : null;
}
