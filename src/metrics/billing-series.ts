/**
 * Counters of what calls were billed for beyond tokens, per (provider, model, agent): tool
 * uses and tool fees by tool, and calls by service tier (`batch` for batch results).
 * Kept apart from the token series so a ledger without these fields exports exactly the
 * metrics it did before: these families appear only once some call has them.
 */
import { DecimalSum, isDecimal } from '../core/decimal-sum.js';

export interface BillingKey {
  provider: string;
  model: string;
  agent: string | null;
}

export interface ToolSeries extends BillingKey {
  tool: string;
  uses: number;
  /** Fees of this tool, where the line splits them out (tool_fees). */
  fee: DecimalSum;
  priced: boolean;
}

export interface TierSeries extends BillingKey {
  tier: string;
  calls: number;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

export class BillingSeries {
  readonly tools = new Map<string, ToolSeries>();
  readonly tiers = new Map<string, TierSeries>();

  /** One valid call line; `id` names its (provider, model, agent) series. */
  accept(id: string, key: BillingKey, r: Record<string, unknown>): void {
    const tier = r.batch === true ? 'batch' : typeof r.service_tier === 'string' ? r.service_tier : null;
    if (tier !== null) {
      const tid = `${id}${tier.length}:${tier}`;
      const t = this.tiers.get(tid) ?? { ...key, tier, calls: 0 };
      t.calls += 1;
      this.tiers.set(tid, t);
    }
    const calls = r.tool_calls;
    if (typeof calls !== 'object' || calls === null) return;
    const fees = typeof r.tool_fees === 'object' && r.tool_fees !== null ? (r.tool_fees as Record<string, unknown>) : {};
    for (const [tool, n] of Object.entries(calls)) {
      if (!isCount(n)) continue;
      const sid = `${id}${tool.length}:${tool}`;
      const s = this.tools.get(sid) ?? { ...key, tool, uses: 0, fee: new DecimalSum(), priced: false };
      s.uses += n;
      const fee = fees[tool];
      if (isDecimal(fee)) {
        s.fee.addDecimal(fee);
        s.priced = true;
      }
      this.tools.set(sid, s);
    }
  }
}
