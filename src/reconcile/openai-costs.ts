/**
 * OpenAI `/v1/organization/costs` pages: `amount.value` is US dollars as a JSON number (read
 * from its text, exactly: exact-json.ts). Costs have no model dimension: the model is inside
 * `line_item`, a label for people such as `gpt-4o-2024-08-06, input`, `ft-gpt-4o-2024-08-06,
 * output`, `evals | gpt-4o-mini-2024-07-18, input` (text before the last `, <part>`, after an
 * optional `<surface> | `). A line item that names no input or output (`assistants api | file
 * search`, web search, storage) is an other charge. Without `group_by=line_item` the line is
 * null and its amount is the day's whole bill: a token charge of no particular model.
 * `quantity` with `quantity_unit` tokens (or 1000_tokens) says how many tokens a line bills.
 */
import { exactDecimal, isRecord } from './exact-json.js';
import { dimsOf, shown, stringField, type JsonObject } from './fields.js';
import { OPENAI_PAGE, pageReader } from './bucketed-page.js';
import { ReportError, type CostFact, type CostQuantity } from './types.js';

export const OPENAI_COST_DIMS = { project_id: 'project_id', api_key_id: 'api_key_id' } as const;

type Part = keyof CostQuantity;

export interface LineItem {
  charge: 'tokens' | 'other';
  model: string | null;
  part: Part | null;
}

/** What an OpenAI `line_item` bills. */
export function parseLineItem(item: string | null): LineItem {
  if (item === null || item.trim() === '') return { charge: 'tokens', model: null, part: null };
  const m = /^(?:[^|]*\|\s*)?(.+),\s*([^,]+)$/.exec(item.trim());
  const partOf = (text: string): Part | null => (/cache/i.test(text) && /input|read/i.test(text) ? 'cache_read_tokens' : /input/i.test(text) ? 'input_tokens' : /output/i.test(text) ? 'output_tokens' : null);
  if (m) {
    const part = partOf(m[2]!);
    if (part !== null) return { charge: 'tokens', model: m[1]!.trim(), part };
  }
  // A label such as "input_tokens" bills tokens, of no model it names.
  if (!item.includes(',') && !item.includes('|') && /^(?:cached[ _])?(?:input|output)(?:[ _]tokens)?$/i.test(item.trim())) return { charge: 'tokens', model: null, part: partOf(item) };
  return { charge: 'other', model: null, part: null };
}

/** Tokens a line bills, when it says so in tokens; cached input counts as input too (the journal's meaning). */
function quantityOf(r: JsonObject, part: Part | null): CostQuantity | null {
  const q = exactDecimal(r.quantity);
  const unit = stringField(r, 'quantity_unit');
  if (q === null || part === null || (unit !== 'tokens' && unit !== '1000_tokens')) return null;
  const tokens = (unit === '1000_tokens' ? q.times(1000) : q).round(0).toNumber();
  const out: CostQuantity = { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0 };
  out[part] = tokens;
  if (part === 'cache_read_tokens') out.input_tokens = tokens;
  return out;
}

/** `amount: {value, currency}`, in dollars; another currency cannot be held against the journal. */
export function dollarsOf(r: JsonObject, where: string): CostFact['amount'] {
  const amount = r.amount;
  if (!isRecord(amount)) throw new ReportError(`${where}: no amount object`);
  const value = exactDecimal(amount.value);
  if (value === null) throw new ReportError(`${where}: amount.value is ${shown(amount.value)}, not a number of dollars`);
  const currency = amount.currency;
  if (currency !== undefined && currency !== null && String(currency).toLowerCase() !== 'usd') throw new ReportError(`${where}: the amount is in ${shown(currency)}; only US dollars can be held against the journal`);
  return value;
}

function costFact(r: JsonObject, date: string, where: string): CostFact {
  const label = stringField(r, 'line_item');
  const item = parseLineItem(label);
  return {
    kind: 'cost',
    provider: 'openai',
    date,
    charge: item.charge,
    model: item.model,
    label: label ?? 'all charges (not grouped by line_item)',
    amount: dollarsOf(r, where),
    quantity: quantityOf(r, item.part),
    dims: dimsOf(r, OPENAI_COST_DIMS),
  };
}

export const openAiCosts = pageReader({
  id: 'openai-costs',
  describe: 'an OpenAI /v1/organization/costs page',
  page: OPENAI_PAGE,
  kind: 'cost',
  fact: costFact,
});
