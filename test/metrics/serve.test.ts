import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, ledgerLines, tempDir, tokj } from '../helpers.js';
import { requirement } from '../requirements.js';
import { parseExposition, sampleValue } from './exposition.js';
import { EXPECTED, makeJournal } from './journal.js';

const hasPrometheus = spawnSync('prometheus', ['--version'], { stdio: 'ignore' }).status === 0;
const prometheus = requirement('the Prometheus scrape test', hasPrometheus ? null : 'prometheus is not installed (Debian: apt-get install -y prometheus)');

const LIMIT_MS = 30_000;

/** A `tokj` that keeps running, with the clean environment the helpers use. */
function spawnTokj(cwd: string, args: string[]): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['TOKJ_SESSION', 'TOKJ_DIR', 'TOKJ_NOW', 'VITEST']) delete env[k];
  const child = spawn('node', [bin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stderr: () => err, exited };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, limitMs = LIMIT_MS): Promise<T> {
  const deadline = Date.now() + limitMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function stop(child: ChildProcess | undefined, exited: Promise<number | null> | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

let cwd: string;
let root: string;
let serveProc: ReturnType<typeof spawnTokj>;
let metricsUrl: string;

beforeAll(async () => {
  ({ cwd, root } = await makeJournal());
  serveProc = spawnTokj(cwd, ['serve', '--port', '0']);
  metricsUrl = await until('tokj serve to listen', async () => /(http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(serveProc.stderr())?.[1]);
});

afterAll(async () => {
  await stop(serveProc?.child, serveProc?.exited);
});

describe('tokj serve', () => {
  it('logs one line, on loopback, and serves /metrics in the 0.0.4 format by default', async () => {
    expect(serveProc.stderr().trim().split('\n')).toHaveLength(1);
    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const exposition = parseExposition(await res.text());
    expect(exposition.eof).toBe(false);
    expect(sampleValue(exposition, 'tokj_cost_usd_total', { gen_ai_agent_name: 'planner' })).toBe(EXPECTED.cost.planner);
  });

  it('answers OpenMetrics to a scraper that asks for it', async () => {
    const res = await fetch(metricsUrl, { headers: { Accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' } });
    expect(res.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect((await res.text()).endsWith('# EOF\n')).toBe(true);
  });

  it('any other path is 404, other methods 405', async () => {
    const base = metricsUrl.replace(/\/metrics$/, '');
    for (const p of ['/', '/metricsx', '/metrics/', '/favicon.ico']) expect((await fetch(base + p)).status, p).toBe(404);
    expect((await fetch(metricsUrl, { method: 'POST' })).status).toBe(405);
  });

  it('reads the ledger afresh on every scrape', async () => {
    expect((await tokj(cwd, ['record', '100', '1', '--session', 's'])).exitCode).toBe(0);
    const exposition = parseExposition(await (await fetch(metricsUrl)).text());
    expect(sampleValue(exposition, 'tokj_calls_total', { gen_ai_provider_name: 'openai', gen_ai_agent_name: 'planner' })).toBe('2');
  });

  it('a port in use is exit 2 with a clear message', async () => {
    const port = new URL(metricsUrl).port;
    const r = await tokj(cwd, ['serve', '--port', port]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('the port is in use');
    expect((await tokj(cwd, ['serve', '--port', 'abc'])).exitCode).toBe(2);
    expect((await tokj(cwd, ['serve'])).exitCode).toBe(2);
  });

  it('stops cleanly (exit 0) on SIGTERM and on SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const p = spawnTokj(cwd, ['serve', '--port', '0']);
      const url = await until('listen', async () => /(http:\/\/\S+\/metrics)/.exec(p.stderr())?.[1]);
      expect((await fetch(url)).status).toBe(200);
      p.child.kill(signal);
      const code = await Promise.race([p.exited, new Promise<string>((r) => setTimeout(() => r('still running'), 10_000))]);
      if (code === 'still running') p.child.kill('SIGKILL');
      expect(code, signal).toBe(0);
      await expect(fetch(url)).rejects.toThrow();
    }
  });
});

describe.skipIf(prometheus.skip)('a real Prometheus scraping tokj serve', () => {
  let prom: ReturnType<typeof spawnTokj>['child'] | undefined;
  let promExited: Promise<number | null> | undefined;
  let api = '';
  let promLog = '';

  beforeAll(async () => {
    prometheus.check();
    const dir = tempDir('tokj-prometheus-');
    const target = new URL(metricsUrl).host;
    writeFileSync(
      path.join(dir, 'prometheus.yml'),
      ['global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', 'scrape_configs:', '  - job_name: tokj', '    static_configs:', `      - targets: ['${target}']`, ''].join('\n'),
    );
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    prom = spawn('prometheus', [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    prom.stderr!.setEncoding('utf8').on('data', (d: string) => (promLog += d));
    promExited = new Promise((resolve) => prom!.once('exit', (code) => resolve(code)));
    await until('a successful scrape', async () => {
      const body = (await (await fetch(`${api}/api/v1/targets`)).json()) as { data: { activeTargets: Array<{ health: string; lastError: string }> } };
      const t = body.data.activeTargets[0];
      if (t?.lastError) throw new Error(t.lastError);
      return t?.health === 'up' ? true : undefined;
    }).catch((error: Error) => {
      throw new Error(`${error.message}\nprometheus log:\n${promLog}`);
    });
  });

  afterAll(async () => {
    await stop(prom, promExited);
  });

  async function query(promql: string): Promise<string | undefined> {
    const res = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as { status: string; error?: string; data: { result: Array<{ value: [number, string] }> } };
    if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`);
    return body.data.result.length === 1 ? body.data.result[0]!.value[1] : undefined;
  }

  it('PromQL returns exactly the ledger totals', async () => {
    const calls = ledgerLines(root).filter((l) => l.type === 'call');
    const total = (field: string): string => String(calls.reduce((n, c) => n + (c[field] as number), 0));
    const input = total('input_tokens');
    // Wait for a scrape of the ledger as it is now (a test above added a call).
    expect(await until('the input total', async () => ((await query('sum(gen_ai_client_token_usage_total{gen_ai_token_type="input"})')) === input ? input : undefined))).toBe(input);
    expect(await query('sum(gen_ai_client_token_usage_total{gen_ai_token_type="output"})')).toBe(total('output_tokens'));
    expect(await query('sum(gen_ai_usage_cache_read_input_tokens_total)')).toBe(total('cache_read_tokens'));
    expect(await query('sum(tokj_calls_total)')).toBe(String(calls.length));
    expect(await query('tokj_cost_usd_total{gen_ai_agent_name="coder"}')).toBe(EXPECTED.cost.coder);
    expect(await query('tokj_session_budget_usd{gen_ai_conversation_id="s"}')).toBe(EXPECTED.session.budget);
    // The escaped model name arrived intact, as a PromQL string literal.
    expect(await query('tokj_unpriced_calls_total{gen_ai_request_model="we\\"ird\\\\mo\\ndel"}')).toBe('1');
  });
});
