/**
 * The ledger fields of what a call's cost depends on beyond tokens (ledger/record.ts):
 * taken from its usage (tier, batch, tools, modalities) and its bill (the token/tool split,
 * sub-calls, rules). Each is set only when it applies, in a fixed order, so a plain call's
 * line is byte for byte what it was before these fields existed.
 */
import type { Usage } from '../core/usage.js';
import type { CallRecord } from '../ledger/record.js';
import type { PricedCall } from './pricing.js';

export type BillingFields = Pick<
  CallRecord,
  | 'service_tier'
  | 'batch'
  | 'tool_calls'
  | 'audio_input_tokens'
  | 'audio_output_tokens'
  | 'image_input_tokens'
  | 'image_output_tokens'
  | 'inference_geo'
  | 'speed'
  | 'token_cost_usd'
  | 'tool_cost_usd'
  | 'tool_fees'
  | 'sub_calls'
  | 'cost_rules'
>;

export function billingFields(u: Usage, priced: PricedCall): BillingFields {
  const f: BillingFields = {};
  if (u.serviceTier) f.service_tier = u.serviceTier;
  if (u.batch) f.batch = true;
  if (u.toolCalls && Object.keys(u.toolCalls).length > 0) f.tool_calls = { ...u.toolCalls };
  if (u.audioInputTokens) f.audio_input_tokens = u.audioInputTokens;
  if (u.audioOutputTokens) f.audio_output_tokens = u.audioOutputTokens;
  if (u.imageInputTokens) f.image_input_tokens = u.imageInputTokens;
  if (u.imageOutputTokens) f.image_output_tokens = u.imageOutputTokens;
  if (u.inferenceGeo) f.inference_geo = u.inferenceGeo;
  if (u.speed) f.speed = u.speed;
  if (priced.token_cost_usd !== undefined) f.token_cost_usd = priced.token_cost_usd;
  if (priced.tool_cost_usd !== undefined) f.tool_cost_usd = priced.tool_cost_usd;
  if (priced.tool_fees) f.tool_fees = priced.tool_fees;
  if (priced.sub_calls) f.sub_calls = priced.sub_calls;
  if (priced.cost_rules) f.cost_rules = priced.cost_rules;
  return f;
}
