/**
 * Reading the billing parts out of payloads: tiers, modality lists, tool tallies, passes of
 * another model. Shared by the provider modules.
 */
import type { SubCall, Usage } from '../core/usage.js';
import { isObject, readCount, readLabel, sumCounts } from './counts.js';

/**
 * Tiers that change nothing are not recorded ("default", "auto", "standard", "on_demand"):
 * a call on the default tier reads exactly as before.
 */
export function reportedTier(value: unknown): string | undefined {
  const tier = readLabel(value)?.toLowerCase();
  if (!tier || ['default', 'auto', 'standard', 'on_demand', 'standard_only'].includes(tier)) return undefined;
  return tier;
}

/** The tier as Usage fields: `{ serviceTier }` for a tier that changes the price, else nothing. */
export function tierOf(value: unknown): Partial<Usage> {
  const tier = reportedTier(value);
  return tier ? { serviceTier: tier } : {};
}

/** Adds `n` uses of `tool` to a tally (nothing for 0). */
export function addTool(tally: Record<string, number>, tool: string, n: number): void {
  if (n > 0) tally[tool] = sumCounts(tally[tool] ?? 0, n);
}

/** Gemini-style modality lists: [{modality: 'AUDIO', tokenCount: 12}, …] -> count of one modality. */
export function modalityCount(list: unknown, modality: string, path: string): number {
  let total = 0;
  for (const item of Array.isArray(list) ? list : []) {
    if (isObject(item) && String(item.modality).toUpperCase() === modality) total = sumCounts(total, readCount(item, 'tokenCount', path) ?? 0);
  }
  return total;
}

/** A sub-inference pass of another model, from an Anthropic usage iteration. */
export function subCallOf(model: string, pass: { input: number; cacheRead: number; cacheWrite: number; output: number }): SubCall {
  return {
    model,
    inputTokens: sumCounts(pass.input, pass.cacheRead, pass.cacheWrite),
    outputTokens: pass.output,
    cacheReadTokens: pass.cacheRead,
    cacheWriteTokens: pass.cacheWrite,
  };
}
