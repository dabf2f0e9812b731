/**
 * "Did you mean …": the names in the price table closest to one it does not know ("gpt4o"
 * -> "gpt-4o"), by edit distance. Pure; the caller says it alongside "recorded as unpriced".
 */
import { LOCAL_PROVIDERS, canonicalProvider, isRoutePrefix, providerClass, providerMatch, providerRank } from './names.js';
import type { PriceTable } from './types.js';

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbouring characters ("gtp" for "gpt") each cost 1. Stops counting past `limit`
 * (returns limit + 1), so a long table is scanned cheaply.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      current.push(d);
      best = Math.min(best, d);
    }
    if (best > limit) return limit + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/** How many edits a suggestion may be away: 1 for names up to 9 characters, 2 up to 14, then 3. */
export function maxDistance(name: string): number {
  return Math.max(1, Math.min(3, Math.floor(name.length / 5)));
}

/**
 * The candidates closest to name (case-insensitive), if within maxDistance: only those at the
 * smallest distance found, shortest first, at most `max`.
 */
export function closestNames(name: string, candidates: Iterable<string>, max = 3): string[] {
  const target = name.trim().toLowerCase();
  const limit = maxDistance(target);
  const found = new Map<string, number>();
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    if (lower === target || found.has(candidate)) continue;
    const d = editDistance(target, lower, limit);
    if (d <= limit) found.set(candidate, d);
  }
  const nearest = Math.min(...found.values());
  return [...found]
    .filter(([, d]) => d === nearest)
    .sort(([a], [b]) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, max)
    .map(([n]) => n);
}

/** A table key without its route prefix ("gemini/gemini-2.5-pro" -> "gemini-2.5-pro"), or null when it has none. */
function withoutRoute(key: string, litellmProvider: string): string | null {
  const slash = key.indexOf('/');
  return slash > 0 && isRoutePrefix(key.slice(0, slash).toLowerCase(), litellmProvider) ? key.slice(slash + 1) : null;
}

/**
 * Model names a provider's calls can be priced under, without route prefixes; for a
 * provider the table does not know (or none), every model not sold through a host.
 * Fine-tunes (`ft:`) and local runtimes are left out.
 */
export function modelNamesOf(table: PriceTable, provider: string | undefined): string[] {
  const hint = provider === undefined || provider.trim() === '' ? undefined : canonicalProvider(provider);
  const of = (match: (litellmProvider: string, routed: boolean) => boolean): string[] => {
    const names = new Set<string>();
    for (const [key, entry] of Object.entries(table.entries)) {
      const bare = withoutRoute(key, entry.litellm_provider);
      if (key.startsWith('ft:') || LOCAL_PROVIDERS.has(entry.litellm_provider) || !match(entry.litellm_provider, bare !== null)) continue;
      names.add(bare ?? key);
    }
    return [...names];
  };
  const own = hint === undefined ? [] : of((lp) => providerMatch(hint, lp) !== null);
  if (own.length > 0) return own;
  return of((lp, routed) => providerClass(providerRank(lp, routed)) !== 'host');
}

/** Up to `max` models the price table knows that `model` is probably a misspelling of. */
export function similarModels(table: PriceTable, provider: string | undefined, model: string, max = 3): string[] {
  if (provider !== undefined && LOCAL_PROVIDERS.has(canonicalProvider(provider))) return [];
  const name = model.slice(model.lastIndexOf('/') + 1);
  return closestNames(name, modelNamesOf(table, provider), max);
}
