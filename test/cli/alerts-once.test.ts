/**
 * An alert is about a fact in the ledger (this call is a spike against that history; this
 * budget was crossed): it is logged once, in monitoring/usage_alerts.log and the journal's
 * Alerts table, however often monitor, record's alert.auto or budget check look at it.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMd, tableIn, tempDir, tokj } from '../helpers.js';

async function journalWith(calls: Array<[number, number]>, budget?: string, env?: Record<string, string>): Promise<{ cwd: string; root: string }> {
  const cwd = tempDir();
  await tokj(cwd, ['init', 's', 'openai', 'gpt-4o', '-q', ...(budget ? ['--budget', budget] : [])], { env });
  for (const [i, o] of calls) expect((await tokj(cwd, ['record', String(i), String(o)], { env })).exitCode).toBe(0);
  return { cwd, root: path.join(cwd, '.ai_workflow') };
}

const logLines = (root: string): string[][] => {
  const file = path.join(root, 'monitoring/usage_alerts.log');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t')) : [];
};
const alertRows = (root: string): string[][] => tableIn(readMd(path.join(root, 'work_journal/token_usage.md')), 'Alerts').slice(1);

/** An --on-alert command that appends a line per run to a file in cwd. */
const counter = (file: string): string => `node -e require('fs').appendFileSync('${file}',process.env.TOKJ_ALERT_ID+'\\n')`;

describe('monitor logs an alert once', () => {
  it('three runs over the same spike: one log line, one Alerts row, --on-alert once, exit 1 each time', async () => {
    const { cwd, root } = await journalWith([[100, 10], [100, 10], [100, 10], [100, 10], [50000, 10]]);
    const runs = path.join(cwd, 'on-alert.txt');
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await tokj(cwd, ['monitor', '--on-alert', counter(runs)]));
    // "Is the latest call a spike?" has the same answer on every run.
    expect(results.map((r) => r.exitCode)).toEqual([1, 1, 1]);
    expect(results[0]!.stderr).toBe('HIGH USAGE ALERT: 50,010 tokens (3.0x threshold 330 = 3 x rolling average 110 of 4 calls)');
    const logged = logLines(root);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.slice(1, 8)).toEqual(['high_usage', 's', 'gpt-4o', '50010', '330', '110', 'high_usage metric=tokens call=s:5']);
    for (const r of results.slice(1)) expect(r.stderr).toBe(`HIGH USAGE ALERT: 50,010 tokens (3.0x threshold 330 = 3 x rolling average 110 of 4 calls) (already logged at ${logged[0]![0]})`);
    expect(alertRows(root)).toHaveLength(1);
    expect(readFileSync(runs, 'utf8')).toBe('high_usage metric=tokens call=s:5\n');
    const json = JSON.parse((await tokj(cwd, ['monitor', '--json'])).stdout);
    expect(json).toMatchObject({ alert: true, new: false, logged_at: logged[0]![0], id: 'high_usage metric=tokens call=s:5' });
  });

  it('a second spike later is a second alert', async () => {
    const { cwd, root } = await journalWith([[100, 10], [100, 10], [100, 10], [50000, 10]]);
    expect((await tokj(cwd, ['monitor'])).exitCode).toBe(1);
    expect((await tokj(cwd, ['monitor'])).exitCode).toBe(1);
    // Back to small calls: no alert, nothing logged.
    await tokj(cwd, ['record', '100', '10']);
    expect((await tokj(cwd, ['monitor'])).exitCode).toBe(0);
    await tokj(cwd, ['record', '90000', '10']);
    const r = await tokj(cwd, ['monitor', '--json']);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ alert: true, new: true, id: 'high_usage metric=tokens call=s:6' });
    expect((await tokj(cwd, ['monitor'])).exitCode).toBe(1);
    expect(logLines(root).map((f) => f[7])).toEqual(['high_usage metric=tokens call=s:4', 'high_usage metric=tokens call=s:6']);
    expect(alertRows(root).map((r) => r[4])).toEqual(['50,010 tokens (45463.6% of average)', '90,010 tokens (892.1% of average)']);
  });

  it('an explicit CURRENT_TOKENS is one alert until the next call', async () => {
    const { cwd, root } = await journalWith([[100, 10], [100, 10], [100, 10]]);
    for (let i = 0; i < 2; i++) expect((await tokj(cwd, ['monitor', '12000'])).exitCode).toBe(1);
    expect(logLines(root).map((f) => f[7])).toEqual(['high_usage metric=tokens value=12000 after=s:3']);
    // Another value, or the same value after another call, is another question.
    expect((await tokj(cwd, ['monitor', '13000'])).exitCode).toBe(1);
    await tokj(cwd, ['record', '100', '10']);
    expect((await tokj(cwd, ['monitor', '12000'])).exitCode).toBe(1);
    expect(logLines(root).map((f) => f[7])).toEqual(['high_usage metric=tokens value=12000 after=s:3', 'high_usage metric=tokens value=13000 after=s:3', 'high_usage metric=tokens value=12000 after=s:4']);
    expect(alertRows(root)).toHaveLength(3);
  });

  it('--by session: a session is a spike once', async () => {
    const cwd = tempDir();
    for (const [id, n] of [['a', 100], ['b', 120], ['c', 110], ['d', 2000]] as const) {
      await tokj(cwd, ['init', id, 'openai', 'gpt-4o', '-q']);
      await tokj(cwd, ['record', String(n), '0', '--session', id]);
    }
    for (let i = 0; i < 2; i++) expect((await tokj(cwd, ['monitor', '--by', 'session'])).exitCode).toBe(1);
    await tokj(cwd, ['record', '500', '0', '--session', 'd']);
    expect((await tokj(cwd, ['monitor', '--by', 'session'])).stderr).toContain('(already logged at ');
    expect(logLines(path.join(cwd, '.ai_workflow')).map((f) => f[7])).toEqual(['high_usage metric=tokens session=d']);
  });

  it('with alert.auto, the spike record logged is not logged again by monitor', async () => {
    const { cwd, root } = await journalWith([[100, 10], [100, 10], [100, 10]]);
    await tokj(cwd, ['config', 'set', 'alert.auto', 'true']);
    const runs = path.join(cwd, 'on-alert.txt');
    const rec = await tokj(cwd, ['record', '5000', '10']);
    expect(rec.stderr).toContain('HIGH USAGE ALERT: 5,010 tokens');
    for (let i = 0; i < 2; i++) {
      const m = await tokj(cwd, ['monitor', '--on-alert', counter(runs)]);
      expect(m.exitCode).toBe(1);
      expect(m.stderr).toContain('(already logged at ');
    }
    // record ran no hook for it: monitor's runs once.
    expect(readFileSync(runs, 'utf8')).toBe('high_usage metric=tokens call=s:4\n');
    expect(logLines(root).map((f) => f[7])).toEqual(['high_usage metric=tokens call=s:4']);
    expect(alertRows(root)).toHaveLength(1);
    // The next spike: logged by record, once.
    await tokj(cwd, ['record', '100', '10']);
    await tokj(cwd, ['record', '90000', '10']);
    await tokj(cwd, ['monitor']);
    expect(logLines(root).map((f) => f[7])).toEqual(['high_usage metric=tokens call=s:4', 'high_usage metric=tokens call=s:6']);
  });
});

describe('budget alerts are logged once, by whichever command sees them first', () => {
  it('warning and exceeded: one line each across records and checks', async () => {
    // $0.0025 per 1k input tokens: a $0.01 budget warns at $0.009 and is exceeded past $0.01.
    const { cwd, root } = await journalWith([[1000, 0]], '0.01');
    await tokj(cwd, ['config', 'set', 'alert.auto', 'true']);
    expect((await tokj(cwd, ['budget', 'check'])).exitCode).toBe(0);
    expect((await tokj(cwd, ['record', '2700', '0'])).stderr).toContain('BUDGET WARNING: session s spent $0.00925');
    expect((await tokj(cwd, ['budget', 'check'])).exitCode).toBe(0);
    expect((await tokj(cwd, ['record', '10', '0'])).stderr).not.toContain('BUDGET');
    expect((await tokj(cwd, ['budget', 'check'])).exitCode).toBe(0);
    expect((await tokj(cwd, ['record', '400', '0'])).stderr).toContain('BUDGET EXCEEDED');
    for (let i = 0; i < 2; i++) {
      expect((await tokj(cwd, ['budget', 'check', '--quiet'])).exitCode).toBe(1);
      const again = await tokj(cwd, ['record', '10', '0', '--enforce']);
      expect(again.exitCode).toBe(1);
      expect(again.stderr).toContain('BUDGET EXCEEDED');
    }
    expect(logLines(root).map((f) => [f[1], f[7]])).toEqual([
      ['budget_warning', 'budget_warning session=s limit=0.01'],
      ['budget_exceeded', 'budget_exceeded session=s limit=0.01'],
    ]);
    expect(alertRows(root).map((r) => r[1])).toEqual(['budget_warning', 'budget_exceeded']);
  });

  it('budget check logs a crossing that no record reported (alert.auto off), once', async () => {
    // One pinned day: a run across midnight would check a new, empty day.
    const env = { TOKJ_NOW: '2026-11-24T09:00:00Z', TZ: 'UTC' };
    const { cwd, root } = await journalWith([[1000, 0], [4000, 0]], undefined, env);
    expect(logLines(root)).toEqual([]);
    await tokj(cwd, ['config', 'set', 'budget.daily', '0.01'], { env });
    for (let i = 0; i < 3; i++) expect((await tokj(cwd, ['budget', 'check', '--json'], { env })).exitCode).toBe(1);
    const logged = logLines(root);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.slice(1)).toEqual(['budget_exceeded', '', '', '0.0125', '0.01', '', 'budget_exceeded day=2026-11-24 limit=0.01']);
    expect(alertRows(root)).toHaveLength(1);
    // A new limit is a new line to cross.
    await tokj(cwd, ['config', 'set', 'budget.daily', '0.005'], { env });
    await tokj(cwd, ['budget', 'check'], { env });
    await tokj(cwd, ['budget', 'check'], { env });
    expect(logLines(root).map((f) => f[7])).toEqual(['budget_exceeded day=2026-11-24 limit=0.01', 'budget_exceeded day=2026-11-24 limit=0.005']);
  });
});

describe('the log stays readable', () => {
  it('lines written before alerts had an identity still read, in the journal and the report', async () => {
    const { cwd, root } = await journalWith([[100, 10], [100, 10], [100, 10], [50000, 10]]);
    mkdirSync(path.join(root, 'monitoring'), { recursive: true });
    appendFileSync(path.join(root, 'monitoring/usage_alerts.log'), '2020-01-05T10:00:00.000Z\thigh_usage\told\tgpt-4o\t9000\t300\t100\n');
    expect((await tokj(cwd, ['monitor'])).exitCode).toBe(1);
    expect((await tokj(cwd, ['monitor'])).exitCode).toBe(1);
    expect(logLines(root).map((f) => f.length)).toEqual([7, 8]);
    expect((await tokj(cwd, ['rebuild'])).exitCode).toBe(0);
    expect(alertRows(root).map((r) => r[2])).toEqual(['old', 's']);
    const report = await tokj(cwd, ['report', '--since', '2020-01-01', '--output', path.join(cwd, 'r.md')]);
    expect(report.exitCode).toBe(0);
    expect(tableIn(readMd(path.join(cwd, 'r.md')), 'Alerts').slice(1).map((r) => r[2])).toEqual(['old', 's']);
  });
});
