/**
 * tokj import FILE|- : JSON Lines of usage records (the shape `record --json` prints) into
 * the journal, for backfills and migrations. All-or-nothing: every line is checked before
 * anything is written. Sessions it does not know are created and closed as completed.
 */
import { readFileSync } from 'node:fs';
import { importBillParts, importBillingUsage } from './import-billing.js';
import { rejectedInput, usageError } from '../core/errors.js';
import { homedir } from 'node:os';
import path from 'node:path';
import { claudeConfigDirs, defaultClaudeProjectDirs, newClaudeCodeStats, readClaudeCode, readSeedMarkdown, type ClaudeCodeStats, type ImportRecord } from '../importers/index.js';
import { readImportMemo, writeImportMemo } from '../app/import-memo.js';
import { formatCount } from '../core/money.js';
import { plural } from '../views/format.js';
import { parseMoney } from '../core/money.js';
import type { SessionEndEvent, SessionStartEvent, CallRecord } from '../ledger/record.js';
import { readConfig } from '../app/config.js';
import { PriceBook } from '../app/pricing.js';
import { sessionFromStart } from '../core/session-state.js';
import { checkCanAdd } from '../core/totals.js';
import { ensureLayout } from '../app/layout.js';
import { buildCallRecords, type CallInput } from '../app/record.js';
import { JournalTxn } from '../app/txn.js';
import { checkSessionId } from '../io/paths.js';
import { readAll } from '../io/stdin.js';
import { trace } from '../io/trace.js';
import { progressBar } from './report.js';
import { layoutFor, relativeToCwd, txnContext, type Ctx, type DirOption } from './context.js';

export interface ImportOptions extends DirOption {
  json?: boolean;
  allowDuplicate?: boolean;
  /** Another tool's records: claude-code (its JSONL logs) or seed-markdown (old journals). */
  from?: string;
}

/** Records from another tool's logs, checked like import lines ("line" = record number). */
/** What a Claude Code import read, for its memo (import-memo.ts) and summary. */
interface ClaudeRead {
  previous: ReadonlyMap<string, string> | null;
  stats: ClaudeCodeStats;
}

async function readFrom(source: string, where: string | undefined, ctx: Ctx, options: ImportOptions): Promise<{ parsed: Parsed[]; label: string; claude?: ClaudeRead }> {
  const parsed: Parsed[] = [];
  const warn = (m: string): void => ctx.err(`warning: ${m}`);
  let records: AsyncGenerator<ImportRecord>;
  let label: string;
  let bar: ReturnType<typeof progressBar> | null = null;
  let claude: ClaudeRead | undefined;
  if (source === 'claude-code') {
    const places = where !== undefined ? [path.resolve(ctx.cwd, where)] : await defaultClaudeProjectDirs(ctx.env, homedir());
    if (places.length === 0) {
      const looked = claudeConfigDirs(ctx.env, homedir()).map((d) => path.join(d, 'projects'));
      throw usageError(`no Claude Code logs found in ${looked.join(', ')}: name the directory (tokj import --from claude-code DIR) or set CLAUDE_CONFIG_DIR`, 'no_source');
    }
    // Reading gigabytes of logs takes seconds: a bar on stderr, on a terminal, after a second.
    bar = process.stderr.isTTY ? progressBar((s) => process.stderr.write(s), undefined, 'tokj import: reading Claude Code logs') : null;
    // Transcripts unchanged since they were last imported into this journal are not read.
    const layout = layoutFor(ctx, options);
    claude = { previous: readImportMemo(layout), stats: newClaudeCodeStats() };
    records = readClaudeCode(places, { warn, env: ctx.env, onProgress: bar?.update, unchanged: claude.previous ?? undefined, stats: claude.stats, now: ctx.now().getTime() });
    label = `Claude Code logs (${places.join(', ')})`;
  } else if (source === 'seed-markdown') {
    // Default: the journal this command works on (--dir, TOKJ_DIR, the nearest .ai_workflow).
    const file = where !== undefined ? path.resolve(ctx.cwd, where) : layoutFor(ctx, options).journalMd;
    records = readSeedMarkdown(file, { warn });
    label = file;
  } else {
    throw usageError(`--from takes claude-code or seed-markdown (got ${JSON.stringify(source)})`, 'bad_source');
  }
  let n = 0;
  try {
    for await (const record of records) parsed.push(parseImportObject(record, ++n));
  } finally {
    bar?.done();
  }
  return { parsed, label, ...(claude ? { claude } : {}) };
}

interface Parsed {
  session: string;
  provider: string;
  model: string;
  input: CallInput;
  timestamp: string;
}

const REQUIRED = ['session', 'timestamp', 'provider', 'model', 'input_tokens', 'output_tokens'] as const;

function count(obj: Record<string, unknown>, key: string, line: number, required: boolean): number {
  const v = obj[key];
  if (v === undefined || v === null) {
    if (required) throw rejectedInput(`line ${line}: "${key}" is required`, 'bad_import');
    return 0;
  }
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw rejectedInput(`line ${line}: "${key}" must be a whole number of tokens, 0 to 2^53-1 (got ${JSON.stringify(v)})`, 'bad_import');
  return v;
}

function optionalString(obj: Record<string, unknown>, key: string, line: number): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw rejectedInput(`line ${line}: "${key}" must be a string`, 'bad_import');
  return v;
}

export function parseImportLine(text: string, line: number): Parsed {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    throw rejectedInput(`line ${line}: not JSON (${text.slice(0, 60)}…); nothing was imported`, 'bad_import');
  }
  return parseImportObject(obj, line);
}

/** Checks one record (a parsed line, or what an importer of another tool's logs yields). */
export function parseImportObject(obj: unknown, line: number): Parsed {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw rejectedInput(`line ${line}: expected a JSON object`, 'bad_import');
  const o = obj as Record<string, unknown>;
  for (const key of REQUIRED) if (o[key] === undefined || o[key] === null || o[key] === '') throw rejectedInput(`line ${line}: "${key}" is required (required: ${REQUIRED.join(', ')})`, 'bad_import');
  const session = optionalString(o, 'session', line)!;
  try {
    checkSessionId(session);
  } catch (error) {
    throw rejectedInput(`line ${line}: ${(error as Error).message}`, 'bad_import');
  }
  const timestamp = optionalString(o, 'timestamp', line)!;
  const time = Date.parse(timestamp);
  if (Number.isNaN(time)) throw rejectedInput(`line ${line}: "timestamp" must be an ISO date-time (got ${JSON.stringify(timestamp)})`, 'bad_import');
  const inputTokens = count(o, 'input_tokens', line, true);
  const outputTokens = count(o, 'output_tokens', line, true);
  const cacheReadTokens = count(o, 'cache_read_tokens', line, false);
  const cacheWriteTokens = count(o, 'cache_write_tokens', line, false);
  const reasoningTokens = count(o, 'reasoning_tokens', line, false);
  const cacheWrite1hTokens = count(o, 'cache_write_1h_tokens', line, false);
  if (cacheWrite1hTokens > cacheWriteTokens) throw rejectedInput(`line ${line}: cache_write_1h_tokens exceed cache_write_tokens (they are part of them)`, 'bad_import');
  if (cacheReadTokens + cacheWriteTokens > inputTokens) throw rejectedInput(`line ${line}: cache tokens exceed input_tokens (they are part of it)`, 'bad_import');
  if (reasoningTokens > outputTokens) throw rejectedInput(`line ${line}: reasoning_tokens exceed output_tokens (they are part of it)`, 'bad_import');
  let frozen: CallInput['frozen'];
  if (o.cost_usd !== undefined) {
    const cost = o.cost_usd;
    if (cost !== null && (typeof cost !== 'string' || !isMoney(cost))) throw rejectedInput(`line ${line}: "cost_usd" must be an exact decimal string like "0.01175" or null`, 'bad_import');
    frozen = { cost_usd: cost as string | null, price_source: optionalString(o, 'price_source', line) ?? 'import', ...importBillParts(o) };
  }
  const labels = o.labels;
  if (labels !== undefined && (typeof labels !== 'object' || labels === null || Object.values(labels).some((v) => typeof v !== 'string'))) {
    throw rejectedInput(`line ${line}: "labels" must be an object of strings`, 'bad_import');
  }
  const provider = optionalString(o, 'provider', line)!;
  const model = optionalString(o, 'model', line)!;
  const iso = new Date(time).toISOString();
  return {
    session,
    provider,
    model,
    timestamp: iso,
    input: {
      provider,
      model,
      usage: {
        inputTokens,
        outputTokens,
        cacheReadTokens,
        cacheWriteTokens,
        reasoningTokens,
        ...(cacheWrite1hTokens > 0 ? { cacheWrite1hTokens } : {}),
        ...importBillingUsage(o, line, inputTokens, outputTokens, reasoningTokens),
      },
      agent: optionalString(o, 'agent', line),
      operation: optionalString(o, 'operation', line),
      attempt: optionalString(o, 'attempt', line),
      note: optionalString(o, 'note', line),
      requestId: optionalString(o, 'request_id', line),
      labels: labels as Record<string, string> | undefined,
      estimated: o.estimated === true,
      timestamp: iso,
      frozen,
    },
  };
}

function isMoney(text: string): boolean {
  try {
    return parseMoney(text).gte(0);
  } catch {
    return false;
  }
}

export async function importRecords(sourceArg: string | undefined, options: ImportOptions, ctx: Ctx): Promise<void> {
  let parsed: Parsed[] = [];
  let source: string;
  let claude: ClaudeRead | undefined;
  if (options.from !== undefined) {
    const read = await readFrom(options.from, sourceArg, ctx, options);
    parsed = read.parsed;
    source = read.label;
    claude = read.claude;
  } else {
    if (sourceArg === undefined) throw usageError('name a JSON Lines file (or - for standard input), or use --from claude-code|seed-markdown', 'no_source');
    source = sourceArg;
    const text = source === '-' ? await readAll(ctx.stdin) : readFileSync(source, 'utf8');
    // A long import shows a bar on stderr (a terminal only, after a second).
    const bar = process.stderr.isTTY ? progressBar((s) => process.stderr.write(s), undefined, 'tokj import: checking') : null;
    let line = 0;
    let done = 0;
    for (const row of text.split('\n')) {
      line += 1;
      done += row.length + 1;
      if (line % 4096 === 0) bar?.update(done, text.length);
      if (row.trim() === '') continue;
      parsed.push(parseImportLine(row, line));
    }
    bar?.done();
  }
  const unchanged = claude?.stats.unchanged ?? 0;
  const heldBack = claude?.stats.heldBack ?? 0;
  if (parsed.length === 0 && (unchanged > 0 || heldBack > 0)) {
    // Nothing new since the last import: not an error (a daily import finds this often).
    if (options.json) ctx.out(JSON.stringify({ imported: 0, duplicates: 0, sessions: 0, sessions_created: 0, unchanged_transcripts: unchanged, held_back: heldBack }));
    else ctx.out(`Imported 0 calls: ${[...(unchanged > 0 ? [`${plural(unchanged, 'transcript')} unchanged since the last import (not read again)`] : []), ...(heldBack > 0 ? [heldBackText(heldBack)] : [])].join('; ')}.`);
    return;
  }
  if (parsed.length === 0) throw rejectedInput(`${source === '-' ? 'standard input' : source} holds no records`, 'empty_input');
  const bySession = new Map<string, Parsed[]>();
  for (const p of parsed) {
    const list = bySession.get(p.session) ?? [];
    list.push(p);
    bySession.set(p.session, list);
  }
  const layout = layoutFor(ctx, options);
  ensureLayout(layout);
  const config = await readConfig(layout);
  // Writing a big import (ledger, a file per session) takes seconds: say so on a terminal.
  const status = process.stderr.isTTY && parsed.length >= 10_000 ? `tokj import: writing ${plural(parsed.length, 'call')} in ${plural(bySession.size, 'session')} to the journal…` : null;
  if (status !== null) process.stderr.write(status);
  let written = 0;
  let duplicates = 0;
  let created = 0;
  try {
    await JournalTxn.run(txnContext(ctx, layout), async (txn) => {
      await txn.preflight([...bySession.keys()]);
      const starts: SessionStartEvent[] = [];
      for (const [session, rows] of bySession) {
        if (txn.session(session)) continue;
        const first = rows.reduce((a, b) => (a.timestamp <= b.timestamp ? a : b));
        starts.push({ type: 'session_start', id: `${session}:start`, timestamp: first.timestamp, session, provider: first.provider, model: first.model, agent: first.input.agent ?? null, budget_usd: null, labels: {} });
      }
      created = starts.length;
      // New sessions exist only in memory until everything has been checked: a refused
      // import (a total past 2^53-1) writes nothing at all.
      const pending = new Map(starts.map((e) => [e.session, sessionFromStart(e, '')]));
      const calls: CallRecord[] = [];
      const ends: SessionEndEvent[] = [];
      const recordOptions = { config, prices: new PriceBook(layout.stateDir, config), configLabel: relativeToCwd(ctx, layout.configMd), now: ctx.now(), warn: (m: string) => ctx.err(`warning: ${m}`), allowDuplicate: options.allowDuplicate ?? false };
      const newIds = new Set(starts.map((s) => s.session));
      for (const [session, rows] of bySession) {
        const s = txn.session(session) ?? pending.get(session)!;
        const { fresh, outcomes } = buildCallRecords(txn, s, rows.map((r) => r.input), recordOptions);
        checkCanAdd(s.totals, fresh, `session ${session}`);
        // (a loop: spreading a 200k-call session into push() overflows the stack)
        for (const r of fresh) calls.push(r);
        duplicates += outcomes.length - fresh.length;
        if (newIds.has(session)) {
          const last = rows.reduce((a, b) => (a.timestamp >= b.timestamp ? a : b));
          ends.push({ type: 'session_end', id: `${session}:end`, timestamp: last.timestamp, session, status: 'completed', notes: `imported from ${source === '-' ? 'standard input' : source}`, errors: [] });
        }
      }
      checkCanAdd(txn.journal.totals, calls, 'the journal');
      trace('records built');
      txn.append(starts);
      txn.append(calls);
      trace('calls appended');
      txn.append(ends);
      // The calls are in the ledger: these transcripts need not be read again while unchanged.
      if (claude) writeImportMemo(layout, claude.previous, claude.stats.read, claude.stats.unsettled);
      recordOptions.prices.save();
      written = calls.length;
    });
  } finally {
    if (status !== null) process.stderr.write('\r\x1b[K');
  }
  const summary = { imported: written, duplicates, sessions: bySession.size, sessions_created: created, ...(claude ? { unchanged_transcripts: unchanged, held_back: heldBack } : {}) };
  if (options.json) ctx.out(JSON.stringify(summary));
  else {
    const skippedFiles = unchanged > 0 ? ` ${plural(unchanged, 'transcript')} unchanged since the last import ${unchanged === 1 ? 'was' : 'were'} not read again.` : '';
    const held = heldBack > 0 ? ` ${heldBackText(heldBack)[0]!.toUpperCase()}${heldBackText(heldBack).slice(1)}.` : '';
    ctx.out(`Imported ${plural(written, 'call')} into ${plural(bySession.size, 'session')} (${formatCount(created)} new, ${plural(duplicates, 'duplicate')} skipped).${skippedFiles}${held}`);
  }
}

/** Responses not recorded yet because Claude Code may still be writing them (read.ts). */
function heldBackText(n: number): string {
  return `${plural(n, 'response')} still being written held back (a later import records ${n === 1 ? 'it' : 'them'} with the final counts)`;
}
