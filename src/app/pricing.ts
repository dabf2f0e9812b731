/**
 * Prices calls: user prices first, then the shipped table; a model with neither is
 * unpriced (never $0). Resolved entries are cached in .state/price-cache.json, keyed by
 * the price file's identity and the config's fingerprint (core/fingerprint.ts), so a
 * record for a model seen before never loads the 550 KB price table.
 */
import path from 'node:path';
import { fingerprint } from '../core/fingerprint.js';
import { openFile } from '../io/open-file.js';
import { billCall, findPriceFile, loadPriceTable, loadToolFeeTable, resolveModel, similarModels, snapshotDate, type PricedSubCall, type ResolvedPrice } from '../pricing/index.js';
import type { Usage } from '../core/usage.js';
import type { JournalConfig } from './config.js';
import { readJson, writeJson } from './state-store.js';

export interface PricedCall {
  /** The whole bill: tokens, sub-calls and tool fees. */
  cost_usd: string | null;
  price_source: string | null;
  /** Set only when the call has tool fees or sub-calls, so cost_usd has parts to show. */
  token_cost_usd?: string;
  tool_cost_usd?: string;
  /** USD by tool ("web_search": "0.02"). */
  tool_fees?: Record<string, string>;
  sub_calls?: PricedSubCall[];
  /** The rules a cost rests on where the tables or providers leave a choice. */
  cost_rules?: string[];
}

interface PriceCache {
  key: string;
  entries: Record<string, ResolvedPrice | null>;
}

export class PriceBook {
  private readonly file: string;
  private readonly cache: PriceCache;
  private dirty = false;

  constructor(stateDir: string, private readonly config: JournalConfig) {
    this.file = path.join(stateDir, 'price-cache.json');
    const key = `${priceFileIdentity()}:${config.sha ?? ''}`;
    const cached = readJson<PriceCache>(this.file);
    this.cache = cached?.key === key ? cached : { key, entries: {} };
  }

  resolve(provider: string, model: string): ResolvedPrice | null {
    const name = `${provider}\u0000${model}`;
    if (name in this.cache.entries) return this.cache.entries[name] ?? null;
    const resolved = resolveModel(loadPriceTable(), { provider, model }, this.config.prices);
    this.cache.entries[name] = resolved;
    this.dirty = true;
    return resolved;
  }

  price(provider: string, model: string, usage: Usage): PricedCall {
    const resolved = this.resolve(provider, model);
    if (!resolved) return { cost_usd: null, price_source: null };
    const bill = billCall(resolved, usage, {
      provider,
      // Only calls with tool uses load the tables (a cached record never parses prices.json).
      tables: () => ({ table: loadPriceTable(), fees: loadToolFeeTable() }),
      resolve: (m) => this.resolve(provider, m),
    });
    if (!bill) return { cost_usd: null, price_source: null };
    const priced: PricedCall = { cost_usd: bill.costUsd, price_source: resolved.source };
    if (bill.tokenCostUsd !== undefined) priced.token_cost_usd = bill.tokenCostUsd;
    if (bill.toolCostUsd !== undefined) priced.tool_cost_usd = bill.toolCostUsd;
    if (bill.toolFees) priced.tool_fees = Object.fromEntries(bill.toolFees.map((f) => [f.tool, f.usd]));
    if (bill.subCalls) priced.sub_calls = bill.subCalls;
    const rules = [...(bill.rules ?? []), ...(bill.unpricedTools ?? []).map((t) => `${t}: no fee known; not included in cost_usd`)];
    if (rules.length > 0) priced.cost_rules = rules;
    return priced;
  }

  /** Keeps what was resolved for the next run; a cache that cannot be written only costs time. */
  save(): void {
    if (!this.dirty) return;
    try {
      writeJson(this.file, this.cache);
      this.dirty = false;
    } catch {
      // next run resolves again
    }
  }
}

/**
 * Which price file this is, without parsing it: its size and its head, which names the
 * snapshot. (Not its mtime: a fresh clone must produce the same cache key.)
 */
function priceFileIdentity(): string {
  const file = openFile(findPriceFile());
  try {
    const head = Buffer.alloc(256);
    const n = file.read(head, 0, head.length, 0);
    return `${file.size()}-${fingerprint(head.toString('latin1', 0, n))}`;
  } finally {
    file.close();
  }
}

/** Unpriced, the names it may be a misspelling of ("gpt4o": gpt-4o), and how to add a price. */
export function unpricedHint(provider: string, model: string, configFile: string): string {
  const table = loadPriceTable();
  const near = similarModels(table, provider, model);
  const guess = near.length === 0 ? '' : `Did you mean ${near.join(' or ')}? `;
  return (
    `no price for ${provider}/${model} (price table: LiteLLM ${snapshotDate(table)}); recorded as unpriced. ${guess}` +
    `To price ${model}, add a row to the "Custom Prices" table in ${configFile} (Provider, Model, Input $/1M, Output $/1M).`
  );
}
