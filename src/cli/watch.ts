/**
 * tokj status --watch: active sessions' totals, per-model and per-agent costs and budget
 * bars, redrawn every second on a terminal; quits on q or Ctrl-C. When stdout is not a TTY
 * it prints plain snapshots instead (no escape codes). Reads state files only: no lock.
 */
import path from 'node:path';
import Big from 'big.js';
import type { JournalState } from '../core/journal-state.js';
import { modelsInOrder, type SessionState } from '../core/session-state.js';
import { formatUsd } from '../core/money.js';
import { sessionStatePath, type Layout } from '../app/layout.js';
import { readJson } from '../app/state-store.js';
import { plural, totalCostText } from '../views/format.js';
import type { Ctx } from './context.js';

const BAR = 24;

function bar(spent: Big, limit: Big, color: boolean): string {
  const ratio = limit.eq(0) ? 1 : Math.min(1, Number(spent.div(limit).toFixed(4)));
  const filled = Math.round(ratio * BAR);
  const text = `[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}]`;
  if (!color) return text;
  const code = spent.gt(limit) ? 31 : ratio >= 0.9 ? 33 : 32;
  return `\x1b[${code}m${text}\x1b[0m`;
}

export function renderSnapshot(layout: Layout, now: Date, color: boolean): string[] {
  const journal = readJson<JournalState>(path.join(layout.stateDir, 'journal.json'));
  const lines = [`tokj status — ${now.toISOString().slice(0, 19).replace('T', ' ')} UTC — ${journal ? totalCostText(journal.totals) : '$0.00'} in all`];
  const active = journal?.active_sessions ?? [];
  if (active.length === 0) lines.push('no active sessions');
  for (const id of active) {
    const s = readJson<SessionState>(sessionStatePath(layout, id));
    if (!s) continue;
    const t = s.totals;
    lines.push('', `${id}  ${plural(t.calls, 'call')}  ${plural(t.total_tokens, 'token')}  ${totalCostText(t)}`);
    if (s.budget_usd !== null) {
      const spent = new Big(t.cost_usd);
      const limit = new Big(s.budget_usd);
      lines.push(`  budget ${bar(spent, limit, color)} ${formatUsd(spent)} of ${formatUsd(limit)}`);
    }
    for (const m of modelsInOrder(s)) lines.push(`  model ${m.provider}/${m.model}: ${plural(m.calls, 'call')}, ${totalCostText(m)}`);
    for (const [agent, a] of Object.entries(s.by_agent)) lines.push(`  agent ${agent}: ${plural(a.calls, 'call')}, ${totalCostText(a)}`);
  }
  return lines;
}

export async function watch(layout: Layout, ctx: Ctx, options: { interval?: number; count?: number }): Promise<void> {
  const tty = ctx.stdoutIsTTY;
  const color = tty && !('NO_COLOR' in ctx.env);
  const interval = options.interval ?? 1000;
  let rounds = 0;
  // Keys come from the terminal in raw mode: q or Ctrl-C quits without a newline.
  const keys = ctx.stdin as NodeJS.ReadStream;
  const keyboard = tty && keys.isTTY === true;
  await new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      if (timer) clearInterval(timer);
      if (keyboard) {
        keys.setRawMode(false);
        keys.pause();
      }
      if (tty) void ctx.outRaw('\x1b[?25h');
      resolve();
    };
    const draw = (): void => {
      const lines = renderSnapshot(layout, ctx.now(), color);
      if (tty) void ctx.outRaw(`\x1b[?25l\x1b[H\x1b[2J${lines.join('\n')}\n\n(q to quit)\n`);
      else ctx.out(`${lines.join('\n')}\n`);
      rounds += 1;
      if (options.count !== undefined && rounds >= options.count) stop();
    };
    if (keyboard) {
      keys.setRawMode(true);
      keys.resume();
      keys.on('data', (key: Buffer) => {
        const k = key.toString();
        if (k === 'q' || k === 'Q' || k === '\u0003') stop();
      });
    }
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    draw();
    if (options.count === undefined || rounds < options.count) timer = setInterval(draw, interval);
  });
}
