/**
 * What a call is billed for beyond its token totals (core/usage.ts): modality parts, the
 * service tier, a batch, server-side tool uses, sub-inferences. Kept apart from the token
 * rules so each provider module only says where these sit in its payload.
 */
import type { Usage } from '../core/usage.js';

/** The optional Usage fields, copied only when set: a plain call's record gains nothing. */
export function billingParts(usage: Usage): Partial<Usage> {
  const out: Partial<Usage> = {};
  for (const key of ['audioInputTokens', 'audioOutputTokens', 'imageInputTokens', 'imageOutputTokens'] as const) {
    if (usage[key]) out[key] = usage[key];
  }
  if (usage.serviceTier) out.serviceTier = usage.serviceTier;
  if (usage.batch) out.batch = true;
  if (usage.toolCalls && Object.keys(usage.toolCalls).length > 0) out.toolCalls = { ...usage.toolCalls };
  if (usage.inferenceGeo) out.inferenceGeo = usage.inferenceGeo;
  if (usage.speed) out.speed = usage.speed;
  if (usage.subCalls && usage.subCalls.length > 0) out.subCalls = usage.subCalls.map((s) => ({ ...s }));
  return out;
}

/** Problems with the parts: each must fit inside the total it belongs to. */
export function partProblems(usage: Usage): string[] {
  const problems: string[] = [];
  const inParts = (usage.audioInputTokens ?? 0) + (usage.imageInputTokens ?? 0);
  // Cached audio (Realtime) is part of the cache reads: modality parts may reach into them.
  if (inParts > usage.inputTokens) problems.push(`audio and image input ${inParts} exceed input ${usage.inputTokens}`);
  const outParts = (usage.audioOutputTokens ?? 0) + (usage.imageOutputTokens ?? 0) + usage.reasoningTokens;
  if (outParts > usage.outputTokens) problems.push(`audio and image output plus reasoning ${outParts} exceed output ${usage.outputTokens}`);
  for (const s of usage.subCalls ?? []) {
    if (s.inputTokens > usage.inputTokens || s.outputTokens > usage.outputTokens) problems.push(`the ${s.model} pass exceeds the call's totals`);
  }
  return problems;
}
