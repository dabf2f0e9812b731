/**
 * tokj report: usage and cost over time from the ledger. Read-only on the journal (no lock:
 * the ledger is append-only, a line being written is not counted). The markdown report
 * goes to a new file under monitoring/reports (never overwriting one); the other formats
 * print to stdout, or to --output.
 */
import path from 'node:path';
import { readTextIfExists, writeAtomic } from '../io/fs.js';
import { stampedNames, writeNewFile } from '../io/new-file.js';
import { readConfig, type JournalConfig } from '../app/config.js';
import { TokjError, usageError } from '../core/errors.js';
import { DUE_LOOKBACK, writeDueReports, type DueResult } from '../app/due-reports.js';
import { dateLabel } from '../report/calendar.js';
import type { DueKind } from '../report/due.js';
import type { Layout } from '../app/layout.js';
import { settingValue } from '../app/settings.js';
import { buildReportThreaded, canonicalTimeZone, parseReportFlags, renderCsv, renderJson, renderMarkdown, renderTable, renderYaml, ZoneDays, type ReportData, type ReportFlags } from '../report/index.js';
import { existingLayout, relativeToCwd, type Ctx, type DirOption } from './context.js';
import { examples, withDir, type TokjCommand } from './program.js';
import { terminalProgress } from './progress.js';

export interface ReportCommandOptions extends DirOption, ReportFlags {
  output?: string;
  /** Write the report of every complete period that has none yet (app/due-reports.ts). */
  due?: boolean;
}

export async function report(options: ReportCommandOptions, ctx: Ctx): Promise<void> {
  const flags = parseReportFlags(options, ctx.env);
  if (options.due) checkDueFlags(options, flags.period);
  const layout = existingLayout(ctx, options);
  const config = options.tz === undefined || options.period === undefined || flags.suggestions ? await readConfigOrWarn(layout, ctx) : null;
  // The period: --period, else the journal's report.frequency (weekly unless a person set it).
  if (options.period === undefined) flags.period = settingValue(config?.settings ?? {}, 'report.frequency') as typeof flags.period;
  // The zone: --tz, else the journal's report.timezone setting, else $TZ, else the machine's.
  const configured = options.tz === undefined && config !== null ? canonicalTimeZone(settingValue(config.settings, 'report.timezone')) : null;
  if (configured !== null) flags.timeZone = configured;
  const now = ctx.now();
  if (options.due) {
    const result = await writeDueReports({ layout, options: { ...flags, period: flags.period as DueKind }, now, env: ctx.env, userPrices: config?.prices ?? [] });
    printDue(result, flags.period, ctx);
    return;
  }
  const bar = terminalProgress(ctx, 'tokj report');
  let data: ReportData;
  try {
    data = await buildReportThreaded(
      {
        ledgerDir: layout.ledgerDir,
        alertsLog: flags.format === 'markdown' ? readTextIfExists(layout.alertsLog) : null,
        options: flags,
        now,
        onProgress: bar?.update,
        userPrices: config?.prices ?? [],
      },
      ctx.env,
    );
  } finally {
    bar?.done();
  }
  if (data.skipped_lines > 0) ctx.err(`warning: ${data.skipped_lines} ledger line(s) were not usable ledger entries and were skipped`);
  for (const f of data.torn_files) ctx.err(`warning: the last line of ledger/${f} is incomplete (a write in progress, or torn) and was not counted`);

  const render = { markdown: renderMarkdown, table: renderTable, json: renderJson, csv: renderCsv, yaml: renderYaml }[flags.format];
  const text = render(data);
  if (options.output !== undefined) {
    const file = path.resolve(ctx.cwd, options.output);
    writeAtomic(file, text);
    ctx.out(relativeToCwd(ctx, file));
    return;
  }
  if (flags.format === 'markdown') {
    ctx.out(relativeToCwd(ctx, writeNewReport(layout, text, now, flags.timeZone)));
    return;
  }
  ctx.out(text.replace(/\n$/, ''));
}

/** --due writes markdown reports of calendar periods into monitoring/reports, nowhere else. */
function checkDueFlags(options: ReportCommandOptions, period: string): void {
  if (options.output !== undefined) throw usageError('--due writes each report under monitoring/reports/ by its period; drop --output', 'bad_report_option');
  if (options.format !== undefined && options.format !== 'markdown') throw usageError(`--due writes markdown reports; drop --format ${options.format} (for one period as ${options.format}: tokj report --format ${options.format} --since DATE --until DATE)`, 'bad_report_option');
  if (period === 'session') throw usageError('--due writes reports of calendar periods: use --period daily, weekly or monthly (or set report.frequency)', 'bad_report_option');
}

function printDue(result: DueResult, kind: string, ctx: Ctx): void {
  for (const { file } of result.written) ctx.out(relativeToCwd(ctx, file));
  if (result.written.length === 0) {
    ctx.out(
      result.existing > 0
        ? `No reports due: every complete ${kind} period with calls up to ${result.upTo} has its report.`
        : `No reports due: no complete ${kind} period up to ${result.upTo} had calls.`,
    );
  }
  const older = result.older;
  if (older.length > 0) {
    ctx.err(`note: ${older.length} earlier ${kind} period${older.length === 1 ? '' : 's'} with calls ha${older.length === 1 ? 's' : 've'} no report (--due looks back ${DUE_LOOKBACK} periods); to write ${older.length === 1 ? 'it' : 'them'}: tokj report --due --since ${dateLabel(older[0]!.first)}`);
  }
}

/** A config table a person broke must not stop a read-only report: say so and use the defaults. */
async function readConfigOrWarn(layout: Layout, ctx: Ctx): Promise<JournalConfig | null> {
  try {
    return await readConfig(layout);
  } catch (error) {
    if (!(error instanceof TokjError)) throw error;
    ctx.err(`warning: ${error.message.replace(/\.$/, '')}; the report uses the default settings and prices`);
    return null;
  }
}

/** usage_report_YYYYMMDD.md in the report's time zone, then _HHMMSS, then _2 …: never replacing a report. */
function writeNewReport(layout: Layout, text: string, now: Date, timeZone: string): string {
  const wallClock = new Date(now.getTime() + new ZoneDays(timeZone).offsetAt(now.getTime()));
  return writeNewFile(layout.root, path.relative(layout.root, layout.reportsDir).split(path.sep), stampedNames('usage_report', wallClock), text);
}

export function register(program: TokjCommand, ctx: Ctx): void {
  withDir(program.command('report'))
    .description('usage and cost over time from the ledger: per period, model, provider and agent, with charts and suggestions')
    .option('--period <period>', 'daily, weekly, monthly or session (default: config report.frequency, weekly unless set)')
    .option('--since <date>', "first day to include, YYYY-MM-DD in the report's time zone")
    .option('--until <date>', 'last day to include, YYYY-MM-DD, inclusive')
    .option('--tz <zone>', "IANA time zone that days and weeks follow (default: config report.timezone, else $TZ, else the machine's)")
    .option('--week-start <day>', 'mon (ISO weeks, named like 2026-W48; default) or sun (named by the Sunday)')
    .option('--by <group>', 'a breakdown: model, provider, agent, operation, session, tier or label:KEY')
    .option('--format <format>', 'markdown (default: a new file under monitoring/reports), table, json, csv or yaml')
    .option('--output <file>', 'write to FILE instead (replacing it) and print its path')
    .option('--suggestions', 'add suggestions to spend less, each with its dollar figure')
    .option('--due', 'write the report of every complete period (--period, else report.frequency) that has none yet, as monitoring/reports/usage_report_YYYYMMDD_<period>.md; for cron and CI')
    .addHelpText(
      'after',
      examples(
        'tokj report',
        'tokj report --period weekly --since 2026-11-01 --tz Europe/Berlin --suggestions',
        'tokj report --format json --by model | jq -r \'.by[] | "\\(.key) \\(.total_cost_usd)"\'',
        'tokj report --period monthly --by label:team --format csv --output costs.csv',
        'tokj report --due                # cron: 5 6 * * * cd /repo && npx tokj report --due'
      ),
    )
    .action(async (options: ReportCommandOptions) => {
      await report(options, ctx);
    });
}
