/**
 * Model families, for "the same model, cheaper" (report suggestions): what may stand in for a
 * model without changing what the person chose. Read from the name alone:
 *
 * - Anthropic by tier: `opus`, `sonnet`, `haiku` (claude-3-5-sonnet, claude-sonnet-4-5 and
 *   claude-sonnet-5 are one family; a Haiku is another product, not a cheaper Sonnet);
 * - OpenAI's o-series (o1, o3, o3-mini, o4-mini) is one family;
 * - otherwise the name up to its version: gpt-4o, gpt-4.1, gpt-5, gemini-2.5, so smaller
 *   sizes of one generation (-mini, -nano, -flash, -lite) are in it and other generations
 *   (gpt-3.5 for gpt-4o) are not. A name without a version is a family of its own.
 *
 * Besides the family: the generation (the version numbers, compared in order: claude-3-haiku
 * is older than claude-haiku-4-5), the special-purpose words that change what the model does
 * (audio, search, realtime, …: a search model does not replace a chat one), and whether it
 * is a preview or experiment (not a current model to move to).
 */
import { stripSnapshot } from './names.js';

const TIERS = new Set(['opus', 'sonnet', 'haiku']);
const PURPOSES = new Set(['audio', 'realtime', 'search', 'transcribe', 'tts', 'image', 'vision', 'codex', 'computer', 'research', 'chat', 'instruct', 'embedding', 'moderation', 'native', 'live']);
const UNSTABLE = new Set(['preview', 'exp', 'experimental', 'beta']);

export interface ModelFamily {
  family: string;
  /** Version numbers, most significant first ([4, 5] for claude-sonnet-4-5, [2, 5] for gemini-2.5-pro). */
  generation: number[];
  /** Special-purpose words of the name, sorted ("audio", "search,preview" has "search"). */
  purposes: string;
  /** A preview or experimental model. */
  unstable: boolean;
}

/** The family of a model name (a table key or a name as recorded). */
export function modelFamily(name: string): ModelFamily {
  let base = name.trim().toLowerCase();
  base = base.slice(base.lastIndexOf('/') + 1).replace(/@.*$/, '');
  base = stripSnapshot(base) ?? base;
  // Snapshot and date parts ("0613", "2025", "09", "latest") say nothing of the family.
  const words = base.split('-').filter((w) => w !== '' && w !== 'latest');
  const unstable = words.some((w) => UNSTABLE.has(w));
  const purposes = [...new Set(words.filter((w) => PURPOSES.has(w)))].sort().join(',');
  const kept = words.filter((w) => !/^\d{4,}$/.test(w) && !(unstable && /^\d{2}$/.test(w)));
  const tier = kept.find((w) => TIERS.has(w));
  if (tier !== undefined) {
    return { family: `${kept[0]}-${tier}`, generation: kept.filter((w) => /^\d{1,2}$/.test(w)).map(Number), purposes, unstable };
  }
  const o = /^o(\d+)$/.exec(kept[0] ?? '');
  if (o) return { family: 'o', generation: [Number(o[1])], purposes, unstable };
  const at = kept.findIndex((w) => /\d/.test(w));
  if (at < 0) return { family: kept.join('-'), generation: [], purposes, unstable };
  const generation = (kept[at]!.match(/\d+/g) ?? []).map(Number);
  return { family: kept.slice(0, at + 1).join('-'), generation, purposes, unstable };
}

/** Compares generations number by number (a missing number counts as 0): <0 older, 0 same, >0 newer. */
export function compareGenerations(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * May `alternative` stand in for `model`: the same family and purposes, not a preview, and
 * not of an older generation (an older model is on its way out, whatever the table says).
 */
export function canStandIn(model: string, alternative: string): boolean {
  const m = modelFamily(model);
  const a = modelFamily(alternative);
  return a.family === m.family && a.purposes === m.purposes && !a.unstable && compareGenerations(a.generation, m.generation) >= 0;
}
