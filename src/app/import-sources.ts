/**
 * `tokj import --from <tool>`: another tool's records, read and checked like import lines
 * ("line" = record number). Claude Code transcripts unchanged since they were last imported
 * into this journal are not read again (import-memo.ts).
 */
import path from 'node:path';
import { usageError } from '../core/errors.js';
import { claudeConfigDirs, defaultClaudeProjectDirs, newClaudeCodeStats, readClaudeCode, readSeedMarkdown, type ClaudeCodeStats, type ImportRecord } from '../importers/index.js';
import { parseImportObject, type ImportRow } from './import-record.js';
import { readImportMemo } from './import-memo.js';
import type { Layout } from './layout.js';

/** What a Claude Code import read: the memo it started from and what it found, for the next memo and the summary. */
export interface ClaudeRead {
  previous: ReadonlyMap<string, string> | null;
  stats: ClaudeCodeStats;
}

export interface SourceRead {
  rows: ImportRow[];
  /** Where the records came from, as the summary and the sessions' notes name it. */
  label: string;
  claude?: ClaudeRead;
}

export interface SourceRequest {
  /** claude-code or seed-markdown. */
  from: string;
  /** The logs directory or journal file given (absolute); the tool's default place when absent. */
  where: string | undefined;
  /** The journal imported into (its memo; seed-markdown's default file). */
  layout: Layout;
  env: NodeJS.ProcessEnv;
  home: string;
  now: Date;
  warn: (message: string) => void;
  /** Called as the Claude Code logs are read (bytes done, bytes in all). */
  onProgress?: ((done: number, total: number) => void) | undefined;
}

export async function readImportSource(request: SourceRequest): Promise<SourceRead> {
  const { env, home, warn } = request;
  let records: AsyncGenerator<ImportRecord>;
  let label: string;
  let claude: ClaudeRead | undefined;
  if (request.from === 'claude-code') {
    const places = request.where !== undefined ? [request.where] : await defaultClaudeProjectDirs(env, home);
    if (places.length === 0) {
      const looked = claudeConfigDirs(env, home).map((d) => path.join(d, 'projects'));
      throw usageError(`no Claude Code logs found in ${looked.join(', ')}: name the directory (tokj import --from claude-code DIR) or set CLAUDE_CONFIG_DIR`, 'no_source');
    }
    claude = { previous: readImportMemo(request.layout), stats: newClaudeCodeStats() };
    records = readClaudeCode(places, { warn, env, onProgress: request.onProgress, unchanged: claude.previous ?? undefined, stats: claude.stats, now: request.now.getTime() });
    label = `Claude Code logs (${places.join(', ')})`;
  } else if (request.from === 'seed-markdown') {
    // Default: the journal this command works on (--dir, TOKJ_DIR, the nearest .ai_workflow).
    const file = request.where ?? request.layout.journalMd;
    records = readSeedMarkdown(file, { warn });
    label = file;
  } else {
    throw usageError(`--from takes claude-code or seed-markdown (got ${JSON.stringify(request.from)})`, 'bad_source');
  }
  const rows: ImportRow[] = [];
  let n = 0;
  for await (const record of records) rows.push(parseImportObject(record, ++n));
  return { rows, label, ...(claude ? { claude } : {}) };
}
