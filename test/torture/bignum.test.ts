/**
 * Big numbers: token counts up to 2^53-1 and costs in the millions (and billions) of dollars
 * keep exact totals in `record --json`, the ledger, `status --json` and the markdown. Beyond
 * that (a count of 2^53, or a total that would pass 2^53-1) the tool refuses with a clear
 * message and a non-zero exit, and writes nothing.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, snapshotFiles, tempDir } from '../helpers.js';
import { compareWithLedger, doctor, ledgerCalls, listIn, readMd, tokj, toolTable } from './support.js';

const MAX = Number.MAX_SAFE_INTEGER; // 9007199254740991
const MAX_TEXT = '9007199254740991';

/** A journal with custom prices (USD per 1M tokens) for a cheap and two expensive models. */
async function journal(session = 's', model = 'cheap'): Promise<{ cwd: string; root: string }> {
  const cwd = tempDir('tokj-torture-bignum-');
  const root = path.join(cwd, '.ai_workflow');
  const init = await tokj(cwd, ['init', session, 'openai', model, '-q']);
  expect(init.exitCode, init.stderr).toBe(0);
  appendFileSync(
    path.join(root, 'monitoring/token_collection_config.md'),
    ['| openai | cheap | 0.000001 | 0.000002 | | |', '| openai | pricey | 1000000 | 2000000 | | |', '| openai | odd | 1234567.891011 | 0.000001 | 0.5 | |', ''].join('\n'),
  );
  return { cwd, root };
}

/** n × (rate in $/1M with up to 6 decimals), exact, as a plain decimal string. */
function exactCost(parts: Array<[tokens: bigint, perMillion: string]>): string {
  // A rate of R millionths of a dollar per 1M tokens is R × 1e-12 dollars per token.
  let total = 0n;
  for (const [tokens, rate] of parts) {
    const [int = '0', frac = ''] = rate.split('.');
    total += tokens * BigInt(int + frac.padEnd(6, '0'));
  }
  const digits = total.toString().padStart(13, '0');
  const text = `${digits.slice(0, -12)}.${digits.slice(-12)}`.replace(/\.?0+$/, '');
  return text === '' ? '0' : text;
}

describe('big numbers', () => {
  it('a call of 2^53-1 input tokens: exact counts and cost in --json, ledger, status --json and markdown', async () => {
    const { cwd, root } = await journal();
    const r = await tokj(cwd, ['record', MAX_TEXT, '0', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const rec = JSON.parse(r.stdout);
    expect(rec).toMatchObject({ input_tokens: MAX, output_tokens: 0, total_tokens: MAX, cost_usd: exactCost([[BigInt(MAX), '0.000001']]) });
    expect(rec.cost_usd).toBe('9007.199254740991');
    expect(r.stdout).toContain(`"input_tokens":${MAX_TEXT},`);
    expect(ledgerCalls(root)).toEqual([rec]);
    const status = JSON.parse((await tokj(cwd, ['status', '--json'])).stdout);
    expect(status.totals).toMatchObject({ calls: 1, input_tokens: MAX, total_tokens: MAX, cost_usd: '9007.199254740991' });
    const md = readMd(path.join(root, 'monitoring/sessions/s.md'));
    expect(toolTable(md, 'Usage Tracking', 'Call')[1]![4]).toBe('9,007,199,254,740,991');
    expect(listIn(md, 'Session Summary')).toMatchObject({ 'Total Input Tokens': '9,007,199,254,740,991', 'Total Cost': '$9,007.20' });
    const total = toolTable(readMd(path.join(root, 'work_journal/token_usage.md')), 'Usage Summary', 'Provider').at(-1)!;
    expect(total.slice(3, 7)).toEqual(['1', '9,007,199,254,740,991', '0', '9,007,199,254,740,991']);
    expect(compareWithLedger(root)).toEqual([]);
    expect((await doctor(cwd)).exitCode).toBe(0);
  });

  it('two calls that sum to exactly 2^53-1 tokens, and zero-token calls after it, are fine', async () => {
    const { cwd, root } = await journal();
    const half = 4503599627370495; // 2 × half + 1 = 2^53-1
    expect((await tokj(cwd, ['record', String(half), '0'])).exitCode).toBe(0);
    const r = await tokj(cwd, ['record', String(half), '1', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect((await tokj(cwd, ['record', '0', '0'])).exitCode).toBe(0);
    const status = JSON.parse((await tokj(cwd, ['status', '--json'])).stdout);
    expect(status.totals).toMatchObject({ calls: 3, input_tokens: MAX - 1, output_tokens: 1, total_tokens: MAX, cost_usd: exactCost([[BigInt(MAX - 1), '0.000001'], [1n, '0.000002']]) });
    expect(ledgerCalls(root)).toHaveLength(3);
    expect(compareWithLedger(root)).toEqual([]);
    expect((await doctor(cwd)).exitCode).toBe(0);
  });

  it('costs in the millions and billions of dollars: exact strings, exact sums', async () => {
    const { cwd, root } = await journal('m', 'pricey');
    const costs: string[] = [];
    for (const [input, output, model] of [
      ['1000000', '1000000', 'pricey'],
      ['999999', '999999', 'pricey'],
      // Chosen so the session's total tokens end at exactly 2^53-1.
      ['9007199250740982', '1', 'odd'],
      ['7', '3', 'odd'],
    ] as const) {
      const r = await tokj(cwd, ['record', input, output, 'openai', model, '--json']);
      expect(r.exitCode, r.stderr).toBe(0);
      costs.push(JSON.parse(r.stdout).cost_usd);
    }
    expect(costs[0]).toBe('3000000');
    expect(costs[1]).toBe('2999997');
    expect(costs[2]).toBe(exactCost([[9007199250740982n, '1234567.891011'], [1n, '0.000001']]));
    expect(costs[2]).toBe('11119998982903153.526767112803');
    expect(costs[3]).toBe(exactCost([[7n, '1234567.891011'], [3n, '0.000001']]));
    const sum = exactCost([
      [1000000n, '1000000'],
      [1000000n, '2000000'],
      [999999n, '1000000'],
      [999999n, '2000000'],
      [9007199250740989n, '1234567.891011'],
      [4n, '0.000001'],
    ]);
    const status = JSON.parse((await tokj(cwd, ['status', '--json'])).stdout);
    expect(status.totals.cost_usd).toBe(sum);
    expect(status.totals).toMatchObject({ input_tokens: 9007199252740988, total_tokens: MAX });
    // People read dollars and cents; the ledger keeps every digit.
    const md = readMd(path.join(root, 'monitoring/sessions/m.md'));
    expect(listIn(md, 'Session Summary')['Total Cost']).toBe('$11,119,998,988,903,159.17');
    // A cost column has four decimals in every cell.
    expect(toolTable(md, 'Usage Tracking', 'Call').slice(1).map((r) => r[9])).toEqual(['$3,000,000.0000', '$2,999,997.0000', '$11,119,998,982,903,153.5268', '$8.6420']);
    const total = toolTable(readMd(path.join(root, 'work_journal/token_usage.md')), 'Usage Summary', 'Provider').at(-1)!;
    expect(total[8]).toBe('$11,119,998,988,903,159.1687');
    expect(compareWithLedger(root)).toEqual([]);
    expect((await doctor(cwd)).exitCode).toBe(0);
  });

  it('counts of 2^53 and more are refused (exit 2 or 3) with a clear message, nothing written', async () => {
    const { cwd, root } = await journal();
    expect((await tokj(cwd, ['record', '5', '5'])).exitCode).toBe(0);
    const before = snapshotFiles(root);
    const usage = (prompt: string, completion: string, total: string): string =>
      `{"id":"chatcmpl-big","object":"chat.completion","model":"cheap","choices":[],"usage":{"prompt_tokens":${prompt},"completion_tokens":${completion},"total_tokens":${total}}}`;
    const cases: Array<{ args: string[]; input?: string; code: number; message: RegExp }> = [
      { args: ['record', '9007199254740992', '0'], code: 2, message: /2\^53-1/ },
      { args: ['record', '0', '9007199254740992'], code: 2, message: /2\^53-1/ },
      { args: ['record', '99999999999999999999999', '0'], code: 2, message: /2\^53-1/ },
      { args: ['record', MAX_TEXT, '1'], code: 2, message: /2\^53-1/ },
      { args: ['record', '10', '1', '--cache-read', '9007199254740992'], code: 2, message: /2\^53-1/ },
      { args: ['auto-collect'], input: usage('9007199254740992', '1', '9007199254740993'), code: 3, message: /safe integer/ },
      { args: ['auto-collect'], input: usage(MAX_TEXT, '1', '9007199254740992'), code: 3, message: /safe integer/ },
      { args: ['auto-collect'], input: usage('1e300', '1', '1e300'), code: 3, message: /nothing was recorded/ },
      { args: ['auto-collect'], input: usage('-5', '1', '-4'), code: 3, message: /nothing was recorded/ },
      {
        args: ['import', '-'],
        input: `${JSON.stringify({ session: 'imp', timestamp: '2026-01-01T00:00:00Z', provider: 'openai', model: 'cheap', input_tokens: 9007199254740992, output_tokens: 0 })}\n`,
        code: 3,
        message: /line 1/,
      },
    ];
    for (const c of cases) {
      const label = `${c.args.join(' ')} ${c.input?.slice(0, 120) ?? ''}`;
      const r = await tokj(cwd, c.args, c.input === undefined ? {} : { input: c.input });
      expect(r.exitCode, `${label}: ${r.stderr}`).toBe(c.code);
      expect(r.stderr, label).toMatch(c.message);
      expect(snapshotFiles(root), label).toEqual(before);
    }
  });

  // REGRESSION (was a product bug, fixed) (severe): a call whose counts are each valid but that would push a running
  // total past 2^53-1 (session or journal: here 2^53-1 tokens recorded, then `record 1 0`) is
  // appended to the ledger first and only then applied: src/app/txn.ts append() writes the
  // line (the commit point), apply() -> src/core/totals.ts addCall() -> safeAdd() throws
  // "total input tokens would exceed 2^53-1" (exit 3). The refused call is now in the ledger,
  // and every later command replays it and fails the same way: record, status, finalize and
  // even doctor exit 3 for good; the journal is bricked until someone edits the ledger by
  // hand. The check must run before the append (recordCalls / buildCallRecords in
  // src/app/record.ts, against the session and journal totals), and doctor must report, not
  // throw.
  it('a call that would push the session total past 2^53-1 is refused with nothing written', async () => {
    const { cwd, root } = await journal();
    expect((await tokj(cwd, ['record', MAX_TEXT, '0'])).exitCode).toBe(0);
    const before = snapshotFiles(root);
    const r = await tokj(cwd, ['record', '1', '0']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/2\^53-1/);
    expect(snapshotFiles(root)).toEqual(before);
  });

  it('after a refused overflow the journal keeps working: status, doctor and a small record succeed', async () => {
    const { cwd } = await journal();
    expect((await tokj(cwd, ['record', MAX_TEXT, '0'])).exitCode).toBe(0);
    await tokj(cwd, ['record', '1', '0']);
    const status = await tokj(cwd, ['status', '--json']);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).totals.input_tokens).toBe(MAX);
    expect((await doctor(cwd)).exitCode).toBe(0);
    expect((await tokj(cwd, ['record', '0', '0'])).exitCode).toBe(0);
  });

  it('a call that would push the journal total (across sessions) past 2^53-1 is refused with nothing written', async () => {
    const { cwd, root } = await journal('a');
    expect((await tokj(cwd, ['record', MAX_TEXT, '0', '--session', 'a'])).exitCode).toBe(0);
    expect((await tokj(cwd, ['init', 'b', 'openai', 'cheap', '-q'])).exitCode).toBe(0);
    const before = snapshotFiles(root);
    const r = await tokj(cwd, ['record', '1', '0', '--session', 'b']);
    expect(r.exitCode).not.toBe(0);
    expect(snapshotFiles(root)).toEqual(before);
    expect((await tokj(cwd, ['status', '--session', 'b'])).exitCode).toBe(0);
  });

  // Same bug, reached from one provider response on a fresh journal: an Anthropic payload
  // with "input_tokens": 2^53-1 and "output_tokens": 29 passes the collector (each count is
  // safe, their sum is not checked), is appended with a total_tokens past 2^53-1, and the
  // journal is bricked as above (auto-collect exit 3, then every command exit 3).
  it('auto-collect of one response whose input + output exceeds 2^53-1: refused, nothing written, journal still usable', async () => {
    const { cwd, root } = await journal('a', 'claude-sonnet-4-5-20250929');
    const before = snapshotFiles(root);
    const body = readFileSync(path.join(repoRoot, 'test/fixtures/responses/anthropic-messages-basic.json'), 'utf8').replace(/"input_tokens": \d+/, `"input_tokens": ${MAX_TEXT}`);
    const r = await tokj(cwd, ['auto-collect'], { input: body });
    expect(r.exitCode).toBe(3);
    expect(snapshotFiles(root)).toEqual(before);
    expect((await tokj(cwd, ['status'])).exitCode).toBe(0);
  });
});
