/**
 * Shared pieces of the torture suite: a seeded PRNG, a spawn that can be SIGKILLed, and a
 * checker that reads a journal back (ledger, derived state, markdown through the GFM parser)
 * and says whether everything agrees with the ledger.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import Big from 'big.js';
import { execa } from 'execa';
import type { Root, Table } from 'mdast';
import { bin, listIn, readMd, snapshotFiles, tableIn, tokj } from '../helpers.js';
import { seededRandom } from '../providers/helpers.js';
import { parseMarkdown } from '../../src/markdown/parse.js';
import { plainText } from '../../src/markdown/locate.js';
import { formatCount, formatUsd, formatUsdCell } from '../../src/core/money.js';
import { diagnose } from '../../src/app/doctor.js';
import { layoutOf } from '../../src/app/layout.js';

export { tokj };

/** mulberry32 (shared with the provider tests): delays and commands picked reproducibly. */
export const prng = seededRandom;

/** The seed from TORTURE_SEED, else a fresh one; always printed so a failure can be replayed. */
export function seedFor(name: string): number {
  const fromEnv = process.env.TORTURE_SEED;
  const seed = fromEnv ? Number(fromEnv) : Math.floor(Math.random() * 2 ** 31);
  console.log(`[torture] ${name}: seed ${seed} (rerun with TORTURE_SEED=${seed})`);
  return seed;
}

export function cleanEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  // Same host label as test/helpers.ts tokj(), so every process writes the same ledger segment.
  return { ...process.env, TOKJ_SESSION: undefined, TOKJ_DIR: undefined, TOKJ_NOW: undefined, VITEST: undefined, TOKJ_HOST: 'test', ...extra };
}

export interface KillResult {
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
  /** The process was still running when it was killed. */
  killed: boolean;
}

/** Spawns `tokj ARGS` and SIGKILLs it after `delayMs` unless it has exited by then. */
export async function runAndKill(cwd: string, args: string[], delayMs: number, input?: string, env: Record<string, string> = {}): Promise<KillResult> {
  const child = execa('node', [bin, ...args], {
    cwd,
    env: cleanEnv(env),
    extendEnv: false,
    reject: false,
    ...(input !== undefined ? { input } : {}),
  });
  let killed = false;
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) {
      killed = true;
      child.kill('SIGKILL');
    }
  }, delayMs);
  const r = await child;
  clearTimeout(timer);
  return { exitCode: r.exitCode ?? undefined, signal: r.signal ?? undefined, stdout: String(r.stdout), stderr: String(r.stderr), killed: killed && r.signal === 'SIGKILL' };
}

/** `tokj ARGS` that gives up after timeoutMs (exit code -1, timedOut true): for commands that might hang. */
export async function tokjWithin(cwd: string, args: string[], timeoutMs: number, input?: string): Promise<{ exitCode: number; stdout: string; stderr: string; timedOut: boolean }> {
  const r = await execa('node', [bin, ...args], { cwd, env: cleanEnv(), extendEnv: false, reject: false, timeout: timeoutMs, ...(input !== undefined ? { input } : {}) });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr), timedOut: r.timedOut };
}

/**
 * Everything under dir, symlinks not followed: each path maps to "dir", "link -> target" or
 * the file's bytes (base64). For "nothing was written, not even a directory" assertions.
 */
export function treeSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const rel = path.relative(dir, p);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out[rel] = `link -> ${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[rel] = 'dir';
        walk(p);
      } else out[rel] = readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

/** Every file under dir (recursively), path relative to dir. */
export function listFiles(dir: string): string[] {
  return Object.keys(snapshotFiles(dir));
}

export interface LedgerScan {
  /** Parsed complete lines. */
  entries: Array<Record<string, unknown>>;
  /** Complete lines (ending in a newline) that are not JSON. */
  bad: string[];
  /** Bytes after the last newline of the last segment (a torn write), if any. */
  tornTail: string;
}

/** Reads the ledger the way a person with `jq` would: line by line, every segment in order. */
export function scanLedgerFiles(root: string): LedgerScan {
  const dir = path.join(root, 'monitoring', 'ledger');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort() : [];
  const scan: LedgerScan = { entries: [], bad: [], tornTail: '' };
  files.forEach((f, i) => {
    const text = readFileSync(path.join(dir, f), 'utf8');
    const lines = text.split('\n');
    const tail = lines.pop() ?? '';
    if (tail !== '') {
      if (i === files.length - 1) scan.tornTail = tail;
      else scan.bad.push(tail);
    }
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        scan.entries.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        scan.bad.push(line);
      }
    }
  });
  return scan;
}

export function ledgerCalls(root: string): Array<Record<string, unknown>> {
  return scanLedgerFiles(root).entries.filter((e) => e.type === 'call');
}

/** Every table in a parsed document, as rows of cell texts. */
export function allTables(root: Root): Table[] {
  const out: Table[] = [];
  const visit = (n: { type: string; children?: unknown[] }): void => {
    if (n.type === 'table') out.push(n as Table);
    for (const c of (n.children ?? []) as Array<{ type: string; children?: unknown[] }>) visit(c);
  };
  visit(root);
  return out;
}

/**
 * The tool's table in a section: the first table whose first header cell is `first` (a
 * person may have put tables of their own in the section, before it).
 */
export function toolTable(root: Root, section: string, first: string): string[][] {
  const start = root.children.findIndex((n) => n.type === 'heading' && plainText(n).trim() === section);
  if (start < 0) throw new Error(`no section ${section}`);
  for (let i = start + 1; i < root.children.length; i++) {
    const n = root.children[i]!;
    if (n.type === 'heading' && n.depth <= 2) break;
    if (n.type === 'table' && plainText(n.children[0]!.children[0]!).trim() === first) return n.children.map((r) => r.children.map((c) => plainText(c)));
  }
  throw new Error(`no ${first} table in ${section}`);
}

/** Files of the journal that people read: they must parse and hold the tool's blocks. */
export function checkFilesReadable(root: string): string[] {
  const problems: string[] = [];
  for (const rel of listFiles(root)) {
    const file = path.join(root, rel);
    if (rel.endsWith('.md')) {
      const text = readFileSync(file, 'utf8');
      let md: Root;
      try {
        md = parseMarkdown(text);
      } catch (error) {
        problems.push(`${rel}: does not parse: ${(error as Error).message}`);
        continue;
      }
      for (const t of allTables(md)) {
        const width = t.children[0]?.children.length ?? 0;
        if (t.children.some((r) => r.children.length !== width)) problems.push(`${rel}: a table with ragged rows`);
      }
      try {
        if (rel.startsWith(`monitoring${path.sep}sessions${path.sep}`)) toolTable(md, 'Usage Tracking', 'Call');
        if (rel === path.join('work_journal', 'token_usage.md')) toolTable(md, 'Usage Summary', 'Provider');
      } catch (error) {
        problems.push(`${rel}: ${(error as Error).message}`);
      }
    } else if (rel.endsWith('.json')) {
      try {
        JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        problems.push(`${rel}: not JSON`);
      }
    }
  }
  const ledger = scanLedgerFiles(root);
  if (ledger.bad.length > 0) problems.push(`ledger: ${ledger.bad.length} line(s) that are not JSON: ${ledger.bad[0]?.slice(0, 80)}`);
  return problems;
}

function costSum(calls: Array<Record<string, unknown>>): { priced: Big; unpriced: number } {
  let priced = new Big(0);
  let unpriced = 0;
  for (const c of calls) {
    if (c.cost_usd === null) unpriced += 1;
    else priced = priced.plus(new Big(c.cost_usd as string));
  }
  return { priced, unpriced };
}

export function totalCostText(calls: Array<Record<string, unknown>>, format: (usd: string) => string = formatUsd): string {
  const { priced, unpriced } = costSum(calls);
  const base = format(priced.toString());
  return unpriced === 0 ? base : `${base} + ${formatCount(unpriced)} unpriced call${unpriced === 1 ? '' : 's'}`;
}

/** The same total in a table's cost column (four decimals: formatUsdCell). */
export const totalCostCell = (calls: Array<Record<string, unknown>>): string => totalCostText(calls, formatUsdCell);

export function sumTokens(calls: Array<Record<string, unknown>>, field: string): number {
  return calls.reduce((s, c) => s + (c[field] as number), 0);
}

/**
 * Compares the markdown with the ledger: each session file holds one Usage Tracking row per
 * call of the session in ledger order, with its summary; the journal's TOTAL row, total cost
 * Recent Sessions and the month logs' rows agree. Returns what disagrees (empty when all is well).
 */
export function compareWithLedger(root: string): string[] {
  const problems: string[] = [];
  const scan = scanLedgerFiles(root);
  if (scan.bad.length) problems.push(`ledger has ${scan.bad.length} bad line(s)`);
  const ids = new Set<string>();
  const sessions = new Map<string, { calls: Array<Record<string, unknown>>; ended: Record<string, unknown> | null }>();
  for (const e of scan.entries) {
    if (ids.has(e.id as string)) problems.push(`duplicate ledger id ${String(e.id)}`);
    ids.add(e.id as string);
    const sid = e.session as string;
    if (e.type === 'session_start') sessions.set(sid, { calls: [], ended: null });
    else if (e.type === 'call') sessions.get(sid)?.calls.push(e);
    else if (e.type === 'session_end') {
      const s = sessions.get(sid);
      if (s) s.ended = e;
    }
  }
  const allCalls: Array<Record<string, unknown>> = [];
  // A session's calls in their numbered order (`<session>:<n>`), whatever segment holds them.
  const callNumber = (c: Record<string, unknown>): number => Number(String(c.id).slice(String(c.id).lastIndexOf(':') + 1));
  for (const [sid, s] of sessions) {
    s.calls.sort((a, b) => callNumber(a) - callNumber(b));
    allCalls.push(...s.calls);
    const file = path.join(root, 'monitoring', 'sessions', `${sid}.md`);
    if (!existsSync(file)) {
      problems.push(`${sid}: session file missing`);
      continue;
    }
    const md = readMd(file);
    let rows: string[][];
    try {
      rows = toolTable(md, 'Usage Tracking', 'Call').slice(1);
    } catch (error) {
      problems.push(`${sid}: ${(error as Error).message}`);
      continue;
    }
    if (rows.length !== s.calls.length) problems.push(`${sid}: ${rows.length} Usage Tracking rows, ledger has ${s.calls.length} calls`);
    s.calls.forEach((c, i) => {
      const r = rows[i];
      if (!r) return;
      const want = [String(i + 1), formatCount(c.input_tokens as number), formatCount(c.output_tokens as number)];
      const got = [r[0], r[4], r[6]];
      if (JSON.stringify(want) !== JSON.stringify(got)) problems.push(`${sid}: row ${i + 1} is ${JSON.stringify(got)}, ledger says ${JSON.stringify(want)}`);
    });
    const summary = listIn(md, 'Session Summary');
    if (summary['Total Calls'] !== formatCount(s.calls.length)) problems.push(`${sid}: Total Calls ${summary['Total Calls']} != ${s.calls.length}`);
    if (summary['Total Input Tokens'] !== formatCount(sumTokens(s.calls, 'input_tokens'))) problems.push(`${sid}: Total Input Tokens ${summary['Total Input Tokens']}`);
    if (summary['Total Cost'] !== totalCostText(s.calls)) problems.push(`${sid}: Total Cost ${summary['Total Cost']} != ${totalCostText(s.calls)}`);
    const status = listIn(md, 'Session Information').Status;
    const wantStatus = s.ended ? (s.ended.status as string) : 'active';
    if (status !== wantStatus) problems.push(`${sid}: Status ${status} != ${wantStatus}`);
    if (s.ended) {
      try {
        if (listIn(md, 'Session Completion').Status !== wantStatus) problems.push(`${sid}: Session Completion status`);
        const breakdown = toolTable(md, 'Cost Breakdown', 'Provider');
        if (breakdown.at(-1)?.[2] !== formatCount(s.calls.length)) problems.push(`${sid}: Cost Breakdown TOTAL calls ${breakdown.at(-1)?.[2]}`);
      } catch (error) {
        problems.push(`${sid}: finalized but ${(error as Error).message}`);
      }
    }
  }
  const journalFile = path.join(root, 'work_journal', 'token_usage.md');
  if (sessions.size > 0) {
    const journal = readMd(journalFile);
    const total = toolTable(journal, 'Usage Summary', 'Provider').at(-1) ?? [];
    const want = ['TOTAL', '', formatCount(sessions.size), formatCount(allCalls.length), formatCount(sumTokens(allCalls, 'input_tokens')), formatCount(sumTokens(allCalls, 'output_tokens'))];
    if (JSON.stringify(total.slice(0, 6)) !== JSON.stringify(want)) problems.push(`journal TOTAL row ${JSON.stringify(total.slice(0, 6))} != ${JSON.stringify(want)}`);
    if (total[8] !== totalCostCell(allCalls)) problems.push(`journal TOTAL cost ${total[8]} != ${totalCostCell(allCalls)}`);
    const recent = toolTable(journal, 'Recent Sessions', 'Session').slice(1);
    if (recent.length !== Math.min(sessions.size, 20)) problems.push(`Recent Sessions has ${recent.length} rows for ${sessions.size} sessions`);
    // Every session is a row of its month's log.
    const logDir = path.join(root, 'work_journal', 'log');
    const log = existsSync(logDir) ? readdirSync(logDir).filter((f) => f.endsWith('.md')).flatMap((f) => toolTable(readMd(path.join(logDir, f)), 'Detailed Usage Log', 'Session').slice(1)) : [];
    const logged = new Map(log.map((r) => [r[0], r]));
    if (log.length !== sessions.size) problems.push(`the month logs have ${log.length} rows for ${sessions.size} sessions`);
    for (const [sid, s] of sessions) {
      const r = logged.get(sid);
      if (!r) problems.push(`no month log lists ${sid}`);
      else if (r[4] !== formatCount(s.calls.length)) problems.push(`month log row of ${sid}: ${r[4]} calls != ${s.calls.length}`);
    }
    for (const r of recent) if (JSON.stringify(r) !== JSON.stringify(logged.get(r[0]!))) problems.push(`Recent Sessions row of ${r[0]} differs from its month log's`);
  }
  return problems;
}

/**
 * The doctor's checks run in this process (src/app/doctor.ts diagnose, the code behind
 * `tokj doctor`, read-only): a process spawn per check would make the crash trials slow.
 */
export async function diagnoseInProcess(root: string): Promise<string[]> {
  const { problems } = await diagnose(layoutOf(root));
  return problems.map((p) => `${p.file}: ${p.message}`);
}

/** `tokj doctor` exit code and output. */
export async function doctor(cwd: string, fix = false): Promise<{ exitCode: number; out: string }> {
  const r = await tokj(cwd, fix ? ['doctor', '--fix'] : ['doctor']);
  return { exitCode: r.exitCode, out: `${r.stdout}\n${r.stderr}` };
}

/** Table cells of a section as plain text (re-exported for tests that build their own checks). */
export { plainText, tableIn, listIn, readMd };
