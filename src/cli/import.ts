/**
 * tokj import FILE|- : JSON Lines of usage records (the shape `record --json` prints) into
 * the journal, for backfills and migrations; --from reads another tool's records instead.
 * All-or-nothing: every record is checked before anything is written (app/import-usage.ts).
 */
import { homedir } from 'node:os';
import path from 'node:path';
import { rejectedInput, usageError } from '../core/errors.js';
import { formatCount } from '../core/money.js';
import { parseImportText, type ImportRow } from '../app/import-record.js';
import { readImportSource, type ClaudeRead } from '../app/import-sources.js';
import { importUsage, rowsBySession } from '../app/import-usage.js';
import { plural } from '../views/format.js';
import { journalAccess, layoutFor, type Ctx, type DirOption } from './context.js';
import { readInputText } from './input.js';
import { examples, withDir, type TokjCommand } from './program.js';
import { terminalProgress } from './progress.js';

export interface ImportOptions extends DirOption {
  json?: boolean;
  allowDuplicate?: boolean;
  /** Another tool's records: claude-code (its JSONL logs) or seed-markdown (old journals). */
  from?: string;
}

export function register(program: TokjCommand, ctx: Ctx): void {
  withDir(program.command('import').argument('[source]', 'JSON Lines file, or - for standard input; with --from: the logs directory or journal file'))
    .description('bulk-record usage: JSON Lines records (the shape `record --json` prints), Claude Code logs, old journals')
    .option('--from <tool>', 'claude-code (its JSONL logs; default ~/.claude/projects, $CLAUDE_CONFIG_DIR) or seed-markdown (a token_usage.md of the older bash scripts)')
    .option('--allow-duplicate', 'record request ids the journal already holds')
    .option('--json', 'print a JSON summary')
    .addHelpText('after', examples('tokj import backfill.jsonl', 'jq -c . old/*.json | tokj import -', 'tokj import --from claude-code', 'tokj import --from seed-markdown old/.ai_workflow/work_journal/token_usage.md'))
    .action(async (source: string | undefined, options: ImportOptions) => {
      await importRecords(source, options, ctx);
    });
}

async function readRows(sourceArg: string | undefined, options: ImportOptions, ctx: Ctx): Promise<{ rows: ImportRow[]; label: string; claude?: ClaudeRead }> {
  if (options.from !== undefined) {
    // Reading gigabytes of logs takes seconds: a bar on stderr, on a terminal, after a second.
    const bar = options.from === 'claude-code' ? terminalProgress(ctx, 'tokj import: reading Claude Code logs') : null;
    try {
      const where = sourceArg === undefined ? undefined : path.resolve(ctx.cwd, sourceArg);
      return await readImportSource({ from: options.from, where, layout: layoutFor(ctx, options), env: ctx.env, home: homedir(), now: ctx.now(), warn: (m) => ctx.err(`warning: ${m}`), onProgress: bar?.update });
    } finally {
      bar?.done();
    }
  }
  if (sourceArg === undefined) throw usageError('name a JSON Lines file (or - for standard input), or use --from claude-code|seed-markdown', 'no_source');
  const text = await readInputText(sourceArg, ctx, 'nothing was imported');
  // A long import shows a bar on stderr (a terminal only, after a second).
  const bar = terminalProgress(ctx, 'tokj import: checking');
  try {
    return { rows: parseImportText(text, bar?.update), label: sourceArg === '-' ? 'standard input' : sourceArg };
  } finally {
    bar?.done();
  }
}

export async function importRecords(sourceArg: string | undefined, options: ImportOptions, ctx: Ctx): Promise<void> {
  const { rows, label, claude } = await readRows(sourceArg, options, ctx);
  const unchanged = claude?.stats.unchanged ?? 0;
  const heldBack = claude?.stats.heldBack ?? 0;
  if (rows.length === 0 && (unchanged > 0 || heldBack > 0)) {
    // Nothing new since the last import: not an error (a daily import finds this often).
    if (options.json) ctx.out(JSON.stringify({ imported: 0, duplicates: 0, sessions: 0, sessions_created: 0, unchanged_transcripts: unchanged, held_back: heldBack }));
    else ctx.out(`Imported 0 calls: ${[...(unchanged > 0 ? [`${plural(unchanged, 'transcript')} unchanged since the last import (not read again)`] : []), ...(heldBack > 0 ? [heldBackText(heldBack)] : [])].join('; ')}.`);
    return;
  }
  if (rows.length === 0) throw rejectedInput(`${label} holds no records`, 'empty_input');
  // Writing a big import (ledger, a file per session) takes seconds: say so on a terminal.
  const status = ctx.stderrIsTTY && rows.length >= 10_000 ? `tokj import: writing ${plural(rows.length, 'call')} in ${plural(rowsBySession(rows).size, 'session')} to the journal…` : null;
  if (status !== null) ctx.errRaw(status);
  let summary;
  try {
    summary = await importUsage(journalAccess(ctx, layoutFor(ctx, options)), { rows, source: label, allowDuplicate: options.allowDuplicate ?? false, claude });
  } finally {
    if (status !== null) ctx.errRaw('\r\x1b[K');
  }
  if (options.json) ctx.out(JSON.stringify({ ...summary, ...(claude ? { unchanged_transcripts: unchanged, held_back: heldBack } : {}) }));
  else {
    const skippedFiles = unchanged > 0 ? ` ${plural(unchanged, 'transcript')} unchanged since the last import ${unchanged === 1 ? 'was' : 'were'} not read again.` : '';
    const held = heldBack > 0 ? ` ${heldBackText(heldBack)[0]!.toUpperCase()}${heldBackText(heldBack).slice(1)}.` : '';
    ctx.out(`Imported ${plural(summary.imported, 'call')} into ${plural(summary.sessions, 'session')} (${formatCount(summary.sessions_created)} new, ${plural(summary.duplicates, 'duplicate')} skipped).${skippedFiles}${held}`);
  }
}

/** Responses not recorded yet because Claude Code may still be writing them (read.ts). */
function heldBackText(n: number): string {
  return `${plural(n, 'response')} still being written held back (a later import records ${n === 1 ? 'it' : 'them'} with the final counts)`;
}
