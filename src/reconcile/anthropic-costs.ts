/**
 * Anthropic `GET /v1/organizations/cost_report` pages. `amount` is a decimal string in
 * cents, with fractional cents ("123.78912" is $1.2378912): shifted to dollars exactly
 * (times 0.01, big.js). With `group_by[]=description` a line names its model and token type
 * (`cost_type: "tokens"`); web search, code execution and session charges are other
 * charges. Without that grouping a line is the day's whole bill, of no particular model.
 * Priority Tier costs are not in this report (Anthropic's documentation says so).
 */
import { exactDecimal } from './exact-json.js';
import { dimsOf, shown, stringField, type JsonObject } from './fields.js';
import { ANTHROPIC_PAGE, pageReader } from './bucketed-page.js';
import { ReportError, type CostFact } from './types.js';

const CENT = '0.01';

export const ANTHROPIC_COST_DIMS = { workspace_id: 'workspace_id' } as const;

/** "Claude Sonnet 4 Usage - Input Tokens" -> "Claude Sonnet 4" (a display name; model-names.ts maps it). */
function modelFromDescription(description: string | null): string | null {
  const m = description === null ? null : /^(.+?) Usage - .*Tokens?\b/i.exec(description);
  return m ? m[1]! : null;
}

function costFact(r: JsonObject, date: string, where: string): CostFact {
  const cents = exactDecimal(r.amount);
  if (cents === null) throw new ReportError(`${where}: amount is ${shown(r.amount)}, not a decimal string of cents`);
  const currency = stringField(r, 'currency');
  if (currency !== null && currency.toUpperCase() !== 'USD') throw new ReportError(`${where}: the amount is in ${currency}; only US dollars can be held against the journal`);
  const costType = stringField(r, 'cost_type');
  const description = stringField(r, 'description');
  const model = stringField(r, 'model') ?? modelFromDescription(description);
  const tokens = costType === 'tokens' || (costType === null && (description === null || model !== null));
  return {
    kind: 'cost',
    provider: 'anthropic',
    date,
    charge: tokens ? 'tokens' : 'other',
    model: tokens ? model : null,
    label: description ?? costType ?? 'all charges (not grouped by description)',
    amount: cents.times(CENT),
    quantity: null,
    dims: dimsOf(r, ANTHROPIC_COST_DIMS),
  };
}

export const anthropicCosts = pageReader({
  id: 'anthropic-costs',
  describe: 'an Anthropic /v1/organizations/cost_report page',
  page: ANTHROPIC_PAGE,
  kind: 'cost',
  fact: costFact,
});
