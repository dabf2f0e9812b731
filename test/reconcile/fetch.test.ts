/**
 * `tokj reconcile --fetch` against a loopback HTTP server standing in for the Admin APIs
 * (TOKJ_OPENAI_ADMIN_URL / TOKJ_ANTHROPIC_ADMIN_URL; never a real endpoint): the admin key
 * sent as each provider wants it, the query (UTC-midnight bounds, daily buckets, grouped by
 * model), every page followed through next_page and joined, the page bound, and failures
 * that write nothing.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerLines, snapshotFiles, tempDir, tokj } from '../helpers.js';
import { anthropicCostPages, anthropicUsagePages, days, linesOf, openAiCostPages, openAiUsagePages, type Call } from './pages.js';

const NOW = '2026-11-16T12:00:00Z';
const DATES = days('2026-11-10', '2026-11-12');
const KEY = 'sk-admin-loopback-test';

interface Seen {
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

let cwd: string;
let server: Server;
let base: string;
const seen: Seen[] = [];
/** Path -> its pages, linked by next_page. */
let routes = new Map<string, string[]>();
/** Paths that always say more follow. */
const endless = new Set<string>();
let refuse: { status: number; body: string } | null = null;

function serve(pathname: string, query: URLSearchParams): { status: number; body: string } {
  if (refuse) return refuse;
  if (endless.has(pathname)) {
    const n = Number(query.get('page')?.replace('cursor_', '') ?? 0);
    return { status: 200, body: JSON.stringify({ object: 'page', data: [], has_more: true, next_page: `cursor_${n + 1}` }) };
  }
  const pages = routes.get(pathname);
  if (!pages) return { status: 404, body: '{"error":{"message":"no such route"}}' };
  // pages.ts names the cursor of the page starting at bucket i `page_<i>`.
  const cursor = query.get('page');
  const index = cursor === null ? 0 : pages.findIndex((p) => cursor === `page_${pagesBefore(pages, p)}`);
  return index < 0 ? { status: 400, body: '{"error":{"message":"bad cursor"}}' } : { status: 200, body: pages[index]! };
}

/** Buckets on the pages before `page` (its cursor's number). */
function pagesBefore(pages: string[], page: string): number {
  let n = 0;
  for (const p of pages) {
    if (p === page) return n;
    n += (JSON.parse(p) as { data: unknown[] }).data.length;
  }
  return -1;
}

beforeAll(async () => {
  cwd = tempDir('tokj-reconcile-fetch-');
  const steps: Array<[string[], string]> = [
    [['init', 'o', 'openai', 'gpt-4o', '-q'], '2026-11-10T08:00:00Z'],
    [['init', 'a', 'anthropic', 'claude-sonnet-4-5', '-q'], '2026-11-10T08:00:01Z'],
    [['record', '1500', '800', '--session', 'o'], '2026-11-10T09:00:00Z'],
    [['record', '9000', '700', '--cache-read', '4000', '--session', 'a'], '2026-11-10T10:00:00Z'],
    [['record', '2500', '300', '--session', 'o'], '2026-11-12T09:00:00Z'],
  ];
  for (const [args, now] of steps) expect((await tokj(cwd, args, { env: { TOKJ_NOW: now } })).exitCode).toBe(0);
  const calls = ledgerLines(path.join(cwd, '.ai_workflow')).filter((l) => l.type === 'call') as unknown as Call[];
  const dated = (m: string): string => ({ 'gpt-4o': 'gpt-4o-2024-08-06', 'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929' })[m] ?? m;
  const openai = linesOf(calls, 'openai', dated);
  const anthropic = linesOf(calls, 'anthropic', dated);
  routes = new Map([
    ['/v1/organization/usage/completions', openAiUsagePages(openai, DATES, 1)],
    ['/v1/organization/usage/embeddings', openAiUsagePages([], DATES, 3)],
    ['/v1/organization/costs', openAiCostPages(openai, DATES, 2)],
    ['/v1/organizations/usage_report/messages', anthropicUsagePages(anthropic, DATES, 2)],
    ['/v1/organizations/cost_report', anthropicCostPages(anthropic, DATES, 1)],
  ]);
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    seen.push({ path: url.pathname, query: url.searchParams, headers: req.headers });
    const answer = serve(url.pathname, url.searchParams);
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const fetchRun = (args: string[], env: Record<string, string> = {}) =>
  tokj(cwd, ['reconcile', '--since', '2026-11-10', '--until', '2026-11-12', '--format', 'json', ...args], { env: { TOKJ_NOW: NOW, TOKJ_OPENAI_ADMIN_URL: base, TOKJ_ANTHROPIC_ADMIN_URL: `${base}/`, OPENAI_ADMIN_KEY: KEY, ANTHROPIC_ADMIN_KEY: KEY, ...env } });

const statuses = (stdout: string): string[] => (JSON.parse(stdout) as { rows: Array<{ date: string; model: string; status: string }> }).rows.map((r) => `${r.date} ${r.model}: ${r.status}`);

describe('tokj reconcile --fetch', () => {
  it('openai: the admin key as a bearer token, daily buckets from UTC midnight, every page followed and joined', async () => {
    seen.length = 0;
    const r = await fetchRun(['--fetch', 'openai']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(statuses(r.stdout)).toEqual(['2026-11-10 gpt-4o: match', '2026-11-12 gpt-4o: match']);
    expect(seen.every((s) => s.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(seen.map((s) => `${s.path}${s.query.has('page') ? ` page=${s.query.get('page')}` : ''}`)).toEqual([
      '/v1/organization/usage/completions',
      '/v1/organization/usage/completions page=page_1',
      '/v1/organization/usage/completions page=page_2',
      '/v1/organization/usage/embeddings',
      '/v1/organization/costs',
      '/v1/organization/costs page=page_2',
    ]);
    const first = seen[0]!.query;
    expect([first.get('start_time'), first.get('end_time'), first.get('bucket_width'), first.getAll('group_by')]).toEqual([String(Date.parse('2026-11-10T00:00:00Z') / 1000), String(Date.parse('2026-11-13T00:00:00Z') / 1000), '1d', ['model']]);
    expect(seen[4]!.query.getAll('group_by')).toEqual(['line_item']);
    // The same parameters on every page.
    expect(seen[2]!.query.get('start_time')).toBe(first.get('start_time'));
  });

  it('anthropic: x-api-key and anthropic-version; RFC 3339 bounds; grouped by model and description; --map adds a group', async () => {
    seen.length = 0;
    const r = await fetchRun(['--fetch', 'anthropic', '--map', 'workspace_id=label:workspace']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(statuses(r.stdout)).toEqual(['2026-11-10 claude-sonnet-4-5: match']);
    expect(seen.every((s) => s.headers['x-api-key'] === KEY && s.headers['anthropic-version'] === '2023-06-01' && s.headers.authorization === undefined)).toBe(true);
    expect(seen.map((s) => s.path)).toEqual(['/v1/organizations/usage_report/messages', '/v1/organizations/usage_report/messages', '/v1/organizations/cost_report', '/v1/organizations/cost_report', '/v1/organizations/cost_report']);
    expect([seen[0]!.query.get('starting_at'), seen[0]!.query.get('ending_at'), seen[0]!.query.getAll('group_by[]')]).toEqual(['2026-11-10T00:00:00Z', '2026-11-13T00:00:00Z', ['model', 'workspace_id']]);
    expect(seen[2]!.query.getAll('group_by[]')).toEqual(['description', 'workspace_id']);
  });

  it('stops after --max-pages pages of an endpoint that always has more: exit 3, nothing written', async () => {
    seen.length = 0;
    endless.add('/v1/organization/costs');
    try {
      const before = snapshotFiles(path.join(cwd, '.ai_workflow'));
      const r = await fetchRun(['--fetch', 'openai', '--max-pages', '3', '--write']);
      expect(r.exitCode).toBe(3);
      expect(r.stderr).toBe(`tokj: ${base}/v1/organization/costs still had more after 3 pages; nothing was written: narrow --since/--until or raise --max-pages`);
      expect(seen.filter((s) => s.path === '/v1/organization/costs').map((s) => s.query.get('page'))).toEqual([null, 'cursor_1', 'cursor_2']);
      expect(snapshotFiles(path.join(cwd, '.ai_workflow'))).toEqual(before);
    } finally {
      endless.clear();
    }
  });

  it('a refused key is exit 74 with the provider\'s message; no key or a bad base URL is exit 2 before any request', async () => {
    refuse = { status: 401, body: '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}' };
    try {
      const r = await fetchRun(['--fetch', 'openai']);
      expect(r.exitCode).toBe(74);
      expect(r.stderr).toBe(`tokj: ${base}/v1/organization/usage/completions answered HTTP 401 (an Admin API key is needed: an ordinary API key is refused): Incorrect API key provided; nothing was written`);
    } finally {
      refuse = null;
    }
    seen.length = 0;
    const noKey = await fetchRun(['--fetch', 'anthropic'], { ANTHROPIC_ADMIN_KEY: '' });
    expect(noKey.exitCode).toBe(2);
    expect(noKey.stderr).toContain('--fetch anthropic needs an Admin API key in ANTHROPIC_ADMIN_KEY');
    const badUrl = await fetchRun(['--fetch', 'openai'], { TOKJ_OPENAI_ADMIN_URL: 'ftp://example.invalid' });
    expect(badUrl.exitCode).toBe(2);
    expect(badUrl.stderr).toContain('TOKJ_OPENAI_ADMIN_URL must be an http:// or https:// URL');
    expect(seen).toEqual([]);
  });
});
