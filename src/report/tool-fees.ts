/**
 * The report's tool-fee line: the tool fees inside the total cost (ledger `tool_cost_usd`)
 * and the tool uses behind them. Only calls with tools carry these fields, so this sums a
 * few lines exactly with big.js; a ledger without them reports nothing new.
 */
import Big from 'big.js';
import type { Money } from '../core/money.js';

export interface ExportedToolFees {
  usd: string;
  calls: number;
  uses: Array<[tool: string, count: number]>;
}

export class ToolFeeTotals {
  usd: Money = new Big(0);
  /** Calls with a tool fee. */
  calls = 0;
  readonly uses = new Map<string, number>();

  /** Adds one call line's tool fields (ignored when absent or malformed). */
  addLine(toolCost: unknown, toolCalls: unknown): void {
    if (typeof toolCost === 'string') {
      try {
        this.usd = this.usd.plus(toolCost);
        this.calls++;
      } catch {
        // a hand-broken value: the line's cost_usd still counts; only the split is lost
      }
    }
    if (typeof toolCalls === 'object' && toolCalls !== null) {
      for (const [tool, n] of Object.entries(toolCalls)) if (Number.isSafeInteger(n) && (n as number) > 0) this.uses.set(tool, (this.uses.get(tool) ?? 0) + (n as number));
    }
  }

  exportFees(): ExportedToolFees {
    return { usd: this.usd.toString(), calls: this.calls, uses: [...this.uses] };
  }

  merge(part: ExportedToolFees): void {
    this.usd = this.usd.plus(part.usd);
    this.calls += part.calls;
    for (const [tool, n] of part.uses) this.uses.set(tool, (this.uses.get(tool) ?? 0) + n);
  }
}
