/**
 * `record`'s flags for what a call is billed for beyond tokens: --tier, --batch, --tool
 * NAME=N (repeatable), --audio-in/--audio-out/--image-in/--image-out N. They become the
 * same Usage fields auto-collect reads from payloads, so both price and record alike.
 */
import { usageError } from '../core/errors.js';
import type { Usage } from '../core/usage.js';
import { parseCount, parseOptionalCount } from './args.js';

export interface BillingFlags {
  tier?: string;
  batch?: boolean;
  tool?: string[];
  audioIn?: string;
  audioOut?: string;
  imageIn?: string;
  imageOut?: string;
}

const TIER = /^[a-z][a-z_]{0,31}$/;
/** web_search, code_interpreter, image_generation:low:1024x1024 … */
const TOOL = /^[a-z][a-z0-9_]{0,63}(:[a-z0-9_]{1,32}){0,2}$/;

export function parseBillingFlags(flags: BillingFlags, inputTokens: number, outputTokens: number, reasoningTokens: number): Partial<Usage> {
  const out: Partial<Usage> = {};
  if (flags.tier !== undefined) {
    const tier = flags.tier.trim().toLowerCase();
    if (!TIER.test(tier)) throw usageError(`--tier takes a tier name such as flex, priority or scale (got ${JSON.stringify(flags.tier)})`, 'bad_tier');
    // The default tier changes nothing and is not recorded, as with payloads.
    if (!['default', 'auto', 'standard'].includes(tier)) out.serviceTier = tier;
  }
  if (flags.batch) out.batch = true;
  const tools: Record<string, number> = {};
  for (const item of flags.tool ?? []) {
    const eq = item.lastIndexOf('=');
    const name = eq > 0 ? item.slice(0, eq) : item;
    if (!TOOL.test(name)) throw usageError(`--tool takes NAME=COUNT, like web_search=2 (got ${JSON.stringify(item)})`, 'bad_tool');
    const n = eq > 0 ? parseCount(item.slice(eq + 1), `--tool ${name}`) : 1;
    tools[name] = (tools[name] ?? 0) + n;
  }
  if (Object.values(tools).some((n) => n > 0)) out.toolCalls = Object.fromEntries(Object.entries(tools).filter(([, n]) => n > 0));
  const audioIn = parseOptionalCount(flags.audioIn, '--audio-in');
  const imageIn = parseOptionalCount(flags.imageIn, '--image-in');
  const audioOut = parseOptionalCount(flags.audioOut, '--audio-out');
  const imageOut = parseOptionalCount(flags.imageOut, '--image-out');
  if (audioIn + imageIn > inputTokens) throw usageError(`--audio-in plus --image-in (${audioIn + imageIn}) cannot exceed INPUT (${inputTokens}): they are parts of the input`, 'bad_count');
  if (audioOut + imageOut + reasoningTokens > outputTokens) {
    throw usageError(`--audio-out plus --image-out plus --reasoning (${audioOut + imageOut + reasoningTokens}) cannot exceed OUTPUT (${outputTokens}): they are parts of the output`, 'bad_count');
  }
  if (audioIn) out.audioInputTokens = audioIn;
  if (imageIn) out.imageInputTokens = imageIn;
  if (audioOut) out.audioOutputTokens = audioOut;
  if (imageOut) out.imageOutputTokens = imageOut;
  return out;
}
