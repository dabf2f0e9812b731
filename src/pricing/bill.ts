/**
 * The whole bill of one call: its tokens at the rates in force (cost.ts), the passes of
 * other models inside it at their own rates (an Anthropic advisor), and its tool fees
 * (tool-fees.ts). `costUsd` is the sum; the parts say what it is made of.
 */
import { sumMoney } from '../core/decimal-sum.js';
import { moneyToString } from '../core/money.js';
import type { SubCall, Usage } from '../core/usage.js';
import { computeCost, computeCostUsd, isPlain } from './cost.js';
import { toolFees, type ToolFee, type ToolFeeTable } from './tool-fees.js';
import type { PriceTable, ResolvedPrice } from './types.js';

export interface PricedSubCall {
  model: string;
  input_tokens: number;
  output_tokens: number;
  cost_usd: string;
  price_source: string;
}

export interface Bill {
  costUsd: string;
  /** Only when the call has tool fees or sub-calls: the tokens' share of costUsd. */
  tokenCostUsd?: string;
  toolCostUsd?: string;
  toolFees?: ToolFee[];
  /** Tools used that no table prices: missing from costUsd. */
  unpricedTools?: string[];
  subCalls?: PricedSubCall[];
  rules?: string[];
}

export interface BillContext {
  provider: string;
  /** The tables tool fees come from; called only for a call with tool uses. */
  tables: () => { table: PriceTable; fees: ToolFeeTable };
  /** Prices another model of the same provider (a sub-call's). */
  resolve: (model: string) => ResolvedPrice | null;
}

/** The usage left to the call's own model once its sub-calls are taken out. */
function withoutSubCalls(usage: Usage, subs: readonly SubCall[]): Usage {
  const take = (total: number, pick: (s: SubCall) => number): number => total - subs.reduce((n, s) => n + pick(s), 0);
  const rest: Usage = {
    ...usage,
    inputTokens: take(usage.inputTokens, (s) => s.inputTokens),
    outputTokens: take(usage.outputTokens, (s) => s.outputTokens),
    cacheReadTokens: take(usage.cacheReadTokens, (s) => s.cacheReadTokens),
    cacheWriteTokens: take(usage.cacheWriteTokens, (s) => s.cacheWriteTokens),
  };
  delete rest.subCalls;
  if (rest.cacheWrite1hTokens !== undefined) rest.cacheWrite1hTokens = Math.min(rest.cacheWrite1hTokens, rest.cacheWriteTokens);
  rest.reasoningTokens = Math.min(rest.reasoningTokens, rest.outputTokens);
  return rest;
}

/** The bill, or null when a sub-call's model has no price (the call is then unpriced). */
export function billCall(price: ResolvedPrice, usage: Usage, ctx: BillContext): Bill | null {
  const subs = usage.subCalls ?? [];
  const own = subs.length > 0 ? withoutSubCalls(usage, subs) : usage;
  // A call of tokens alone (most of them, and every import) takes computeCostUsd's fast path.
  if (!usage.toolCalls && subs.length === 0 && isPlain(usage)) return { costUsd: computeCostUsd(price, usage) };
  const cost = computeCost(price, own);
  if (!usage.toolCalls && subs.length === 0) return { costUsd: cost.costUsd, ...(cost.rules ? { rules: cost.rules } : {}) };
  const rules = [...(cost.rules ?? [])];
  const priced: PricedSubCall[] = [];
  for (const s of subs) {
    const subPrice = ctx.resolve(s.model);
    if (!subPrice) return null;
    const subUsage: Usage = { inputTokens: s.inputTokens, outputTokens: s.outputTokens, cacheReadTokens: s.cacheReadTokens, cacheWriteTokens: s.cacheWriteTokens, reasoningTokens: 0 };
    priced.push({ model: s.model, input_tokens: s.inputTokens, output_tokens: s.outputTokens, cost_usd: computeCost(subPrice, subUsage).costUsd, price_source: subPrice.source });
  }
  const tokens = sumMoney([cost.costUsd, ...priced.map((p) => p.cost_usd)]);
  const tools = usage.toolCalls ? toolFees(usage.toolCalls, { provider: ctx.provider, price, ...ctx.tables() }) : null;
  rules.push(...(tools?.rules ?? []));
  const bill: Bill = {
    costUsd: moneyToString(tools ? tokens.plus(tools.totalUsd) : tokens),
    tokenCostUsd: moneyToString(tokens),
  };
  if (tools && tools.fees.length > 0) {
    bill.toolCostUsd = tools.totalUsd;
    bill.toolFees = tools.fees;
  }
  if (tools && tools.unpriced.length > 0) bill.unpricedTools = tools.unpriced;
  if (priced.length > 0) bill.subCalls = priced;
  if (rules.length > 0) bill.rules = rules;
  return bill;
}
