/**
 * Every billable line of test/fixtures/billing/expected.tsv through the built binary
 * (`tokj auto-collect --json`): the normalized usage and the exact cost, tool fees,
 * tiers, batches and modalities included. Rows whose cost the providers leave ambiguous
 * (`?`) are held to the rule README.md ("How costs are computed") documents, below.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { ledgerLines, readMd, repoRoot, snapshotFiles, tableIn, tempDir, tokj } from '../helpers.js';

const fixtures = path.join(repoRoot, 'test/fixtures/billing');
const rows = readFileSync(path.join(fixtures, 'expected.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split('\t'));

/** Payloads that name no model get it from the caller, as a user would pass it. */
const modelFor: Record<string, string> = {
  'openai-images-generate-docs.json': 'gpt-image-1.5',
  'openai-realtime-response-done-audio.json': 'gpt-realtime',
};

/**
 * The `?` rows, priced by the rules chosen (README, "Tool fees"):
 * - web_search: only `search` actions are billed calls (OpenAI web search guide: "Search
 *   actions incur a tool call cost"); open_page and find_in_page are not;
 * - web_search_preview on a non-reasoning model: $25 per 1,000 calls, tokens as reported;
 * - a payload's own count (`tool_usage.web_search.num_requests`) wins over counting items;
 * - image_generation: the snapshot's per-image price of gpt-image-1 at the item's quality
 *   and size (low, 1024x1024: $0.011).
 */
const chosen: Record<string, string> = {
  'openai-responses-web-search.json': '0.02163105',
  'azure-openai-responses-web-search-preview.json': '0.0547232',
  'openai-responses-web-search-cache-write.json': '0.0599625',
  'openai-responses-image-generation-tool.json': '0.01194555',
};

/** expected.tsv rows grouped by payload file, in file order. */
function byFile(): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  for (const row of rows) {
    const file = row[0]!.replace(/#.*$/, '');
    const list = out.get(file) ?? [];
    list.push(row);
    out.set(file, list);
  }
  return out;
}

const count = (text: string): number => (text === '-' ? 0 : Number(text));

async function journal(): Promise<{ cwd: string; root: string }> {
  const cwd = tempDir();
  await tokj(cwd, ['init', 'bill', 'openai', 'gpt-4o', '-q']);
  return { cwd, root: path.join(cwd, '.ai_workflow') };
}

describe('auto-collect prices every billing fixture exactly', () => {
  for (const [file, expected] of byFile()) {
    it(file, async () => {
      const { cwd, root } = await journal();
      const args = ['auto-collect', '--json', ...(modelFor[file] ? ['--model', modelFor[file]] : []), path.join(fixtures, file)];
      const r = await tokj(cwd, args);
      if (expected[0]![2] === 'ERROR') {
        // Expired batch lines are not billed: reported, not recorded, and not a failure.
        expect(r.exitCode, r.stderr).toBe(0);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(/2 batch lines not billed \(batch_expired: 2\)/);
        expect(ledgerLines(root).filter((l) => l.type === 'call')).toHaveLength(0);
        return;
      }
      expect(r.exitCode, r.stderr).toBe(0);
      const records = r.stdout.split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(records).toHaveLength(expected.length);
      expected.forEach(([name, model, input, output, read, write, reasoning, other, cost], i) => {
        const rec = records[i]!;
        expect(rec, name).toMatchObject({
          model: model === '-' ? modelFor[file] : model!.split(' ')[0],
          input_tokens: count(input!),
          output_tokens: count(output!),
          cache_read_tokens: count(read!),
          cache_write_tokens: count(write!),
          reasoning_tokens: count(reasoning!),
        });
        const want = cost === '?' ? chosen[file] : cost;
        expect(want, `${name}: a chosen cost`).toBeDefined();
        expect(new Big(rec.cost_usd as string).eq(new Big(want!)), `${name}: cost ${String(rec.cost_usd)}, want ${want}`).toBe(true);
        if (other!.includes('batch=true')) expect(rec.batch, name).toBe(true);
        const tier = /service_tier=(\w+)/.exec(other!)?.[1];
        if (tier && tier !== 'standard') expect(rec.service_tier, name).toBe(tier);
      });
      expect(ledgerLines(root).filter((l) => l.type === 'call')).toHaveLength(expected.length);
      if (file.endsWith('.jsonl')) {
        // A batch result file collected again records nothing new (custom_id + batch ids).
        const before = snapshotFiles(root);
        const again = await tokj(cwd, args);
        expect(again.exitCode, again.stderr).toBe(0);
        expect(again.stderr).toMatch(/Already recorded/);
        expect(ledgerLines(root).filter((l) => l.type === 'call')).toHaveLength(expected.length);
        expect(Object.keys(snapshotFiles(root)).filter((f) => f.includes('ledger/'))).toEqual(Object.keys(before).filter((f) => f.includes('ledger/')));
      }
    });
  }
});

describe('the ledger line carries what the cost depends on', () => {
  it('tool calls and the token/tool split of an Anthropic web search call', async () => {
    const { cwd } = await journal();
    const file = path.join(repoRoot, 'test/fixtures/responses/anthropic-messages-web-search.json');
    const r = await tokj(cwd, ['auto-collect', '--json', file]);
    expect(r.exitCode, r.stderr).toBe(0);
    const rec = JSON.parse(r.stdout) as Record<string, unknown>;
    // The figures: $0.090354 of tokens + 2 searches at $10 per 1,000.
    expect(rec).toMatchObject({ tool_calls: { web_search: 2 }, token_cost_usd: '0.090354', tool_cost_usd: '0.02', cost_usd: '0.110354' });
    expect(new Big(rec.cost_usd as string).eq(new Big(rec.token_cost_usd as string).plus(rec.tool_cost_usd as string))).toBe(true);
  });

  it('a plain call gains no new field', async () => {
    const { cwd } = await journal();
    const file = path.join(repoRoot, 'test/fixtures/responses/openai-chat-basic.json');
    const r = await tokj(cwd, ['auto-collect', '--json', file]);
    const rec = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const key of ['service_tier', 'batch', 'tool_calls', 'token_cost_usd', 'tool_cost_usd', 'audio_input_tokens', 'sub_calls', 'cost_rules']) {
      expect(rec, key).not.toHaveProperty(key);
    }
  });
});

describe('pricing show lists tier, batch, modality and tool rates', () => {
  it('a dated model with its alias\'s priority rates, the batch rule, and OpenAI tool fees', async () => {
    const cwd = tempDir();
    const r = await tokj(cwd, ['pricing', 'show', 'gpt-4o-2024-08-06', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const shown = JSON.parse(r.stdout);
    expect(shown.alias.key).toBe('gpt-4o');
    expect(shown.billing.tiers).toContainEqual({ tier: 'priority', input: '0.00000425', cacheRead: '0.000002125', output: '0.000017', rules: [] });
    expect(shown.billing.tiers.find((t: { tier: string }) => t.tier === 'batch')).toMatchObject({ input: '0.00000125', output: '0.000005' });
    expect(shown.billing.tools.map((t: { tool: string }) => t.tool)).toContain('file_search');
    const text = await tokj(cwd, ['pricing', 'show', 'gpt-realtime']);
    expect(text.stdout).toContain('audio input $32/1M, audio output $64/1M');
  });
});

describe('the session table shows tier, batch and tool fees in the Note cell', () => {
  it('notes them without new columns; rebuild and doctor agree', async () => {
    const { cwd, root } = await journal();
    await tokj(cwd, ['auto-collect', path.join(repoRoot, 'test/fixtures/responses/anthropic-messages-web-search.json')]);
    await tokj(cwd, ['auto-collect', path.join(fixtures, 'anthropic-batch-results-sonnet-4-5.jsonl')]);
    await tokj(cwd, ['auto-collect', path.join(fixtures, 'openai-responses-stream-flex.sse')]);
    await tokj(cwd, ['auto-collect', path.join(fixtures, 'anthropic-messages-advisor-iterations.json')]);
    const file = path.join(root, 'monitoring/sessions/bill.md');
    const rows = tableIn(readMd(file), 'Usage Tracking');
    expect(rows[0]).toHaveLength(11);
    expect(rows.slice(1).map((r) => r.at(-1))).toEqual([
      'tools $0.02 (web_search 2)',
      'batch',
      'batch',
      'tier flex',
      'incl. claude-opus-4-7 $0.03549',
    ]);
    const before = readFileSync(file, 'utf8');
    expect((await tokj(cwd, ['rebuild'])).exitCode).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(before);
    const doctor = await tokj(cwd, ['doctor']);
    expect(doctor.exitCode, doctor.stdout + doctor.stderr).toBe(0);
  });
});

describe('import keeps what the cost depends on', () => {
  it('a record line round-trips its billing fields; a line without a cost is priced with its tools and tier', async () => {
    const { cwd } = await journal();
    const collected = await tokj(cwd, ['auto-collect', '--json', path.join(repoRoot, 'test/fixtures/responses/anthropic-messages-web-search.json')]);
    const rec = JSON.parse(collected.stdout) as Record<string, unknown>;
    const other = tempDir();
    const unpriced = { session: 'imp', timestamp: '2026-11-24T09:00:00Z', provider: 'openai', model: 'gpt-4o-2024-08-06', input_tokens: 1672, output_tokens: 1000, service_tier: 'priority', tool_calls: { file_search: 2 } };
    const lines = [JSON.stringify({ ...rec, session: 'imp' }), JSON.stringify(unpriced)].join('\n');
    const r = await tokj(other, ['import', '-'], { input: lines });
    expect(r.exitCode, r.stderr).toBe(0);
    const calls = ledgerLines(path.join(other, '.ai_workflow')).filter((l) => l.type === 'call');
    expect(calls[0]).toMatchObject({ cost_usd: '0.110354', tool_calls: { web_search: 2 }, token_cost_usd: '0.090354', tool_cost_usd: '0.02', tool_fees: { web_search: '0.02' } });
    // 0.024106 at gpt-4o's priority rates + 2 file searches at $2.50 per 1,000.
    expect(calls[1]).toMatchObject({ service_tier: 'priority', tool_calls: { file_search: 2 }, cost_usd: '0.029106', tool_cost_usd: '0.005' });
    const broken = await tokj(other, ['import', '-'], { input: JSON.stringify({ ...unpriced, tool_calls: { web_search: -1 } }) });
    expect(broken.exitCode).toBe(3);
  });
});

describe('the Cost Breakdown', () => {
  it('names the tiers, batches and tool fees in a model’s cell, and only where there are some', async () => {
    const root = tempDir();
    await tokj(root, ['init', 's', 'anthropic', 'claude-sonnet-4-20250514']);
    for (const extra of [['--tool', 'web_search=2'], ['--tier', 'priority'], ['--batch'], ['openai', 'gpt-4o']]) {
      const r = await tokj(root, ['record', '1000', '100', ...extra]);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    expect((await tokj(root, ['finalize', 'done'])).exitCode).toBe(0);
    const file = path.join(root, '.ai_workflow', 'monitoring', 'sessions', 's.md');
    const rows = tableIn(readMd(file), 'Cost Breakdown').slice(1);
    expect(rows.map((r) => [r[1], r[6]])).toEqual([
      ['claude-sonnet-4-20250514 (batch 1, priority 1; tools $0.02)', '$0.0313'],
      ['gpt-4o', '$0.0035'],
      ['', '$0.0348'],
    ]);
    const before = readFileSync(file, 'utf8');
    expect((await tokj(root, ['rebuild'])).exitCode).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});
