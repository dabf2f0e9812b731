/**
 * `tokj reconcile`: the provider's reports (files, directories of them, or pages fetched
 * from the Admin API with --fetch) read and checked first, all of them, then the journal's
 * calls from the ledger (read-only, no lock: the ledger is append-only), then the
 * comparison. Nothing is written unless asked (--write), and only after everything was
 * read: an unreadable or unrecognised report is exit 3 with nothing written.
 */
import path from 'node:path';
import { rejectedInput, usageError } from '../core/errors.js';
import { fetchPages } from '../io/admin-api.js';
import { listNames, realPath, statIfExists, type PathInfo } from '../io/dir.js';
import { readText } from '../io/fs.js';
import { stampedNames, writeNewFile } from '../io/new-file.js';
import { dateLabel, parseDateLabel } from '../report/calendar.js';
import { readLedger } from '../report/read-ledger.js';
import { compare, PROVISIONAL_DAYS, utcDayOf } from '../reconcile/compare.js';
import { EXPECTED, readReport } from '../reconcile/detect.js';
import { ADMIN_KEY_ENV, ADMIN_URL_ENV, adminHeaders, DEFAULT_ADMIN_URL, fetchPlan } from '../reconcile/fetch-plan.js';
import { JournalTally } from '../reconcile/journal-side.js';
import type { ReconcileOptions } from '../reconcile/options.js';
import type { Reconciliation, Source } from '../reconcile/result.js';
import { ReportError, type BilledProvider, type ReportPage } from '../reconcile/types.js';
import type { Layout } from './layout.js';

export interface ReconcileInput {
  /** Report files and directories, absolute. */
  paths: string[];
  options: ReconcileOptions;
  layout: Layout;
  now: Date;
  env: NodeJS.ProcessEnv;
  /** How a file is named in messages (relative to the working directory). */
  show: (file: string) => string;
}

/** Files a directory holds that may be reports; anything else in it (a README) is left alone. */
const REPORT_FILE = /\.(?:json|csv)$/i;

/** Days --fetch asks for when --since is not given: the week up to --until (default today). */
const FETCH_DAYS = 7;
const FETCH_TIMEOUT_MS = 30_000;

function cannotRead(file: string, error: unknown, show: (f: string) => string): never {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'a directory' : ((error as Error).message ?? String(error));
  throw rejectedInput(`cannot read ${show(file)}: ${why}; expected ${EXPECTED}; nothing was written`, 'unreadable_report');
}

/** The files to read, in order, each once: directories give their .json and .csv files (not recursively). */
export function reportFiles(paths: readonly string[], show: (f: string) => string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (file: string): void => {
    let real: string;
    try {
      real = realPath(file);
    } catch (error) {
      cannotRead(file, error, show);
    }
    if (!seen.has(real)) {
      seen.add(real);
      out.push(file);
    }
  };
  for (const p of paths) {
    let info: PathInfo | null;
    try {
      info = statIfExists(p);
    } catch (error) {
      cannotRead(p, error, show);
    }
    if (info === null) cannotRead(p, { code: 'ENOENT' }, show);
    if (info.kind !== 'directory') {
      add(p);
      continue;
    }
    let names: string[];
    try {
      names = listNames(p);
    } catch (error) {
      cannotRead(p, error, show);
    }
    const files = names.filter((n) => !n.startsWith('.') && REPORT_FILE.test(n)).sort().map((n) => path.join(p, n));
    const regular = files.filter((f) => statIfExists(f)?.kind === 'file');
    if (regular.length === 0) throw rejectedInput(`${show(p)} holds no .json or .csv file; expected ${EXPECTED}; nothing was written`, 'unreadable_report');
    regular.forEach(add);
  }
  return out;
}

function readOne(name: string, text: string, format?: string): ReportPage {
  try {
    return readReport(text, format);
  } catch (error) {
    if (error instanceof ReportError) throw rejectedInput(`${name}: ${error.message}; nothing was written`, 'bad_report');
    throw error;
  }
}

interface Read {
  page: ReportPage;
  source: Source;
}

async function fetched(provider: BilledProvider, input: ReconcileInput): Promise<Read[]> {
  const key = input.env[ADMIN_KEY_ENV[provider]];
  if (!key) throw usageError(`--fetch ${provider} needs an Admin API key in ${ADMIN_KEY_ENV[provider]} (an organization admin creates one in the ${provider === 'openai' ? 'OpenAI' : 'Claude'} console)`, 'no_admin_key');
  const baseText = input.env[ADMIN_URL_ENV[provider]] || DEFAULT_ADMIN_URL[provider];
  let base: URL;
  try {
    base = new URL(baseText);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw usageError(`${ADMIN_URL_ENV[provider]} must be an http:// or https:// URL (got ${JSON.stringify(baseText)})`, 'bad_admin_url');
  }
  const today = utcDayOf(input.now);
  const until = input.options.until ?? dateLabel(today);
  const since = input.options.since ?? dateLabel(parseDateLabel(until)! - (FETCH_DAYS - 1));
  const pages = await fetchPages(fetchPlan(provider, base, since, until, input.options.maps), { headers: adminHeaders(provider, key), maxPages: input.options.maxPages, timeoutMs: FETCH_TIMEOUT_MS });
  return pages.map((p) => {
    const page = readOne(p.url, p.text, p.format);
    return { page, source: { name: p.url, format: page.format, provider: page.provider } };
  });
}

/**
 * Pages whose every page says more follow: the last page was not given. Counted per
 * provider (a page without results cannot say whether it was usage or costs).
 */
function pagingNotices(reads: readonly Read[]): string[] {
  const byProvider = new Map<string, { more: number; last: number }>();
  for (const r of reads) {
    if (r.source.format.endsWith('-csv')) continue;
    const n = byProvider.get(r.page.provider) ?? { more: 0, last: 0 };
    if (r.page.hasMore) n.more++;
    else n.last++;
    byProvider.set(r.page.provider, n);
  }
  return [...byProvider]
    .filter(([, n]) => n.more > 0 && n.last === 0)
    .map(([provider, n]) => `every ${provider} page given (${n.more}) says more pages follow (has_more): the days of the pages not given are not compared`);
}

function skippedNotices(reads: readonly Read[]): string[] {
  const counts = new Map<string, number>();
  for (const r of reads) for (const s of r.page.skipped) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([what, n]) => `${n} ${what} line${n === 1 ? '' : 's'} counted no tokens: not compared (their dollars are other charges in the cost reports)`);
}

export async function reconcile(input: ReconcileInput): Promise<Reconciliation> {
  const { options } = input;
  if (input.paths.length === 0 && options.fetch === null) throw usageError('give the provider reports to compare (files or directories), or --fetch openai|anthropic', 'no_reports');
  const reads: Read[] = [];
  for (const file of reportFiles(input.paths, input.show)) {
    let text: string;
    try {
      text = readText(file);
    } catch (error) {
      cannotRead(file, error, input.show);
    }
    const page = readOne(input.show(file), text);
    reads.push({ page, source: { name: input.show(file), format: page.format, provider: page.provider } });
  }
  if (options.fetch !== null) reads.push(...(await fetched(options.fetch, input)));

  const journal = new JournalTally(options.maps);
  const ledger = readLedger(input.layout.ledgerDir, (line) => journal.consumeLine(line));
  const today = utcDayOf(input.now);
  const result = compare({ pages: reads.map((r) => r.page), journal, maps: options.maps, since: options.since, until: options.until, tolerance: options.tolerance, today });
  const notices = [...pagingNotices(reads), ...skippedNotices(reads), ...result.notices];
  if (journal.skipped > 0) notices.push(`${journal.skipped} ledger line(s) were not usable ledger entries and were skipped; run \`tokj doctor\``);
  for (const f of ledger.torn) notices.push(`the last line of ledger/${f} is incomplete (a write in progress, or torn) and was not counted`);
  return {
    since: result.since,
    until: result.until,
    providers: result.providers,
    generated: input.now.toISOString(),
    provisional_from: dateLabel(today - PROVISIONAL_DAYS),
    sources: reads.map((r) => r.source),
    rows: result.rows,
    summary: result.summary,
    notices,
  };
}

/** monitoring/reconciliations/reconciliation_YYYYMMDD.md (UTC), then _HHMMSS, then _2 …: never replacing one. */
export function writeReconciliation(layout: Layout, text: string, now: Date): string {
  return writeNewFile(layout.root, path.relative(layout.root, layout.reconciliationsDir).split(path.sep), stampedNames('reconciliation', now), text);
}
