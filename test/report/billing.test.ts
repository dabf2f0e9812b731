/** Reports over calls billed beyond tokens: --by tier and the tool-fee line. */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoRoot, tempDir, tokj } from '../helpers.js';

async function journal(): Promise<string> {
  const cwd = tempDir();
  await tokj(cwd, ['init', 's', 'openai', 'gpt-4o', '-q']);
  await tokj(cwd, ['record', '1000', '1000']);
  await tokj(cwd, ['record', '1672', '1000', '--tier', 'priority']);
  await tokj(cwd, ['auto-collect', path.join(repoRoot, 'test/fixtures/billing/openai-batch-output-o3-mini.jsonl')]);
  await tokj(cwd, ['auto-collect', path.join(repoRoot, 'test/fixtures/responses/anthropic-messages-web-search.json')]);
  return cwd;
}

describe('report: tiers and tool fees', () => {
  it('--by tier groups calls by the tier they were billed at; tool_fees says what part of the total tools are', async () => {
    const cwd = await journal();
    const r = await tokj(cwd, ['report', '--by', 'tier', '--format', 'json', '--tz', 'UTC']);
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const rows = Object.fromEntries(report.by.map((b: { key: string; calls: number; total_cost_usd: string }) => [b.key, [b.calls, b.total_cost_usd]]));
    // standard: gpt-4o 0.0125 + the Anthropic web search call 0.110354; batch: the three o3-mini lines.
    expect(rows).toEqual({ standard: [2, '0.122854'], priority: [1, '0.024106'], batch: [3, '0.00554015'] });
    expect(report.tool_fees).toEqual({ cost_usd: '0.02', calls: 1, uses: { web_search: 2 } });
    const md = await tokj(cwd, ['report', '--by', 'tier', '--output', path.join(cwd, 'r.md'), '--tz', 'UTC']);
    expect(md.exitCode, md.stderr).toBe(0);
    const text = readFileSync(path.join(cwd, 'r.md'), 'utf8');
    expect(text).toContain('**Tool Fees**: $0.02 of the total, 1 call (web_search 2)');
    expect(text).toContain('## Cost by Tier');
  });

  it('a ledger without tool fees has no tool_fees key and no Tool Fees line', async () => {
    const cwd = tempDir();
    await tokj(cwd, ['init', 's', 'openai', 'gpt-4o', '-q']);
    await tokj(cwd, ['record', '1000', '1000']);
    const report = JSON.parse((await tokj(cwd, ['report', '--format', 'json', '--tz', 'UTC'])).stdout);
    expect(report).not.toHaveProperty('tool_fees');
  });
});
