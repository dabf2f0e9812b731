import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ledgerLines, listIn, readMd, snapshotFiles, tableIn, tempDir, tokj } from '../helpers.js';

const NOW = { TOKJ_NOW: '2026-11-24T09:00:00Z' };

describe('init, record, finalize', () => {
  let cwd: string;
  let root: string;
  beforeEach(async () => {
    cwd = tempDir();
    root = path.join(cwd, '.ai_workflow');
    const init = await tokj(cwd, ['init', '--export', 'sess-42', 'openai', 'gpt-4o', '--agent', 'planner', '--budget', '0.50'], { env: NOW });
    expect(init.exitCode).toBe(0);
    expect(init.stdout).toBe('export TOKJ_SESSION=sess-42');
  });

  it('creates the layout from templates and a session file', () => {
    const files = Object.keys(snapshotFiles(root));
    expect(files).toEqual(expect.arrayContaining(['README.md', 'work_journal/token_usage.md', 'monitoring/token_collection_config.md', 'monitoring/sessions/sess-42.md']));
    const info = listIn(readMd(path.join(root, 'monitoring/sessions/sess-42.md')), 'Session Information');
    expect(info).toMatchObject({ 'Session ID': 'sess-42', 'Model Provider': 'openai', 'Model Name': 'gpt-4o', Agent: 'planner', Status: 'active', Budget: '$0.50' });
  });

  it('records exact costs and prints the human line', async () => {
    const r = await tokj(cwd, ['record', '1500', '800'], { env: NOW });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('Recorded 1,500 in / 800 out on gpt-4o: $0.01175 (session total $0.01175)');
    const j = await tokj(cwd, ['record', '1200', '300', 'anthropic', 'claude-sonnet-4-20250514', 'retry after parse error', '--attempt', '2/2', '--json'], { env: NOW });
    expect(j.exitCode).toBe(0);
    const rec = JSON.parse(j.stdout);
    expect(rec).toMatchObject({
      id: 'sess-42:2',
      session: 'sess-42',
      provider: 'anthropic',
      model: 'claude-sonnet-4-20250514',
      agent: 'planner',
      attempt: '2/2',
      note: 'retry after parse error',
      input_tokens: 1200,
      output_tokens: 300,
      total_tokens: 1500,
      cost_usd: '0.0081',
      price_source: 'litellm@2026-07-24:claude-sonnet-4-20250514',
      timestamp: '2026-11-24T09:00:00.000Z',
    });
    for (const key of ['operation', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens']) expect(rec).toHaveProperty(key);
    const session = readMd(path.join(root, 'monitoring/sessions/sess-42.md'));
    const rows = tableIn(session, 'Usage Tracking');
    expect(rows[0]).toEqual(['Call', 'Timestamp', 'Provider', 'Model', 'Input Tokens', 'Cached', 'Output Tokens', 'Reasoning', 'Total Tokens', 'Cost', 'Note']);
    expect(rows[1]).toEqual(['1', '2026-11-24 09:00:00 UTC', 'openai', 'gpt-4o', '1,500', '0', '800', '0', '2,300', '$0.0118', '']);
    expect(rows[2]?.[9]).toBe('$0.0081');
    expect(listIn(session, 'Session Summary')).toMatchObject({ 'Total Calls': '2', 'Total Input Tokens': '2,700', 'Total Output Tokens': '1,100', 'Total Tokens': '3,800', 'Total Cost': '$0.01985' });
    const journal = readMd(path.join(root, 'work_journal/token_usage.md'));
    const summary = tableIn(journal, 'Usage Summary');
    expect(summary.at(-1)).toEqual(['TOTAL', '', '1', '2', '2,700', '1,100', '3,800', '1,900', '$0.0199']);
    expect(tableIn(journal, 'Recent Sessions')[1]).toEqual(['sess-42', '2026-11-24 09:00:00 UTC', 'active', 'openai/gpt-4o +1 more', '2', '3,800', '$0.0199']);
  });

  it('refuses bad numbers with exit 2 and leaves every file unchanged', async () => {
    await tokj(cwd, ['record', '10', '5'], { env: NOW });
    const before = snapshotFiles(root);
    const cases: string[][] = [
      ['record', 'abc', '800'],
      ['record', '1,500', '800'],
      ['record', '1.5', '800'],
      ['record', '', '800'],
      ['record', '--', '-5', '800'],
      ['record', '9007199254740992', '1'],
      ['record', '100', '50', '--cache-read', '101'],
      ['record', '100', '50', '--reasoning', '51'],
      ['record', '100', '50', '--attempt', '3/2'],
      ['record', '100', '50', '--bogus'],
      ['record', '100', '50', '--session', '../etc/passwd'],
      ['record', '100', '50', '--session', 'nope'],
      ['init', 'sess-42'],
      ['init', 'a/b'],
      ['init', 'x'.repeat(129)],
    ];
    for (const args of cases) {
      const r = await tokj(cwd, args, { env: NOW });
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr.length, args.join(' ')).toBeGreaterThan(10);
      expect(snapshotFiles(root), args.join(' ')).toEqual(before);
    }
    const r = await tokj(cwd, ['record', '1,500', '800']);
    expect(r.stderr).toContain('like 1500');
    const again = await tokj(cwd, ['init', 'sess-42']);
    expect(again.stderr).toContain('already active');
  });

  it('records a request id once', async () => {
    const first = await tokj(cwd, ['record', '100', '50', '--request-id', 'chatcmpl-1']);
    expect(first.exitCode).toBe(0);
    const second = await tokj(cwd, ['record', '100', '50', '--request-id', 'chatcmpl-1']);
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain('Already recorded');
    expect(ledgerLines(root).filter((l) => l.type === 'call')).toHaveLength(1);
  });

  it('marks a model without a price as unpriced, never $0', async () => {
    const r = await tokj(cwd, ['record', '10', '5', 'openai', 'my-private-model', '--json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ cost_usd: null, price_source: null });
    expect(r.stderr).toContain('Custom Prices');
    const rows = tableIn(readMd(path.join(root, 'monitoring/sessions/sess-42.md')), 'Usage Tracking');
    expect(rows[1]?.[9]).toBe('n/a');
  });

  it('uses a custom price from the config table', async () => {
    const config = path.join(root, 'monitoring/token_collection_config.md');
    writeFileSync(config, `${readFileSync(config, 'utf8')}| openai | my-private-model | 2.00 | $8 | 0.5 | |\n`);
    const r = await tokj(cwd, ['record', '1000000', '1000000', 'openai', 'my-private-model', '--json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ cost_usd: '10', price_source: 'user:token_collection_config.md:openai/my-private-model' });
  });

  it('keeps pipes and newlines inside one table cell', async () => {
    const note = 'a | b\nsecond line <script>alert(1)</script> [x](javascript:alert(1))';
    await tokj(cwd, ['record', '10', '5', '--note', note]);
    const rows = tableIn(readMd(path.join(root, 'monitoring/sessions/sess-42.md')), 'Usage Tracking');
    expect(rows[1]).toHaveLength(11);
    expect(rows[1]?.[10]).toBe('a | b second line <script>alert(1)</script> [x](javascript:alert(1))');
    expect(ledgerLines(root).find((l) => l.type === 'call')?.note).toBe(note);
  });

  it('keeps what a person wrote around the tables', async () => {
    await tokj(cwd, ['record', '10', '5']);
    const file = path.join(root, 'monitoring/sessions/sess-42.md');
    const edited = readFileSync(file, 'utf8')
      .replace('## Usage Tracking\n', '## Usage Tracking\n\nMy note *before* the table, __kept__ as typed.\n')
      .concat('\n## My own section\n\n* a list\n* of things\n\n| mine | table |\n|---|---|\n| 1 | 2 |\n');
    writeFileSync(file, edited);
    await tokj(cwd, ['record', '20', '5']);
    const after = readFileSync(file, 'utf8');
    expect(after).toContain('My note *before* the table, __kept__ as typed.\n');
    expect(after).toContain('\n## My own section\n\n* a list\n* of things\n\n| mine | table |\n|---|---|\n| 1 | 2 |\n');
    expect(tableIn(readMd(file), 'Usage Tracking')).toHaveLength(3);
    await tokj(cwd, ['record', '30', '5']);
    expect(tableIn(readMd(file), 'Usage Tracking')).toHaveLength(4);
  });

  it('finalizes with completion, cost breakdown and efficiency metrics', async () => {
    await tokj(cwd, ['record', '1500', '800'], { env: NOW });
    await tokj(cwd, ['record', '1200', '300', 'anthropic', 'claude-sonnet-4-20250514'], { env: NOW });
    const r = await tokj(cwd, ['finalize', 'Completed successfully'], { env: { TOKJ_NOW: '2026-11-24T09:05:00Z' } });
    expect(r.exitCode).toBe(0);
    const md = readMd(path.join(root, 'monitoring/sessions/sess-42.md'));
    expect(listIn(md, 'Session Information').Status).toBe('completed');
    expect(listIn(md, 'Session Completion')).toMatchObject({ Status: 'completed', Notes: 'Completed successfully', Duration: '5m 0s' });
    const breakdown = tableIn(md, 'Cost Breakdown');
    expect(breakdown.slice(1).map((r) => r[6])).toEqual(['$0.0081', '$0.0118', '$0.0199']);
    expect(listIn(md, 'Efficiency Metrics')).toMatchObject({ 'Average Input Tokens per Call': '1,350', 'Input/Output Ratio': '2.45 : 1', 'Cost per 1K Tokens': '$0.005224' });
    const again = await tokj(cwd, ['finalize']);
    expect(again.exitCode).toBe(2);
  });

  it('finalizes a session with no calls without dividing by zero', async () => {
    const r = await tokj(cwd, ['finalize', '--status', 'failed', '--error', 'attempt 1/2: timeout', '--error', 'attempt 2/2: 429']);
    expect(r.exitCode).toBe(0);
    const text = readFileSync(path.join(root, 'monitoring/sessions/sess-42.md'), 'utf8');
    expect(text).not.toMatch(/NaN|Infinity/);
    const md = readMd(path.join(root, 'monitoring/sessions/sess-42.md'));
    expect(listIn(md, 'Efficiency Metrics')['Input/Output Ratio']).toBe('n/a (no output tokens)');
    expect(listIn(md, 'Session Completion')).toMatchObject({ Status: 'failed', 'Error 1 of 2': 'attempt 1/2: timeout', 'Error 2 of 2': 'attempt 2/2: 429' });
  });

  it('applies a ledger line a killed writer appended but never applied', async () => {
    await tokj(cwd, ['record', '10', '5'], { env: NOW });
    const [line] = ledgerLines(root).filter((l) => l.type === 'call');
    const ledger = path.join(root, 'monitoring/ledger/2026-11.test.jsonl');
    appendFileSync(ledger, `${JSON.stringify({ ...line, id: 'sess-42:2', input_tokens: 20, total_tokens: 25 })}\n`);
    const r = await tokj(cwd, ['record', '30', '5'], { env: NOW });
    expect(r.exitCode).toBe(0);
    const md = readMd(path.join(root, 'monitoring/sessions/sess-42.md'));
    expect(tableIn(md, 'Usage Tracking').map((row) => row[4])).toEqual(['Input Tokens', '10', '20', '30']);
    expect(listIn(md, 'Session Summary')['Total Calls']).toBe('3');
  });

  it('moves a torn last ledger line aside instead of dropping it', async () => {
    await tokj(cwd, ['record', '10', '5'], { env: NOW });
    const ledger = path.join(root, 'monitoring/ledger/2026-11.test.jsonl');
    appendFileSync(ledger, '{"type":"call","id":"sess-42:2","timest');
    const r = await tokj(cwd, ['record', '30', '5'], { env: NOW });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('cut short');
    expect(ledgerLines(root).filter((l) => l.type === 'call')).toHaveLength(2);
    expect(snapshotFiles(path.join(root, 'monitoring/ledger/torn'))).not.toEqual({});
  });

  it('status reports totals per model and agent', async () => {
    await tokj(cwd, ['record', '1500', '800']);
    await tokj(cwd, ['record', '100', '50', 'openai', 'gpt-4o-mini', '--agent', 'coder']);
    const r = await tokj(cwd, ['status', '--json']);
    const s = JSON.parse(r.stdout);
    expect(s.totals).toMatchObject({ calls: 2, input_tokens: 1600, output_tokens: 850 });
    expect(s.by_agent.map((a: { agent: string }) => a.agent).sort()).toEqual(['coder', 'planner']);
    expect(s.by_model).toHaveLength(2);
  });
});

describe('session resolution', () => {
  it('asks which session when several are active, and says how to start one when none is', async () => {
    const cwd = tempDir();
    await tokj(cwd, ['init', 'a', 'openai', 'gpt-4o']);
    const none = await tokj(cwd, ['finalize', '--session', 'a']);
    expect(none.exitCode).toBe(0);
    const r0 = await tokj(cwd, ['record', '1', '1']);
    expect(r0.exitCode).toBe(2);
    expect(r0.stderr).toContain('tokj init');
    await tokj(cwd, ['init', 'b', 'openai', 'gpt-4o']);
    await tokj(cwd, ['init', 'c', 'openai', 'gpt-4o']);
    const r = await tokj(cwd, ['record', '1', '1']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--session');
    const ok = await tokj(cwd, ['record', '1', '1'], { env: { TOKJ_SESSION: 'c' } });
    expect(ok.exitCode).toBe(0);
  });

  it('finds the nearest .ai_workflow walking up, and honours --dir', async () => {
    const cwd = tempDir();
    await tokj(cwd, ['init', 's', 'openai', 'gpt-4o']);
    const sub = path.join(cwd, 'deep');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(sub, 'er'), { recursive: true });
    expect((await tokj(path.join(sub, 'er'), ['record', '1', '1'])).exitCode).toBe(0);
    const other = tempDir();
    expect((await tokj(other, ['record', '1', '1', '--dir', path.join(cwd, '.ai_workflow')])).exitCode).toBe(0);
    expect(ledgerLines(path.join(cwd, '.ai_workflow')).filter((l) => l.type === 'call')).toHaveLength(2);
  });
});

describe('billing flags', () => {
  it('--tier, --batch, --tool and modality parts price and record like a payload would', async () => {
    const cwd = tempDir();
    await tokj(cwd, ['init', 'b', 'openai', 'gpt-4o-2024-08-06', '-q']);
    const priority = JSON.parse((await tokj(cwd, ['record', '1672', '1000', '--tier', 'priority', '--json'])).stdout);
    expect(priority).toMatchObject({ cost_usd: '0.024106', service_tier: 'priority' });
    const batch = JSON.parse((await tokj(cwd, ['record', '1000', '1000', '--batch', '--json'])).stdout);
    expect(batch).toMatchObject({ cost_usd: '0.00625', batch: true });
    const tools = JSON.parse((await tokj(cwd, ['record', '10', '10', 'anthropic', 'claude-sonnet-4-5', '--tool', 'web_search=2', '--json'])).stdout);
    expect(tools).toMatchObject({ tool_calls: { web_search: 2 }, token_cost_usd: '0.00018', tool_cost_usd: '0.02', cost_usd: '0.02018' });
    const audio = JSON.parse((await tokj(cwd, ['record', '64', '9', 'openai', 'gpt-4o-audio-preview-2024-12-17', '--audio-in', '44', '--json'])).stdout);
    expect(audio).toMatchObject({ audio_input_tokens: 44, cost_usd: '0.0019' });
    const plain = JSON.parse((await tokj(cwd, ['record', '10', '10', '--tier', 'default', '--json'])).stdout);
    expect(plain).not.toHaveProperty('service_tier');
  });

  it('refuses parts larger than their totals and malformed tools, writing nothing', async () => {
    const cwd = tempDir();
    await tokj(cwd, ['init', 'b', 'openai', 'gpt-4o', '-q']);
    const root = path.join(cwd, '.ai_workflow');
    const before = snapshotFiles(root);
    for (const args of [['--audio-in', '11'], ['--image-out', '6', '--reasoning', '5'], ['--tool', 'Web Search=1'], ['--tool', 'web_search=-1'], ['--tier', 'x y']]) {
      const r = await tokj(cwd, ['record', '10', '10', ...args]);
      expect(r.exitCode, args.join(' ')).toBe(2);
    }
    expect(snapshotFiles(root)).toEqual(before);
  });
});
