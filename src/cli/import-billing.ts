/**
 * The billing fields of an imported record (the shape `record --json` prints): what the
 * cost depends on beyond tokens, read back into Usage so an unpriced line is priced with
 * them, and the bill's parts kept beside a frozen cost so a round trip loses nothing.
 * A field of the wrong type refuses the line (exit 3), like every other import field.
 */
import { rejectedInput } from '../core/errors.js';
import type { Usage } from '../core/usage.js';
import type { PricedCall } from '../app/pricing.js';

const bad = (line: number, key: string, what: string): Error => rejectedInput(`line ${line}: "${key}" must be ${what}`, 'bad_import');
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function importBillingUsage(o: Record<string, unknown>, line: number, input: number, output: number, reasoning: number): Partial<Usage> {
  const u: Partial<Usage> = {};
  for (const [key, field] of [['service_tier', 'serviceTier'], ['inference_geo', 'inferenceGeo'], ['speed', 'speed']] as const) {
    if (o[key] === undefined) continue;
    if (typeof o[key] !== 'string') throw bad(line, key, 'a string');
    u[field] = o[key] as string;
  }
  if (o.batch !== undefined) {
    if (typeof o.batch !== 'boolean') throw bad(line, 'batch', 'true or false');
    if (o.batch) u.batch = true;
  }
  if (o.tool_calls !== undefined) {
    if (!isObject(o.tool_calls) || !Object.values(o.tool_calls).every(isCount)) throw bad(line, 'tool_calls', 'an object of whole counts, like {"web_search": 2}');
    u.toolCalls = { ...(o.tool_calls as Record<string, number>) };
  }
  const parts = [
    ['audio_input_tokens', 'audioInputTokens'],
    ['audio_output_tokens', 'audioOutputTokens'],
    ['image_input_tokens', 'imageInputTokens'],
    ['image_output_tokens', 'imageOutputTokens'],
  ] as const;
  for (const [key, field] of parts) {
    if (o[key] === undefined) continue;
    if (!isCount(o[key])) throw bad(line, key, 'a whole number of tokens');
    u[field] = o[key] as number;
  }
  if ((u.audioInputTokens ?? 0) + (u.imageInputTokens ?? 0) > input || (u.audioOutputTokens ?? 0) + (u.imageOutputTokens ?? 0) + reasoning > output) {
    throw rejectedInput(`line ${line}: audio and image tokens exceed the input or output they are part of`, 'bad_import');
  }
  return u;
}

/** The bill's parts a record carries beside its cost_usd, kept when the cost is frozen. */
export function importBillParts(o: Record<string, unknown>): Partial<PricedCall> {
  const p: Partial<PricedCall> = {};
  if (typeof o.token_cost_usd === 'string') p.token_cost_usd = o.token_cost_usd;
  if (typeof o.tool_cost_usd === 'string') p.tool_cost_usd = o.tool_cost_usd;
  if (isObject(o.tool_fees)) p.tool_fees = o.tool_fees as Record<string, string>;
  if (Array.isArray(o.sub_calls)) p.sub_calls = o.sub_calls as PricedCall['sub_calls'];
  if (Array.isArray(o.cost_rules) && o.cost_rules.every((r) => typeof r === 'string')) p.cost_rules = o.cost_rules as string[];
  return p;
}
