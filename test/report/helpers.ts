/**
 * Report tests write ledger lines directly (the report reads nothing else) and run the
 * command in-process through the program's runner, with a Ctx whose out/err collect strings.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { Ctx } from '../../src/cli/context.js';
import { newProgram, runProgram } from '../../src/cli/program.js';
import { register } from '../../src/cli/report.js';
import { tempDir } from '../helpers.js';

export const NOW = '2026-11-24T09:00:00.000Z';

export interface CallLine {
  session: string;
  timestamp: string;
  provider: string;
  model: string;
  input: number;
  output: number;
  cost: string | null;
  agent?: string | null;
  operation?: string | null;
  attempt?: string | null;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
  estimated?: boolean;
  labels?: Record<string, string>;
  note?: string | null;
}

const counters = new Map<string, number>();

/** A call line as `record --json` prints it (the ledger's own form). */
export function callLine(c: CallLine): string {
  const n = (counters.get(c.session) ?? 0) + 1;
  counters.set(c.session, n);
  return JSON.stringify({
    type: 'call',
    id: `${c.session}:${n}`,
    timestamp: c.timestamp,
    session: c.session,
    provider: c.provider,
    model: c.model,
    agent: c.agent ?? null,
    operation: c.operation ?? null,
    attempt: c.attempt ?? null,
    note: c.note ?? null,
    request_id: null,
    input_tokens: c.input,
    output_tokens: c.output,
    cache_read_tokens: c.cacheRead ?? 0,
    cache_write_tokens: c.cacheWrite ?? 0,
    reasoning_tokens: c.reasoning ?? 0,
    total_tokens: c.input + c.output,
    cost_usd: c.cost,
    price_source: c.cost === null ? null : `litellm@2026-07-24:${c.model}`,
    estimated: c.estimated ?? false,
    labels: c.labels ?? {},
  });
}

export function startLine(session: string, timestamp: string, labels: Record<string, string> = {}): string {
  return JSON.stringify({ type: 'session_start', id: `${session}:start`, timestamp, session, provider: null, model: null, agent: null, budget_usd: null, labels });
}

export function endLine(session: string, timestamp: string, status: 'completed' | 'failed' = 'completed'): string {
  return JSON.stringify({ type: 'session_end', id: `${session}:end`, timestamp, session, status, notes: null, errors: [] });
}

const made: string[] = [];
// Journals are made while a file's tests are collected; they go when its tests are done.
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project dir with .ai_workflow holding the given ledger segments; returns the project dir. */
export function journalWith(segments: Record<string, string[]>, extra: Record<string, string> = {}): string {
  const cwd = tempDir('tokj-report-');
  made.push(cwd);
  const ledger = path.join(cwd, '.ai_workflow', 'monitoring', 'ledger');
  mkdirSync(ledger, { recursive: true });
  for (const [file, lines] of Object.entries(segments)) writeFileSync(path.join(ledger, file), lines.map((l) => `${l}\n`).join(''));
  for (const [rel, text] of Object.entries(extra)) writeFileSync(path.join(cwd, '.ai_workflow', rel), text);
  return cwd;
}

export interface Run {
  code: number;
  out: string;
  err: string;
}

/** `tokj report ARGS` in-process, as main.ts runs a command (the same error-to-exit mapping). */
export async function runReport(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: Ctx = {
    env: { TZ: 'UTC', ...env },
    cwd,
    now: () => new Date(env.TOKJ_NOW ?? NOW),
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    stdin: process.stdin,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    outRaw: async (chunk) => {
      out.push(String(chunk));
    },
    errRaw: (s) => err.push(s),
  };
  const code = await runProgram(newProgram(ctx, [register]), ['report', ...args], ctx);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** RFC 4180 CSV -> rows of cells (enough for reading our own output back). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
