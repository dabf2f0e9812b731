/** Metrics of what calls were billed for beyond tokens: tool uses and fees, calls by tier. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, tempDir, tokj } from '../helpers.js';

describe('metrics: tools and tiers', () => {
  it('exports tool uses and fees by gen_ai.tool.name and calls by tier, only once some call has them', async () => {
    const cwd = tempDir();
    await tokj(cwd, ['init', 's', 'openai', 'gpt-4o', '-q']);
    await tokj(cwd, ['record', '1000', '1000']);
    const plain = (await tokj(cwd, ['metrics'])).stdout;
    expect(plain).not.toMatch(/tokj_tool_|tokj_tier_/);
    await tokj(cwd, ['record', '1000', '1000', '--tier', 'flex']);
    await tokj(cwd, ['auto-collect', path.join(repoRoot, 'test/fixtures/responses/anthropic-messages-web-search.json')]);
    await tokj(cwd, ['auto-collect', path.join(repoRoot, 'test/fixtures/billing/anthropic-batch-results-sonnet-4-5.jsonl')]);
    const out = (await tokj(cwd, ['metrics'])).stdout;
    expect(out).toContain('tokj_tool_calls_total{gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet-4-20250514",gen_ai_tool_name="web_search"} 2');
    expect(out).toContain('tokj_tool_cost_usd_total{gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet-4-20250514",gen_ai_tool_name="web_search"} 0.02');
    expect(out).toContain('tokj_tier_calls_total{gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",tokj_service_tier="flex"} 1');
    expect(out).toContain('tokj_tier_calls_total{gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet-4-5-20250929",tokj_service_tier="batch"} 2');
  });
});
