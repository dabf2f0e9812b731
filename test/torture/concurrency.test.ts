/**
 * Many writers at once: 16 processes recording into one session, 8 into their own
 * sessions, and one `auto-collect` of a 50-response JSON Lines batch, all started together.
 * Every call must land exactly once in the ledger, the session tables and the journal totals,
 * with exact totals, and `tokj doctor` must find nothing to fix.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { listIn, readMd, repoRoot, tableIn, tempDir } from '../helpers.js';
import { collectFromText } from '../../src/ingest/collector.js';
import { formatCount } from '../../src/core/money.js';
import { compareWithLedger, doctor, ledgerCalls, tokj, totalCostCell, totalCostText } from './support.js';

const fixtures = path.join(repoRoot, 'test/fixtures/responses');

/** ~50 single-response JSON Lines built from the success fixtures, each with its own request id. */
function buildBatch(size: number): { text: string; calls: Array<{ requestId: string; input: number; output: number }> } {
  const bodies: Array<Record<string, unknown>> = [];
  for (const f of readdirSync(fixtures).sort()) {
    if (!f.endsWith('.json') || f.startsWith('bad-')) continue;
    const obj = JSON.parse(readFileSync(path.join(fixtures, f), 'utf8')) as unknown;
    if (Array.isArray(obj) || typeof obj !== 'object' || obj === null) continue;
    const [outcome] = collectFromText(JSON.stringify(obj));
    // Responses that name their model and carry an id the collector uses as request id.
    if (!outcome?.ok || !outcome.call.model || !outcome.call.requestId) continue;
    bodies.push(obj as Record<string, unknown>);
  }
  expect(bodies.length).toBeGreaterThanOrEqual(10);
  const lines: string[] = [];
  for (let i = 0; i < size; i++) {
    const body = structuredClone(bodies[i % bodies.length]!);
    for (const key of ['id', 'responseId']) if (typeof body[key] === 'string') body[key] = `${body[key] as string}-torture-${i}`;
    // Groq names its request id in x_groq.id.
    const groq = body.x_groq as Record<string, unknown> | undefined;
    if (groq && typeof groq.id === 'string') groq.id = `${groq.id}-torture-${i}`;
    lines.push(JSON.stringify(body));
  }
  const text = `${lines.join('\n')}\n`;
  const outcomes = collectFromText(text);
  const calls = outcomes.map((o) => {
    if (!o.ok) throw new Error(`batch line ${o.index} did not parse: ${o.message}`);
    return { requestId: o.call.requestId!, input: o.call.inputTokens, output: o.call.outputTokens };
  });
  expect(calls).toHaveLength(size);
  expect(new Set(calls.map((c) => c.requestId)).size).toBe(size);
  return { text, calls };
}

describe('concurrency torture', () => {
  it('16 writers into one session, 8 into their own and a 50-call auto-collect batch, all at once: every call exactly once', async () => {
    const cwd = tempDir('tokj-torture-conc-');
    const root = path.join(cwd, '.ai_workflow');
    expect((await tokj(cwd, ['init', 'shared', 'openai', 'gpt-4o', '-q'])).exitCode).toBe(0);
    const own = Array.from({ length: 8 }, (_, i) => `own-${i + 1}`);
    for (const id of own) expect((await tokj(cwd, ['init', id, 'anthropic', 'claude-sonnet-4-20250514', '-q'])).exitCode).toBe(0);
    expect((await tokj(cwd, ['init', 'batch', 'openai', 'gpt-4o', '-q'])).exitCode).toBe(0);

    const PER_WRITER = 3;
    const batch = buildBatch(50);
    const expectedShared: Array<{ rid: string; input: number; output: number }> = [];
    const expectedOwn = new Map<string, Array<{ input: number; output: number }>>();
    const printed: Array<Record<string, unknown>> = [];
    const failures: string[] = [];
    const writers: Array<Promise<void>> = [];

    for (let w = 0; w < 16; w++) {
      const mine = Array.from({ length: PER_WRITER }, (_, i) => ({ rid: `shared-${w}-${i}`, input: 1000 + w * 10 + i, output: 100 + i }));
      expectedShared.push(...mine);
      writers.push(
        (async () => {
          for (const c of mine) {
            const r = await tokj(cwd, ['record', String(c.input), String(c.output), '--session', 'shared', '--request-id', c.rid, '--json']);
            if (r.exitCode !== 0) failures.push(`shared writer ${w}: exit ${r.exitCode}: ${r.stderr}`);
            else printed.push(JSON.parse(r.stdout) as Record<string, unknown>);
          }
        })(),
      );
    }
    own.forEach((id, w) => {
      const mine = Array.from({ length: PER_WRITER }, (_, i) => ({ input: 500 + w, output: 50 + i }));
      expectedOwn.set(id, mine);
      writers.push(
        (async () => {
          for (const c of mine) {
            const r = await tokj(cwd, ['record', String(c.input), String(c.output), '--session', id, '--json']);
            if (r.exitCode !== 0) failures.push(`${id}: exit ${r.exitCode}: ${r.stderr}`);
            else printed.push(JSON.parse(r.stdout) as Record<string, unknown>);
          }
        })(),
      );
    });
    writers.push(
      (async () => {
        const r = await tokj(cwd, ['auto-collect', '--session', 'batch', '--json'], { input: batch.text });
        if (r.exitCode !== 0) failures.push(`auto-collect: exit ${r.exitCode}: ${r.stderr}`);
        else printed.push(...r.stdout.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>));
      })(),
    );
    await Promise.all(writers);
    expect(failures).toEqual([]);

    // Ledger: each call once, and exactly the calls the processes reported.
    const calls = ledgerCalls(root);
    const total = 16 * PER_WRITER + 8 * PER_WRITER + 50;
    expect(calls).toHaveLength(total);
    expect(new Set(calls.map((c) => c.id)).size).toBe(total);
    expect(printed).toHaveLength(total);
    expect(new Set(printed.map((p) => p.id))).toEqual(new Set(calls.map((c) => c.id)));
    const rids = calls.map((c) => c.request_id).filter((r) => r !== null);
    expect(rids.sort()).toEqual([...expectedShared.map((c) => c.rid), ...batch.calls.map((c) => c.requestId)].sort());

    // Shared session: 48 rows numbered 1..48, the multiset of inputs exactly what was sent.
    const shared = readMd(path.join(root, 'monitoring/sessions/shared.md'));
    const rows = tableIn(shared, 'Usage Tracking').slice(1);
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 48 }, (_, i) => String(i + 1)));
    expect(rows.map((r) => r[4]).sort()).toEqual(expectedShared.map((c) => formatCount(c.input)).sort());
    const sharedIn = expectedShared.reduce((s, c) => s + c.input, 0);
    const sharedOut = expectedShared.reduce((s, c) => s + c.output, 0);
    // gpt-4o: $2.50 per 1M input, $10 per 1M output, exact.
    const sharedCost = new Big(sharedIn).times('0.0000025').plus(new Big(sharedOut).times('0.00001'));
    expect(listIn(shared, 'Session Summary')).toMatchObject({
      'Total Calls': '48',
      'Total Input Tokens': formatCount(sharedIn),
      'Total Output Tokens': formatCount(sharedOut),
      'Total Cost': totalCostText(calls.filter((c) => c.session === 'shared')),
    });
    const status = JSON.parse((await tokj(cwd, ['status', '--session', 'shared', '--json'])).stdout);
    expect(status.totals).toMatchObject({ calls: 48, input_tokens: sharedIn, output_tokens: sharedOut, cost_usd: sharedCost.toString() });

    // Own sessions: their three calls, in order.
    for (const [id, mine] of expectedOwn) {
      const r = tableIn(readMd(path.join(root, `monitoring/sessions/${id}.md`)), 'Usage Tracking').slice(1);
      expect(r.map((x) => [x[0], x[4], x[6]]), id).toEqual(mine.map((c, i) => [String(i + 1), formatCount(c.input), formatCount(c.output)]));
    }

    // The batch: 50 rows in the batch's order.
    const batchRows = tableIn(readMd(path.join(root, 'monitoring/sessions/batch.md')), 'Usage Tracking').slice(1);
    expect(batchRows.map((r) => [r[4], r[6]])).toEqual(batch.calls.map((c) => [formatCount(c.input), formatCount(c.output)]));

    // Journal totals: independent sums of what was sent.
    const allIn = sharedIn + [...expectedOwn.values()].flat().reduce((s, c) => s + c.input, 0) + batch.calls.reduce((s, c) => s + c.input, 0);
    const allOut = sharedOut + [...expectedOwn.values()].flat().reduce((s, c) => s + c.output, 0) + batch.calls.reduce((s, c) => s + c.output, 0);
    const journal = readMd(path.join(root, 'work_journal/token_usage.md'));
    const totalRow = tableIn(journal, 'Usage Summary').at(-1)!;
    expect(totalRow.slice(0, 6)).toEqual(['TOTAL', '', '10', formatCount(total), formatCount(allIn), formatCount(allOut)]);
    expect(totalRow[8]).toBe(totalCostCell(calls));
    expect(tableIn(journal, 'Recent Sessions').slice(1).map((r) => [r[0], r[4]]).sort()).toEqual(
      [['shared', '48'], ['batch', '50'], ...own.map((id) => [id, '3'])].sort(),
    );

    expect(compareWithLedger(root)).toEqual([]);
    const d = await doctor(cwd);
    expect(d.exitCode, d.out).toBe(0);
  });
});
