/**
 * `tokj reconcile` through the built binary: a journal recorded with `tokj record` (clock
 * pinned), provider pages built from its own ledger lines (both providers, several pages,
 * dollars and cents, aliases against dated snapshots and display names), then each kind of
 * difference injected into the pages and exactly those rows flagged, with the exit codes;
 * the output formats; --write read back through the markdown parser; unreadable reports
 * refused with nothing written.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Big from 'big.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { moneyToString } from '../../src/core/money.js';
import { parseCsv } from '../../src/reconcile/csv-rows.js';
import { ledgerLines, listIn, readMd, repoRoot, snapshotFiles, tableIn, tempDir, tokj } from '../helpers.js';
import { anthropicCostPages, anthropicUsagePages, days, linesOf, openAiCostPages, openAiUsagePages, type Call, type Line } from './pages.js';

const NOW = '2026-11-16T12:00:00Z';
const DATES = days('2026-11-10', '2026-11-16');

/** Dated snapshots as the usage reports name them; the Anthropic cost report uses the undated names. */
const SNAPSHOT: Record<string, string> = { 'gpt-4o': 'gpt-4o-2024-08-06', 'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929' };
const usageName = (m: string): string => SNAPSHOT[m] ?? m;
const anthropicCostName = (m: string): string => (m === 'claude-sonnet-4-20250514' ? 'claude-sonnet-4' : m);

let cwd: string;
let calls: Call[];

/** [args, TOKJ_NOW] of every command that made the journal. */
const JOURNAL: Array<[string[], string]> = [
  [['init', 's-oa', 'openai', 'gpt-4o', '--label', 'project=proj_a', '-q'], '2026-11-10T08:00:00Z'],
  [['init', 's-an', 'anthropic', 'claude-sonnet-4-5', '-q'], '2026-11-10T08:00:30Z'],
  [['record', '1500', '800', '--session', 's-oa'], '2026-11-10T09:00:00Z'],
  [['record', '2000', '300', '--cache-read', '1024', '--session', 's-oa'], '2026-11-10T10:00:00Z'],
  [['record', '12000', '900', '--cache-read', '8000', '--session', 's-an'], '2026-11-10T11:00:00Z'],
  [['record', '5000', '200', '--session', 's-oa', '--model', 'gpt-4o-mini-2024-07-18'], '2026-11-10T12:00:00Z'],
  [['record', '3000', '1200', '--session', 's-oa'], '2026-11-11T09:00:00Z'],
  [['record', '4000', '600', '--session', 's-an', '--model', 'claude-sonnet-4-20250514'], '2026-11-11T10:00:00Z'],
  [['record', '2500', '300', '--session', 's-an'], '2026-11-11T23:59:59Z'],
  [['record', '800000', '100000', '--session', 's-oa', '--model', 'gpt-4o-mini-2024-07-18'], '2026-11-12T00:00:00Z'],
  [['record', '1000', '500', '--session', 's-oa', '--label', 'project=proj_b'], '2026-11-12T15:00:00Z'],
  [['record', '100', '50', '--session', 's-oa'], '2026-11-15T09:00:00Z'],
  [['record', '100', '50', '--session', 's-an'], '2026-11-16T09:00:00Z'],
];

beforeAll(async () => {
  cwd = tempDir('tokj-reconcile-');
  for (const [args, now] of JOURNAL) {
    const r = await tokj(cwd, args, { env: { TOKJ_NOW: now } });
    expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  }
  calls = ledgerLines(path.join(cwd, '.ai_workflow')).filter((l) => l.type === 'call') as unknown as Call[];
  expect(calls).toHaveLength(11);
});

const reconcile = (args: string[], env: Record<string, string> = {}) => tokj(cwd, ['reconcile', ...args], { env: { TOKJ_NOW: NOW, ...env } });

interface Pages {
  openaiUsage: Line[];
  openaiCost: Line[];
  anthropicUsage: Line[];
  anthropicCost: Line[];
  openaiExtra?: Array<{ date: string; line_item: string; value: string }>;
  anthropicExtra?: Array<{ date: string; cost_type: string; description: string; cents: string }>;
}

function truePages(): Pages {
  return {
    openaiUsage: linesOf(calls, 'openai', usageName),
    openaiCost: linesOf(calls, 'openai', usageName),
    anthropicUsage: linesOf(calls, 'anthropic', usageName),
    anthropicCost: linesOf(calls, 'anthropic', anthropicCostName),
  };
}

/** Writes the pages (3 daily buckets a page) into a new directory beside the journal; returns its name. */
let dirs = 0;
function writePages(p: Pages, perPage = 3): string {
  const dir = `reports-${++dirs}`;
  mkdirSync(path.join(cwd, dir));
  const files: Record<string, string[]> = {
    'openai-usage': openAiUsagePages(p.openaiUsage, DATES, perPage),
    'openai-costs': openAiCostPages(p.openaiCost, DATES, perPage, p.openaiExtra),
    'anthropic-usage': anthropicUsagePages(p.anthropicUsage, DATES, perPage),
    'anthropic-costs': anthropicCostPages(p.anthropicCost, DATES, perPage, p.anthropicExtra),
  };
  for (const [name, pages] of Object.entries(files)) pages.forEach((text, i) => writeFileSync(path.join(cwd, dir, `${name}-${i + 1}.json`), text));
  return dir;
}

interface RowJson {
  date: string;
  provider: string;
  model: string;
  status: string;
  journal: Record<string, unknown>;
  provider_side: Record<string, unknown>;
  diff_usd: string | null;
  dimensions?: Record<string, string | null>;
}

const brief = (rows: RowJson[]): string[] => rows.map((r) => `${r.date} ${r.provider} ${r.model}${r.dimensions ? ` ${JSON.stringify(r.dimensions)}` : ''}: ${r.status}`);
const find = (rows: RowJson[], date: string, model: string): RowJson => rows.find((r) => r.date === date && r.model === model)!;
const costOf = (date: string, model: string): string => moneyToString(calls.filter((c) => c.timestamp.startsWith(date) && c.model === model).reduce((a, c) => a.plus(c.cost_usd), new Big(0)));

/** Each kind of difference, injected into the true pages. */
function driftingPages(): Pages {
  const p = truePages();
  // missing_calls: a gpt-4o-mini request on 11-11 the journal never recorded.
  const unrecorded: Line = { date: '2026-11-11', model: 'gpt-4o-mini-2024-07-18', project: null, requests: 1, input: 700, output: 90, cacheRead: 0, cost: '0.000159' };
  p.openaiUsage.push(unrecorded);
  p.openaiCost.push(unrecorded);
  // unknown_to_provider: Anthropic has nothing of claude-sonnet-4-5 on 11-10.
  p.anthropicUsage = p.anthropicUsage.filter((l) => !(l.date === '2026-11-10' && l.model.startsWith('claude-sonnet-4-5')));
  p.anthropicCost = p.anthropicCost.filter((l) => !(l.date === '2026-11-10' && l.model === 'claude-sonnet-4-5'));
  // price_drift: the same tokens billed 25% more.
  p.openaiCost = p.openaiCost.map((l) => (l.date === '2026-11-12' && l.model === 'gpt-4o-mini-2024-07-18' ? { ...l, cost: moneyToString(new Big(l.cost).times('1.25')) } : l));
  // missing_calls from tokens alone (Anthropic counts no requests): 100 output tokens more.
  p.anthropicUsage = p.anthropicUsage.map((l) => (l.date === '2026-11-11' && l.model === 'claude-sonnet-4-5-20250929' ? { ...l, output: l.output + 100 } : l));
  // within the tolerance ($0.01): gpt-4o on 11-10 billed $0.004 more.
  p.openaiCost = p.openaiCost.map((l) => (l.date === '2026-11-10' && l.model === 'gpt-4o-2024-08-06' ? { ...l, cost: moneyToString(new Big(l.cost).plus('0.004')) } : l));
  // provisional: yesterday's gpt-4o not (yet) in the reports.
  p.openaiUsage = p.openaiUsage.filter((l) => l.date !== '2026-11-15');
  p.openaiCost = p.openaiCost.filter((l) => l.date !== '2026-11-15');
  // other_charges: tool fees the providers bill as their own lines.
  p.openaiExtra = [{ date: '2026-11-10', line_item: 'web search tool calls', value: '0.025' }];
  p.anthropicExtra = [{ date: '2026-11-11', cost_type: 'web_search', description: 'Web Search Usage', cents: '2.5' }];
  return p;
}

describe('tokj reconcile', () => {
  it('agrees with pages built from the journal itself: every row match (or provisional), exit 0', async () => {
    const dir = writePages(truePages());
    const r = await reconcile([dir, '--format', 'json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { since: string; until: string; provider: string; rows: RowJson[]; summary: Record<string, unknown> };
    expect([out.since, out.until, out.provider]).toEqual(['2026-11-10', '2026-11-16', 'anthropic,openai']);
    expect(brief(out.rows)).toEqual([
      '2026-11-10 anthropic claude-sonnet-4-5: match',
      '2026-11-10 openai gpt-4o: match',
      '2026-11-10 openai gpt-4o-mini-2024-07-18: match',
      '2026-11-11 anthropic claude-sonnet-4: match',
      '2026-11-11 anthropic claude-sonnet-4-5: match',
      '2026-11-11 openai gpt-4o: match',
      '2026-11-12 openai gpt-4o: match',
      '2026-11-12 openai gpt-4o-mini-2024-07-18: match',
      '2026-11-15 openai gpt-4o: provisional',
      '2026-11-16 anthropic claude-sonnet-4-5: provisional',
    ]);
    // The alias the journal recorded (gpt-4o) against the dated snapshot the provider reports.
    expect(find(out.rows, '2026-11-10', 'gpt-4o')).toEqual({
      date: '2026-11-10',
      provider: 'openai',
      model: 'gpt-4o',
      status: 'match',
      journal: { calls: 2, input_tokens: 3500, output_tokens: 1100, cache_read_tokens: 1024, cost_usd: costOf('2026-11-10', 'gpt-4o') },
      provider_side: { requests: 2, input_tokens: 3500, output_tokens: 1100, cache_read_tokens: 1024, cost_usd: costOf('2026-11-10', 'gpt-4o') },
      diff_usd: '0',
    });
    // Anthropic: cents shifted to dollars, no request count; the dated name against the undated one.
    expect(find(out.rows, '2026-11-11', 'claude-sonnet-4')).toMatchObject({
      journal: { calls: 1, input_tokens: 4000, output_tokens: 600, cache_read_tokens: 0, cost_usd: costOf('2026-11-11', 'claude-sonnet-4-20250514') },
      provider_side: { requests: null, input_tokens: 4000, output_tokens: 600, cache_read_tokens: 0, cost_usd: costOf('2026-11-11', 'claude-sonnet-4-20250514') },
      diff_usd: '0',
    });
    const total = moneyToString(calls.filter((c) => !c.timestamp.startsWith('2026-11-15') && !c.timestamp.startsWith('2026-11-16')).reduce((a, c) => a.plus(c.cost_usd), new Big(0)));
    expect(out.summary).toMatchObject({ rows: 10, drifting_rows: 0, statuses: { match: 8, missing_calls: 0, unknown_to_provider: 0, price_drift: 0, other_charges: 0, provisional: 2 }, diff_usd: '0', not_compared: { calls: 0, cost_usd: '0' } });
    expect(new Big((out.summary.journal as { cost_usd: string }).cost_usd).minus(costOf('2026-11-15', 'gpt-4o')).minus(costOf('2026-11-16', 'claude-sonnet-4-5')).toString()).toBe(new Big(total).toString());
  });

  it('flags exactly the injected differences, each with its status; exit 1', async () => {
    const dir = writePages(driftingPages());
    const r = await reconcile([dir, '--format', 'json']);
    expect(r.exitCode, r.stderr).toBe(1);
    const rows = (JSON.parse(r.stdout) as { rows: RowJson[] }).rows;
    expect(brief(rows)).toEqual([
      '2026-11-10 anthropic claude-sonnet-4-5: unknown_to_provider',
      '2026-11-10 openai gpt-4o: match',
      '2026-11-10 openai gpt-4o-mini-2024-07-18: match',
      '2026-11-10 openai web search tool calls: other_charges',
      '2026-11-11 anthropic claude-sonnet-4: match',
      '2026-11-11 anthropic claude-sonnet-4-5: missing_calls',
      '2026-11-11 anthropic Web Search Usage: other_charges',
      '2026-11-11 openai gpt-4o: match',
      '2026-11-11 openai gpt-4o-mini-2024-07-18: missing_calls',
      '2026-11-12 openai gpt-4o: match',
      '2026-11-12 openai gpt-4o-mini-2024-07-18: price_drift',
      '2026-11-15 openai gpt-4o: provisional',
      '2026-11-16 anthropic claude-sonnet-4-5: provisional',
    ]);
    const drift = find(rows, '2026-11-12', 'gpt-4o-mini-2024-07-18');
    expect(costOf('2026-11-12', 'gpt-4o-mini-2024-07-18')).toBe('0.18');
    expect(drift).toMatchObject({ journal: { calls: 1, input_tokens: 800000, output_tokens: 100000, cost_usd: '0.18' }, provider_side: { requests: 1, input_tokens: 800000, output_tokens: 100000, cost_usd: '0.225' }, diff_usd: '0.045' });
    expect(find(rows, '2026-11-11', 'gpt-4o-mini-2024-07-18')).toMatchObject({ journal: { calls: 0, cost_usd: '0' }, provider_side: { requests: 1, input_tokens: 700, output_tokens: 90, cost_usd: '0.000159' }, diff_usd: '0.000159' });
    expect(find(rows, '2026-11-10', 'web search tool calls')).toMatchObject({ provider_side: { requests: null, input_tokens: null, cost_usd: '0.025' }, diff_usd: null });
    expect(find(rows, '2026-11-11', 'Web Search Usage').provider_side.cost_usd).toBe('0.025');
    expect(find(rows, '2026-11-10', 'gpt-4o').diff_usd).toBe('0.004');

    // No tolerance: the $0.004 is a price drift too.
    const exact = await reconcile([dir, '--format', 'json', '--tolerance', '0']);
    expect(find((JSON.parse(exact.stdout) as { rows: RowJson[] }).rows, '2026-11-10', 'gpt-4o').status).toBe('price_drift');
    // A tolerance of 25%: the drift on 11-12 (exactly 20% of the provider's $0.225) is within it.
    const wide = await reconcile([dir, '--format', 'json', '--tolerance', '0.01,25%']);
    expect(find((JSON.parse(wide.stdout) as { rows: RowJson[] }).rows, '2026-11-12', 'gpt-4o-mini-2024-07-18').status).toBe('match');
  });

  it('prints a terminal table by default, the drifting rows first, then totals and the verdict', async () => {
    const dir = writePages(driftingPages());
    const r = await reconcile([dir]);
    expect(r.exitCode).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe("Reconciliation of the journal with anthropic and openai reports: 2026-11-10 to 2026-11-16 (UTC days); tolerance the larger of $0.01 and 0.5% of the provider's amount, per row");
    expect(lines[2]).toMatch(/^date {8}provider {3}model +status +calls \/ requests +input +output +journal cost +provider cost +difference$/);
    const statuses = lines.slice(4, 17).map((l) => l.split(/\s{2,}/)[3]);
    expect(statuses).toEqual(['price_drift', 'unknown_to_provider', 'missing_calls', 'missing_calls', 'match', 'match', 'other_charges', 'match', 'other_charges', 'match', 'match', 'provisional', 'provisional']);
    expect(lines[4]).toMatch(/^2026-11-12  openai +gpt-4o-mini-2024-07-18 +price_drift +1 \/ 1 +800,000 \/ 800,000 +100,000 \/ 100,000 +\$0\.18 +\$0\.225 +\+\$0\.045$/);
    expect(r.stdout).toContain('Verdict: 4 rows drift: 2 missing_calls, 1 unknown_to_provider, 1 price_drift');
    expect(r.stdout).toContain('Difference: ');
    expect(r.stdout).toMatch(/\(and \$0\.05 other charges\)/);
  });

  it('writes CSV: a header and a row per row, money exact', async () => {
    const dir = writePages(driftingPages());
    const r = await reconcile([dir, '--format', 'csv']);
    expect(r.exitCode).toBe(1);
    const rows = parseCsv(r.stdout);
    expect(rows[0]).toEqual(['date', 'provider', 'model', 'status', 'journal_calls', 'journal_input_tokens', 'journal_output_tokens', 'journal_cache_read_tokens', 'journal_cost_usd', 'provider_requests', 'provider_input_tokens', 'provider_output_tokens', 'provider_cache_read_tokens', 'provider_cost_usd', 'diff_usd']);
    expect(rows).toHaveLength(14);
    expect(rows.find((row) => row[0] === '2026-11-12' && row[2] === 'gpt-4o-mini-2024-07-18')).toEqual(['2026-11-12', 'openai', 'gpt-4o-mini-2024-07-18', 'price_drift', '1', '800000', '100000', '0', '0.18', '1', '800000', '100000', '0', '0.225', '0.045']);
    expect(rows.find((row) => row[2] === 'Web Search Usage')).toEqual(['2026-11-11', 'anthropic', 'Web Search Usage', 'other_charges', '0', '0', '0', '0', '0', '', '', '', '', '0.025', '']);
  });

  it('--write adds one markdown reconciliation a person reads, and changes nothing else', async () => {
    const dir = writePages(driftingPages());
    const before = snapshotFiles(path.join(cwd, '.ai_workflow'));
    const r = await reconcile([dir, '--write', '--format', 'json']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`wrote ${path.join('.ai_workflow', 'monitoring', 'reconciliations', 'reconciliation_20261116.md')}`);
    JSON.parse(r.stdout);
    const after = snapshotFiles(path.join(cwd, '.ai_workflow'));
    const added = Object.keys(after).filter((f) => !(f in before));
    expect(added).toEqual([path.join('monitoring', 'reconciliations', 'reconciliation_20261116.md')]);
    for (const f of Object.keys(before)) expect(after[f], f).toBe(before[f]);

    const md = readMd(path.join(cwd, '.ai_workflow', added[0]!));
    const scope = listIn(md, "Reconciliation with the Provider's Bill");
    expect(scope).toMatchObject({ Providers: 'anthropic, openai', 'Days (UTC)': '2026-11-10 to 2026-11-16', Reports: '12 (anthropic-costs 2, anthropic-empty-page 2, anthropic-usage 2, openai-costs 1, openai-empty-page 4, openai-usage 1)', 'Provisional From': '2026-11-15 (today and yesterday, UTC)', Verdict: '4 rows drift: 2 missing_calls, 1 unknown_to_provider, 1 price_drift' });
    const totals = tableIn(md, 'Totals');
    expect(totals[0]).toEqual(['', 'Journal', 'Provider', 'Difference']);
    expect(totals.find((row) => row[0] === 'Tool Fees / Other Charges')).toEqual(['Tool Fees / Other Charges', '$0.00', '$0.05', '']);
    // The drifting rows first, largest difference first.
    const drifting = tableIn(md, 'Rows That Drift');
    expect(drifting.slice(1).map((row) => `${row[0]} ${row[2]} ${row[3]}`)).toEqual([
      '2026-11-12 gpt-4o-mini-2024-07-18 price_drift',
      '2026-11-10 claude-sonnet-4-5 unknown_to_provider',
      '2026-11-11 gpt-4o-mini-2024-07-18 missing_calls',
      // More tokens, the same dollars: a difference of $0.
      '2026-11-11 claude-sonnet-4-5 missing_calls',
    ]);
    expect(tableIn(md, 'All Rows')).toHaveLength(14);
    const advice = listItems(md, 'What To Do');
    expect(advice.map((a) => a.split(' ')[0])).toEqual(['match', 'missing_calls', 'unknown_to_provider', 'price_drift', 'other_charges', 'provisional']);
    expect(tableIn(md, 'Model Names').slice(1)).toContainEqual(['openai gpt-4o', 'gpt-4o', 'gpt-4o-2024-08-06']);

    // A second one the same second never replaces the first.
    const again = await reconcile([dir, '--write']);
    expect(again.stderr).toContain('reconciliation_20261116_120000.md');
    expect(readdirSync(path.join(cwd, '.ai_workflow', 'monitoring', 'reconciliations')).sort()).toEqual(['reconciliation_20261116.md', 'reconciliation_20261116_120000.md']);
  });

  it('compares per project when a journal label names it (--map project_id=label:project)', async () => {
    const dir = `by-project`;
    mkdirSync(path.join(cwd, dir));
    const lines = linesOf(calls, 'openai', usageName, true);
    // The provider puts the 11-12 gpt-4o call in proj_a; the journal labelled it proj_b.
    const moved = lines.map((l) => (l.date === '2026-11-12' && l.model === 'gpt-4o-2024-08-06' ? { ...l, project: 'proj_a' } : l));
    openAiUsagePages(moved, DATES, 7).forEach((t, i) => writeFileSync(path.join(cwd, dir, `usage-${i}.json`), t));
    openAiCostPages(moved, DATES, 7).forEach((t, i) => writeFileSync(path.join(cwd, dir, `costs-${i}.json`), t));
    const r = await reconcile([dir, '--format', 'json', '--map', 'project_id=label:project', '--until', '2026-11-12']);
    expect(r.exitCode).toBe(1);
    expect(brief((JSON.parse(r.stdout) as { rows: RowJson[] }).rows)).toEqual([
      '2026-11-10 openai gpt-4o {"project_id":"proj_a"}: match',
      '2026-11-10 openai gpt-4o-mini-2024-07-18 {"project_id":"proj_a"}: match',
      '2026-11-11 openai gpt-4o {"project_id":"proj_a"}: match',
      '2026-11-12 openai gpt-4o {"project_id":"proj_a"}: missing_calls',
      '2026-11-12 openai gpt-4o {"project_id":"proj_b"}: unknown_to_provider',
      '2026-11-12 openai gpt-4o-mini-2024-07-18 {"project_id":"proj_a"}: match',
    ]);
    // Anthropic's calls have no report here: said, not compared.
    expect(r.stderr).toContain('note: 3 journal calls of anthropic are on days no anthropic report given covers (no report of it was given): not compared');
  });

  it('--since/--until keep to those UTC days; a day the buckets cover only in part is not compared', async () => {
    const dir = writePages(truePages());
    const r = await reconcile([dir, '--format', 'json', '--since', '2026-11-11', '--until', '2026-11-11']);
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout) as { since: string; until: string; rows: RowJson[] };
    expect([out.since, out.until]).toEqual(['2026-11-11', '2026-11-11']);
    expect(brief(out.rows)).toEqual(['2026-11-11 anthropic claude-sonnet-4: match', '2026-11-11 anthropic claude-sonnet-4-5: match', '2026-11-11 openai gpt-4o: match']);

    // OpenAI's first daily bucket starts at the requested time when that is not midnight.
    const cut = 'cut.json';
    const page = JSON.parse(openAiUsagePages(linesOf(calls, 'openai', usageName), DATES.slice(0, 3), 3)[0]!) as { data: Array<{ start_time: number }> };
    page.data[0]!.start_time += 6 * 3600;
    writeFileSync(path.join(cwd, cut), JSON.stringify(page));
    const partial = await reconcile([cut, '--format', 'json']);
    expect(partial.exitCode).toBe(0);
    expect(brief((JSON.parse(partial.stdout) as { rows: RowJson[] }).rows)).toEqual(['2026-11-11 openai gpt-4o: match', '2026-11-12 openai gpt-4o: match', '2026-11-12 openai gpt-4o-mini-2024-07-18: match']);
    expect(partial.stderr).toContain('note: openai usage: 2026-11-10 is only partly covered by the buckets given');
  });

  it('reads the official example responses and exports (a journal with nothing on their days: all missing_calls)', async () => {
    const src = path.join(repoRoot, 'test/fixtures/billing-reports');
    const r = await reconcile([src, '--format', 'json']);
    expect(r.exitCode).toBe(1);
    const out = JSON.parse(r.stdout) as { rows: RowJson[]; summary: Record<string, unknown> };
    expect(brief(out.rows)).toEqual([
      '2024-11-01 openai (all models): missing_calls',
      '2025-08-01 anthropic claude-opus-5: missing_calls',
      '2025-08-01 anthropic claude-sonnet-4-20250514: missing_calls',
      '2025-10-05 openai (all models): missing_calls',
      '2026-03-22 anthropic claude-sonnet-4-20250514: missing_calls',
      '2026-08-05 anthropic Claude Sonnet 4.5: missing_calls',
    ]);
    expect(find(out.rows, '2024-11-01', '(all models)').provider_side).toEqual({ requests: 7, input_tokens: 1016, output_tokens: 500, cache_read_tokens: 400, cost_usd: '0.06' });
    expect(find(out.rows, '2025-08-01', 'claude-opus-5').provider_side).toEqual({ requests: null, input_tokens: 3200, output_tokens: 500, cache_read_tokens: 200, cost_usd: '1.2378912' });
    expect(find(out.rows, '2025-10-05', '(all models)').provider_side).toEqual({ requests: 10, input_tokens: 59200, output_tokens: 10646, cache_read_tokens: 5760, cost_usd: '0.895874' });
  });

  it('an unreadable or unrecognised report is exit 3, naming the file and what was expected, and writes nothing', async () => {
    writeFileSync(path.join(cwd, 'list.json'), '{"object":"list","data":[{"id":"gpt-4o"}]}');
    writeFileSync(path.join(cwd, 'notes.txt'), 'usage for november\n');
    mkdirSync(path.join(cwd, 'empty-dir'));
    writeFileSync(path.join(cwd, 'empty-dir', 'README.md'), '# nothing here\n');
    const good = writePages(truePages());
    const before = snapshotFiles(path.join(cwd, '.ai_workflow'));
    const cases: Array<[string[], RegExp]> = [
      [['missing.json'], /^tokj: cannot read missing\.json: no such file; expected an OpenAI \/v1\/organization\/usage or \/costs page, .*; nothing was written$/],
      [['list.json'], /^tokj: list\.json: JSON that is not an OpenAI \/v1\/organization\/usage or \/costs page, .*; nothing was written$/],
      [['notes.txt'], /^tokj: notes\.txt: neither JSON nor a CSV export with a known header row \(first line: "usage for november"\)/],
      [['empty-dir'], /^tokj: empty-dir holds no \.json or \.csv file/],
      [[good, 'list.json'], /^tokj: list\.json: JSON that is not/],
    ];
    for (const [files, message] of cases) {
      const r = await reconcile([...files, '--write']);
      expect(r.exitCode, files.join(' ')).toBe(3);
      expect(r.stderr, files.join(' ')).toMatch(message);
      expect(r.stdout).toBe('');
    }
    expect(snapshotFiles(path.join(cwd, '.ai_workflow'))).toEqual(before);
    const help = await reconcile(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Examples:\n  $ tokj reconcile billing/openai-usage-*.json');
    // No report at all, a bad option: usage errors.
    expect((await reconcile([])).exitCode).toBe(2);
    expect((await reconcile([good, '--tolerance', 'lots'])).stderr).toContain('--tolerance takes dollars, a percent of the provider\'s amount, or both');
    expect((await reconcile([good, '--map', 'team=label:team'])).exitCode).toBe(2);
  });
});

/** The items of the bullet list under a heading, as text. */
function listItems(md: ReturnType<typeof readMd>, section: string): string[] {
  const start = md.children.findIndex((n) => n.type === 'heading' && JSON.stringify(n).includes(section));
  const list = md.children.slice(start + 1).find((n) => n.type === 'list');
  if (!list || list.type !== 'list') throw new Error(`no list under ${section}`);
  const textOf = (n: unknown): string => {
    const node = n as { value?: string; children?: unknown[] };
    return node.value ?? (node.children ?? []).map(textOf).join('');
  };
  return list.children.map(textOf);
}
