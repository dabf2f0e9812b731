/**
 * tokj metrics | serve | export: the ledger's counters for Prometheus (text, OpenMetrics,
 * node_exporter's textfile collector, a scrape endpoint) and OpenTelemetry (OTLP/HTTP JSON).
 * Every reading scans the ledger afresh; nothing is written to the journal.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Option } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import { EXIT, usageError } from '../core/errors.js';
import { writeAtomic } from '../io/fs.js';
import { collectMetrics, type MetricsSnapshot } from '../app/metrics.js';
import { countPoints, renderOtlpJson } from '../metrics/otlp.js';
import { renderPrometheus } from '../metrics/prometheus.js';
import { displayUrl, pushOtlp, resolveEndpoint, resolveHeaders } from '../metrics/push.js';
import { startMetricsServer } from '../metrics/server.js';
import { collect } from './args.js';
import { existingLayout, type Ctx, type DirOption } from './context.js';
import { examples, withDir, type TokjCommand } from './program.js';

export const METRICS_FORMATS = ['prometheus', 'openmetrics', 'otlp-json'] as const;
export type MetricsFormat = (typeof METRICS_FORMATS)[number];

/** The file node_exporter's textfile collector reads (it reads *.prom only). */
export const TEXTFILE_NAME = 'tokj.prom';

export interface MetricsOptions extends DirOption {
  format?: MetricsFormat;
  textfile?: string;
}

export interface ServeOptions extends DirOption {
  port: string;
  host: string;
}

export interface ExportOptions extends DirOption {
  otlpEndpoint?: string;
  header?: string[];
  timeout?: string;
}

function warnInvalid(ctx: Ctx, snapshot: MetricsSnapshot): void {
  if (snapshot.invalidLines > 0) ctx.err(`warning: ${snapshot.invalidLines} ledger line(s) are not well-formed entries and were not counted; run \`tokj doctor\``);
}

function otlpBody(snapshot: MetricsSnapshot, now: Date): string {
  const timeMs = now.getTime();
  return renderOtlpJson(snapshot.families, { version: pkg.version, startMs: snapshot.startMs ?? timeMs, timeMs });
}

export async function metrics(options: MetricsOptions, ctx: Ctx): Promise<void> {
  const format = options.format ?? 'prometheus';
  const layout = existingLayout(ctx, options);
  if (options.textfile !== undefined) {
    if (format !== 'prometheus') throw usageError(`--textfile writes the Prometheus text format node_exporter reads; drop --format ${format}`, 'bad_format');
    const dir = path.resolve(ctx.cwd, options.textfile);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw usageError(`--textfile ${dir} is not a directory: give node_exporter's --collector.textfile.directory`, 'no_textfile_dir');
    }
    const snapshot = collectMetrics(layout);
    warnInvalid(ctx, snapshot);
    // Temp file + rename in the same directory: the collector never reads half a file, and
    // the temp name does not end in .prom, so it is never collected either.
    writeAtomic(path.join(dir, TEXTFILE_NAME), renderPrometheus(snapshot.families));
    return;
  }
  const snapshot = collectMetrics(layout);
  warnInvalid(ctx, snapshot);
  const text = format === 'otlp-json' ? otlpBody(snapshot, ctx.now()) : renderPrometheus(snapshot.families, { openMetrics: format === 'openmetrics' }).replace(/\n$/, '');
  ctx.out(text);
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text.trim()) || Number(text) > 65535) throw usageError(`--port must be a port number from 0 to 65535 (0 picks a free one), like 9464 (got ${JSON.stringify(text)})`, 'bad_port');
  return Number(text);
}

export async function serve(options: ServeOptions, ctx: Ctx): Promise<void> {
  const layout = existingLayout(ctx, options);
  const port = parsePort(options.port);
  const server = await startMetricsServer({
    host: options.host,
    port,
    render: (openMetrics) => renderPrometheus(collectMetrics(layout).families, { openMetrics }),
    onError: (error) => ctx.err(`tokj: scrape failed: ${(error as Error).message ?? String(error)}`),
  });
  ctx.err(`tokj: serving metrics at ${server.url} for ${layout.root} (SIGINT or SIGTERM stops)`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
}

function parseTimeout(text: string | undefined): number {
  if (text === undefined) return 10_000;
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || Number(text) <= 0) throw usageError(`--timeout must be a number of seconds above 0, like 10 (got ${JSON.stringify(text)})`, 'bad_timeout');
  return Math.ceil(Number(text) * 1000);
}

export async function exportMetrics(options: ExportOptions, ctx: Ctx): Promise<number> {
  const url = resolveEndpoint(options.otlpEndpoint, ctx.env);
  const headers = resolveHeaders(options.header, ctx.env);
  const timeoutMs = parseTimeout(options.timeout);
  const layout = existingLayout(ctx, options);
  const snapshot = collectMetrics(layout);
  warnInvalid(ctx, snapshot);
  const result = await pushOtlp({ url, headers }, otlpBody(snapshot, ctx.now()), timeoutMs);
  const sent = snapshot.families.filter((f) => f.points.length > 0).length;
  if (result.rejectedDataPoints > 0) {
    // The collector took the request but dropped points: that reading is lost there.
    ctx.err(`tokj: the OTLP endpoint ${displayUrl(url)} rejected ${result.rejectedDataPoints} data point(s)${result.errorMessage ? `: ${result.errorMessage}` : ''}`);
  } else if (result.errorMessage) {
    ctx.err(`warning: the OTLP endpoint ${displayUrl(url)} says: ${result.errorMessage}`);
  }
  ctx.out(`Exported ${sent} metrics (${countPoints(snapshot.families)} data points) to ${displayUrl(url)}`);
  return result.rejectedDataPoints > 0 ? EXIT.io : EXIT.ok;
}

export function register(program: TokjCommand, ctx: Ctx): void {
  withDir(program.command('metrics'))
    .description('print the ledger\'s counters: tokens, calls and exact costs by provider, model and agent; budgets of active sessions')
    .addOption(new Option('--format <format>', 'output format').choices(METRICS_FORMATS).default('prometheus'))
    .option('--textfile <dir>', `write <dir>/${TEXTFILE_NAME} atomically for node_exporter's textfile collector (Prometheus format)`)
    .addHelpText(
      'after',
      examples('tokj metrics', 'tokj metrics --format openmetrics', 'tokj metrics --format otlp-json | jq .', `tokj metrics --textfile /var/lib/prometheus/node-exporter   # cron: every minute`),
    )
    .action(async (options: MetricsOptions) => {
      await metrics(options, ctx);
    });

  withDir(program.command('serve'))
    .description('serve the metrics at http://HOST:PORT/metrics for Prometheus, read afresh from the ledger on every scrape')
    .requiredOption('--port <n>', 'TCP port (0 picks a free one; the address is logged on stderr)')
    .option('--host <address>', 'address to listen on (loopback by default; 0.0.0.0 exposes the metrics to the network)', '127.0.0.1')
    .addHelpText('after', examples('tokj serve --port 9464', "tokj serve --port 9464 --host 0.0.0.0   # scraped from another machine"))
    .action(async (options: ServeOptions) => {
      await serve(options, ctx);
    });

  withDir(program.command('export'))
    .description('push the metrics to an OpenTelemetry collector (OTLP/HTTP JSON); exit 74 when it cannot be reached or refuses them')
    .option('--otlp-endpoint <url>', 'collector URL; /v1/metrics is added when it has no path (default: $OTEL_EXPORTER_OTLP_METRICS_ENDPOINT, else $OTEL_EXPORTER_OTLP_ENDPOINT + /v1/metrics)')
    .option('--header <key=value>', 'HTTP header, like Authorization=Bearer abc (repeatable; also $OTEL_EXPORTER_OTLP_HEADERS)', collect)
    .option('--timeout <seconds>', 'give up after this long (default 10)')
    .addHelpText('after', examples('tokj export --otlp-endpoint http://127.0.0.1:4318', 'tokj export --otlp-endpoint https://otlp.example.com/v1/metrics --header "Authorization=Bearer $TOKEN"'))
    .action((options: ExportOptions) => exportMetrics(options, ctx));
}
