/**
 * Fees of server-side tools, charged per use on top of tokens. The price table's own fee
 * wins where it has one (a model's `search_context_cost_per_query`, the `tools` section:
 * container sessions, per-image prices); otherwise the shipped tool-fee table
 * (pricing/tool-fees.json, each row with its source page and date). A tool neither prices
 * is reported as unpriced, never as free.
 */
import Big from 'big.js';
import { type Money, ZERO, moneyToString, parseRate } from '../core/money.js';
import type { PriceTable, ResolvedPrice } from './types.js';

export interface ToolFeeRow {
  provider: string;
  tool: string;
  unit: string;
  usd: string;
  source: string;
  as_of: string;
  note?: string;
}

export interface ToolFeeTable {
  fees: ToolFeeRow[];
}

export interface ToolFee {
  tool: string;
  count: number;
  /** What one billed unit costs, and what this call's uses cost. */
  unitUsd: string;
  usd: string;
  source: string;
}

export interface ToolFees {
  totalUsd: string;
  fees: ToolFee[];
  /** Tools used that no table prices (their fee is missing from the cost). */
  unpriced: string[];
  rules: string[];
}

export interface ToolFeeContext {
  provider: string;
  price: ResolvedPrice | null;
  table: PriceTable;
  fees: ToolFeeTable;
}

/** Which provider's published fees apply: the model's maker, whoever served it. */
export function feeFamily(provider: string, price: ResolvedPrice | null): string {
  const name = `${price?.key ?? ''} ${price?.entry.litellm_provider ?? ''}`.toLowerCase();
  if (provider === 'anthropic' || name.includes('claude') || name.includes('anthropic')) return 'anthropic';
  if (provider === 'gemini' || provider === 'vertex_ai' || name.includes('gemini')) return 'gemini';
  return 'openai';
}

interface Unit {
  usd: Money;
  source: string;
  /** Billed units for `count` uses (Gemini 2.5 bills a grounded prompt once). */
  units: (count: number) => number;
  rule?: string;
}

function searchFromEntry(ctx: ToolFeeContext, tool: string): Unit | null {
  const per = ctx.price?.entry.search_context_cost_per_query;
  const medium = per?.search_context_size_medium ?? per?.search_context_size_low;
  if (!ctx.price || medium === undefined) return null;
  const perQuery = ctx.price.entry.web_search_billing_unit === 'per_query' || tool !== 'google_search';
  return {
    usd: parseRate(medium),
    source: `${ctx.price.source}.search_context_cost_per_query`,
    units: perQuery ? (n) => n : (n) => Math.min(n, 1),
    ...(perQuery ? {} : { rule: 'google_search: one fee per grounded prompt, whatever its number of queries (free daily allowance not deducted)' }),
  };
}

/** `image_generation:<quality>:<size>` -> the snapshot's per-image price of gpt-image-1. */
function imageFromTable(ctx: ToolFeeContext, tool: string): Unit | null {
  const [, quality = 'auto', size = 'auto'] = tool.split(':');
  const q = quality === 'auto' ? 'medium' : quality;
  const s = size === 'auto' ? '1024x1024' : size;
  const key = `${q}/${s.replace('x', '-x-')}/gpt-image-1`;
  const price = ctx.table.tools?.[key]?.cost_per_image;
  if (price === undefined) return null;
  const guessed = quality === 'auto' || size === 'auto' ? ' (quality or size "auto" priced as medium 1024x1024)' : '';
  return {
    usd: parseRate(price),
    source: `litellm tools:${key}`,
    units: (n) => n,
    rule: `image_generation: the image model's output is not in the payload; priced at gpt-image-1's per-image price${guessed}`,
  };
}

function unitFor(tool: string, ctx: ToolFeeContext): Unit | null {
  const family = feeFamily(ctx.provider, ctx.price);
  if (tool === 'web_search' || tool === 'google_search') {
    const own = searchFromEntry(ctx, tool);
    if (own) return own;
  }
  if (tool === 'code_interpreter') {
    const key = ctx.provider === 'azure' ? 'azure/container' : 'openai/container';
    const session = ctx.table.tools?.[key]?.code_interpreter_cost_per_session;
    if (session !== undefined) return { usd: parseRate(session), source: `litellm tools:${key}`, units: (n) => n };
  }
  if (tool.startsWith('image_generation')) return imageFromTable(ctx, tool);
  const row = ctx.fees.fees.find((r) => r.provider === family && r.tool === tool);
  if (!row) return null;
  const rule =
    tool === 'web_search' && family === 'openai'
      ? 'web_search: billed calls are the response\'s tool_usage count, else its search actions (open_page, find_in_page are not calls)'
      : tool === 'web_search_preview'
        ? 'web_search_preview: $25 per 1,000 calls; input tokens billed as reported (the free search content is not identified)'
        : tool === 'google_search'
          ? 'google_search: one fee per grounded prompt (free daily allowance not deducted)'
          : undefined;
  return {
    usd: parseRate(row.usd),
    source: `${row.source} (${row.as_of})`,
    units: tool === 'google_search' ? (n) => Math.min(n, 1) : (n) => n,
    ...(rule ? { rule } : {}),
  };
}

/** The fees of a call's tool uses; counts of 0 cost nothing and are skipped. */
export function toolFees(calls: Record<string, number>, ctx: ToolFeeContext): ToolFees {
  let total: Money = ZERO;
  const fees: ToolFee[] = [];
  const unpriced: string[] = [];
  const rules = new Set<string>();
  for (const [tool, count] of Object.entries(calls)) {
    if (count <= 0) continue;
    const unit = unitFor(tool, ctx);
    if (!unit) {
      unpriced.push(tool);
      continue;
    }
    const usd = unit.usd.times(new Big(unit.units(count)));
    total = total.plus(usd);
    fees.push({ tool, count, unitUsd: moneyToString(unit.usd), usd: moneyToString(usd), source: unit.source });
    if (unit.rule) rules.add(unit.rule);
  }
  return { totalUsd: moneyToString(total), fees, unpriced, rules: [...rules] };
}
