import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMd, snapshotFiles, tableIn, tempDir, tokj } from '../helpers.js';

async function journalWith(calls: number[], budget?: string): Promise<{ cwd: string; root: string }> {
  const cwd = tempDir();
  await tokj(cwd, ['init', 's', 'openai', 'gpt-4o', '-q', ...(budget ? ['--budget', budget] : [])]);
  for (const n of calls) expect((await tokj(cwd, ['record', String(n - 10), '10'])).exitCode).toBe(0);
  return { cwd, root: path.join(cwd, '.ai_workflow') };
}

describe('monitor', () => {
  it('alerts against the rolling average of the previous calls, in the reference wording', async () => {
    const { cwd, root } = await journalWith([1000, 1100, 1200, 1300, 1400, 1210, 1300, 1150, 1240, 1200, 1210]);
    // 12,000 against the last 10 recorded calls: 12,310 / 10 = 1,231
    const r = await tokj(cwd, ['monitor', '12000']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('HIGH USAGE ALERT: 12,000 tokens (3.0x threshold 3,693 = 3 x rolling average 1,231 of 10 calls)');
    const ok = await tokj(cwd, ['monitor']);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/^OK: 1,210 tokens/);
    expect(readFileSync(path.join(root, 'monitoring/usage_alerts.log'), 'utf8').trim().split('\t').slice(1, 7)).toEqual(['high_usage', 's', 'gpt-4o', '12000', '3693', '1231']);
    const alerts = tableIn(readMd(path.join(root, 'work_journal/token_usage.md')), 'Alerts');
    expect(alerts).toHaveLength(2);
    expect(alerts[1]?.slice(1, 7)).toEqual(['high_usage', 's', 'gpt-4o', '12,000 tokens (974.8% of average)', '3,693 tokens', '1,231 tokens']);
  });

  it('the latest call is the value; window, multiplier and --json are honoured', async () => {
    const { cwd } = await journalWith([100, 100, 100, 1000]);
    const r = await tokj(cwd, ['monitor', '--json', '--window', '2']);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ alert: true, value: '1000', average: '100', threshold: '300', samples: 2 });
    expect((await tokj(cwd, ['monitor', '--multiplier', '11'])).exitCode).toBe(0);
  });

  it('too little history is exit 0 and says so', async () => {
    const { cwd } = await journalWith([100, 5000]);
    const r = await tokj(cwd, ['monitor']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('not enough history: 1 comparable call (need 3)');
  });

  it('runs --on-alert with the alert in its environment, without a shell', async () => {
    const { cwd } = await journalWith([100, 100, 100, 1000]);
    const out = path.join(cwd, 'alert.txt');
    const r = await tokj(cwd, ['monitor', '--on-alert', `node -e require('fs').writeFileSync('${out}',process.env.TOKJ_ALERT_KIND+':'+process.env.TOKJ_ALERT_VALUE)`]);
    expect(r.exitCode).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe('high_usage:1000');
  });

  it('compares sessions with --by session', async () => {
    const cwd = tempDir();
    for (const [id, n] of [['a', 100], ['b', 120], ['c', 110], ['d', 2000]] as const) {
      await tokj(cwd, ['init', id, 'openai', 'gpt-4o', '-q']);
      await tokj(cwd, ['record', String(n), '0', '--session', id]);
      await tokj(cwd, ['finalize', '--session', id]);
    }
    const r = await tokj(cwd, ['monitor', '--by', 'session']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('rolling average 110 of 3 sessions');
  });

  it('refuses bad flags with exit 2', async () => {
    const { cwd, root } = await journalWith([100]);
    const before = snapshotFiles(root);
    for (const args of [['monitor', 'abc'], ['monitor', '--metric', 'words'], ['monitor', '--window', '0'], ['monitor', '--multiplier', '-1'], ['monitor', '--by', 'day']]) {
      expect((await tokj(cwd, args)).exitCode, args.join(' ')).toBe(2);
    }
    expect(snapshotFiles(root)).toEqual(before);
  });
});

describe('budgets and config', () => {
  it('budget check exits 0 under and 1 over the session budget', async () => {
    const { cwd } = await journalWith([1000], '0.01');
    const under = await tokj(cwd, ['budget', 'check']);
    expect(under.exitCode).toBe(0);
    expect(under.stdout).toBe('Within budget: session s spent $0.002575 of $0.01 (25.8%)');
    await tokj(cwd, ['record', '4000', '10']);
    const over = await tokj(cwd, ['budget', 'check', '--quiet']);
    expect(over.exitCode).toBe(1);
    expect(over.stdout + over.stderr).toBe('');
  });

  it('record --enforce exits 1 after the call that crosses a budget, and logs the crossing once', async () => {
    const { cwd, root } = await journalWith([1000], '0.005');
    const r = await tokj(cwd, ['record', '1000', '10', '--enforce']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('BUDGET EXCEEDED: session s spent $0.005175 of $0.005 (103.5%)');
    const again = await tokj(cwd, ['record', '10', '10', '--enforce']);
    expect(again.exitCode).toBe(1);
    const log = readFileSync(path.join(root, 'monitoring/usage_alerts.log'), 'utf8').trim().split('\n');
    expect(log.map((l) => l.split('\t')[1])).toEqual(['budget_exceeded']);
  });

  it('daily budget from the config, warning at the configured percent', async () => {
    const { cwd } = await journalWith([1000]);
    expect((await tokj(cwd, ['config', 'set', 'budget.daily', '0.0028'])).exitCode).toBe(0);
    const r = await tokj(cwd, ['budget', 'check', '--period', 'day', '--json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).budgets[0]).toMatchObject({ scope: 'day', spent_usd: '0.002575', limit_usd: '0.0028', state: 'warning' });
  });

  it('alert.auto makes record print anomaly alerts on stderr, exit code unchanged', async () => {
    const { cwd } = await journalWith([100, 100, 100]);
    await tokj(cwd, ['config', 'set', 'alert.auto', 'true']);
    const r = await tokj(cwd, ['record', '5000', '10']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('HIGH USAGE ALERT: 5,010 tokens');
    expect((await tokj(cwd, ['record', '5000', '10', '--enforce'])).exitCode).toBe(1);
  });

  it('config set validates, keeps the file a person edits, and get/list read it back', async () => {
    const { cwd, root } = await journalWith([]);
    const file = path.join(root, 'monitoring/token_collection_config.md');
    const before = readFileSync(file, 'utf8');
    for (const [key, value] of [['alert.window', 'abc'], ['alert.multiplier', '0.5'], ['report.timezone', 'Mars/Olympus'], ['nope', '1']]) {
      const r = await tokj(cwd, ['config', 'set', key!, value!]);
      expect(r.exitCode, key).toBe(2);
      expect(readFileSync(file, 'utf8')).toBe(before);
    }
    await tokj(cwd, ['config', 'set', 'report.timezone', 'Asia/Tokyo']);
    await tokj(cwd, ['config', 'set', 'alert.multiplier', '2.5']);
    expect((await tokj(cwd, ['config', 'get', 'alert.multiplier'])).stdout).toBe('2.5');
    expect(JSON.parse((await tokj(cwd, ['config', 'list', '--json'])).stdout)).toMatchObject({ 'report.timezone': 'Asia/Tokyo', 'alert.multiplier': '2.5', 'alert.window': '10' });
    // report.frequency, once set, is the report's default period
    await tokj(cwd, ['config', 'set', 'report.frequency', 'monthly']);
    expect(JSON.parse((await tokj(cwd, ['report', '--format', 'json'])).stdout).period).toBe('monthly');
    const after = readFileSync(file, 'utf8');
    expect(after.slice(0, after.indexOf('## Settings'))).toBe(before.slice(0, before.indexOf('## Settings')));
    expect(after.slice(after.indexOf('## Custom Prices'))).toBe(before.slice(before.indexOf('## Custom Prices')));
  });
});
