/**
 * A model name typed where the provider goes (`tokj record 1000 100 gpt-4o`): which provider
 * it belongs to, read from the price table. Pure; the CLI decides what to do with the answer.
 *
 * Rule: the sellers of the name are looked for among the model makers' own APIs first
 * (names.ts MAKERS: openai, anthropic, gemini, Vertex's Google models, mistral, …), then
 * other providers' own keys (Bedrock's `anthropic.claude-…`, Vertex's Claude), then hosts
 * and gateways; the first class that has any decides. One provider there: that is the
 * provider. Several (gemini-2.5-pro is sold by the Gemini API and by Vertex AI): ambiguous,
 * the person names it.
 */
import { closestNames, modelNamesOf } from './did-you-mean.js';
import { KNOWN_PROVIDERS, canonicalProvider, providerClass } from './names.js';
import { entriesNamed } from './resolve.js';
import type { PriceTable } from './types.js';

export type ProviderGuess =
  /** The word is a provider's name (or one the caller knows): nothing to guess. */
  | { kind: 'provider' }
  | { kind: 'model'; provider: string; model: string }
  | { kind: 'ambiguous'; model: string; providers: string[] }
  /** Neither a provider nor a model: the closest names of either, maybe none. */
  | { kind: 'unknown'; suggestions: string[] };

/**
 * LiteLLM's provider keys as people name the provider to tokj (a name that resolves back to
 * the same entries: names.ts providerMatch).
 */
export function providerName(litellmProvider: string): string {
  if (litellmProvider.startsWith('vertex_ai')) return 'vertex_ai';
  if (litellmProvider.startsWith('bedrock')) return 'bedrock';
  return PROVIDER_NAMES[litellmProvider] ?? litellmProvider;
}

const PROVIDER_NAMES: Record<string, string> = {
  'text-completion-openai': 'openai',
  codestral: 'mistral',
  'text-completion-codestral': 'mistral',
  cohere_chat: 'cohere',
  azure_text: 'azure',
};

const tableProviders = new WeakMap<PriceTable, Set<string>>();

/** Every provider the table names, as LiteLLM keys it and as people call it. */
function providersIn(table: PriceTable): Set<string> {
  let set = tableProviders.get(table);
  if (!set) {
    set = new Set<string>();
    for (const entry of Object.values(table.entries)) set.add(entry.litellm_provider.toLowerCase()).add(providerName(entry.litellm_provider));
    tableProviders.set(table, set);
  }
  return set;
}

/** Is this a provider's name: a known one, one in the table, or one of `also` (a session's, a custom price's)? */
export function isProviderName(table: PriceTable | null, word: string, also: Iterable<string> = []): boolean {
  const name = canonicalProvider(word);
  if (KNOWN_PROVIDERS.has(name)) return true;
  for (const other of also) if (canonicalProvider(other) === name) return true;
  return table !== null && providersIn(table).has(name);
}

/** What a word typed where the provider goes is. `also`: provider names known besides the table's. */
export function guessProvider(table: PriceTable, word: string, also: Iterable<string> = []): ProviderGuess {
  if (isProviderName(table, word, also)) return { kind: 'provider' };
  const model = word.trim();
  const named = entriesNamed(table, model);
  const implied = named.find((n) => n.implied !== undefined)?.implied;
  if (implied !== undefined) return { kind: 'model', provider: providerName(implied), model };
  for (const cls of ['maker', 'other', 'host'] as const) {
    const providers = [...new Set(named.filter((n) => providerClass(n.rank) === cls).map((n) => providerName(n.entry.litellm_provider)))].sort();
    if (providers.length === 1) return { kind: 'model', provider: providers[0]!, model };
    if (providers.length > 1) return { kind: 'ambiguous', model, providers };
  }
  return { kind: 'unknown', suggestions: closestNames(model, [...modelNamesOf(table, undefined), ...KNOWN_PROVIDERS]) };
}
