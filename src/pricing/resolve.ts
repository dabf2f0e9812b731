/**
 * Model name -> price. Names arrive as users type them and as APIs report them
 * ("GPT-4o", "openai/gpt-4o", "gpt-4o-2024-08-06", "models/gemini-2.0-flash",
 * "claude-3-5-sonnet@20240620"), while LiteLLM keys the same model several ways
 * ("gpt-4o", "azure/gpt-4o", "gemini/gemini-2.5-pro", "vertex_ai/claude-…@…").
 *
 * Order of preference:
 * 1. a user price (user-prices.ts);
 * 2. the name as a table key, unless the call names another provider;
 * 3. names that denote the same model (exact key, any case, a provider prefix added or
 *    removed), from the hinted provider, then from the model maker's own API;
 * 4. derived names (a dated snapshot priced as its base, a Vertex @version as its base),
 *    hinted provider first, then the maker's own API;
 * 5. the same two steps for hosts and gateways (openrouter/, deepinfra/ …).
 * Within each class of provider a dated name found as such beats its base: prices change
 * between snapshots.
 * Nothing found -> null: the caller records the call as unpriced, never as $0.
 */
import { snapshotDate } from './table.js';
import type { MatchKind, PriceEntry, PriceTable, ResolvedPrice } from './types.js';
import { findUserPrice, type UserPrice } from './user-prices.js';
import {
  HOST_RANK,
  KNOWN_PROVIDERS,
  LOCAL_PROVIDERS,
  canonicalProvider,
  isRoutePrefix,
  providerMatch,
  providerRank,
  stripModelsPath,
  stripSnapshot,
  vertexVersionNames,
} from './names.js';

export interface ModelQuery {
  /** The provider the call went to, as configured or detected; may be a mere label. */
  provider?: string;
  model: string;
}

interface Indexed {
  key: string;
  entry: PriceEntry;
  /** Preference when no hint decides (names.ts providerRank); HOST_RANK and above = host. */
  rank: number;
}

interface ModelIndex {
  /** Lower-cased table key -> entries (keys differing only in case share a slot). */
  byKey: Map<string, Indexed[]>;
  /** Lower-cased key without its route prefix ("gemini/gemini-2.5-pro" -> "gemini-2.5-pro"). */
  byBare: Map<string, Indexed[]>;
  /** Route prefixes seen in the table (azure, bedrock, deepinfra, …). */
  prefixes: Set<string>;
}

const indexes = new WeakMap<PriceTable, ModelIndex>();

function push(map: Map<string, Indexed[]>, name: string, item: Indexed): void {
  const list = map.get(name);
  if (list) list.push(item);
  else map.set(name, [item]);
}

function indexTable(table: PriceTable): ModelIndex {
  const cached = indexes.get(table);
  if (cached) return cached;
  const index: ModelIndex = { byKey: new Map(), byBare: new Map(), prefixes: new Set() };
  for (const [key, entry] of Object.entries(table.entries)) {
    // Local runtimes (ollama/…) list models at $0: those calls are unpriced, not free.
    if (LOCAL_PROVIDERS.has(entry.litellm_provider) || typeof entry.input_cost_per_token !== 'string') continue;
    const lower = key.toLowerCase();
    const slash = lower.indexOf('/');
    const segment = slash > 0 ? lower.slice(0, slash) : '';
    const prefixed = slash > 0 && isRoutePrefix(segment, entry.litellm_provider);
    const item: Indexed = { key, entry, rank: providerRank(entry.litellm_provider, prefixed) };
    push(index.byKey, lower, item);
    if (prefixed) {
      push(index.byBare, lower.slice(slash + 1), item);
      index.prefixes.add(segment);
    }
  }
  indexes.set(table, index);
  return index;
}

interface Variant {
  name: string;
  kind: MatchKind;
}

interface ParsedQuery {
  model: string;
  explicit?: string;
  implied?: string;
  identity: Variant[];
  derived: Variant[];
}

function addVariant(list: Variant[], seen: Set<string>, name: string, kind: MatchKind): void {
  if (name.length === 0 || seen.has(name)) return;
  seen.add(name);
  list.push({ name, kind });
}

function parseQuery(query: ModelQuery, prefixes: ReadonlySet<string>): ParsedQuery {
  const model = query.model.trim();
  const explicit = query.provider?.trim() ? canonicalProvider(query.provider) : undefined;
  let implied: string | undefined;
  const seen = new Set<string>();
  const identity: Variant[] = [];
  addVariant(identity, seen, model.toLowerCase(), 'case');
  // Peel "<provider>/" and "models/" spellings, outermost first: "vertex_ai/gemini-2.5-pro",
  // "gemini/models/gemini-2.0-flash", "projects/…/publishers/google/models/gemini-2.5-pro".
  let rest = model.toLowerCase();
  for (let i = 0; i < 3; i++) {
    const path = stripModelsPath(rest);
    if (path) {
      implied ??= path.provider;
      rest = path.model;
      addVariant(identity, seen, rest, 'prefix');
      continue;
    }
    const slash = rest.indexOf('/');
    if (slash <= 0) break;
    const segment = canonicalProvider(rest.slice(0, slash));
    if (!KNOWN_PROVIDERS.has(segment) && !prefixes.has(segment)) break;
    implied ??= segment;
    rest = rest.slice(slash + 1);
    addVariant(identity, seen, rest, 'prefix');
  }
  // "name@version" is Vertex's spelling (gemini-2.5-pro@001, claude-3-5-sonnet@20240620).
  if (/[^/]@[^/@]+$/.test(rest)) implied ??= 'vertex_ai';
  const derived: Variant[] = [];
  for (const v of identity) {
    for (const name of vertexVersionNames(v.name)) {
      addVariant(derived, seen, name, 'vertex-version');
      const base = stripSnapshot(name);
      if (base) addVariant(derived, seen, base, 'vertex-version');
    }
    const base = stripSnapshot(v.name);
    if (base) addVariant(derived, seen, base, 'snapshot');
  }
  return { model, explicit, implied, identity, derived };
}

const KIND_RANK: Record<MatchKind, number> = { user: 0, exact: 1, case: 2, prefix: 3, 'vertex-version': 4, snapshot: 5 };

interface Candidate {
  item: Indexed;
  kind: MatchKind;
  tier: number;
  hintScore: number;
}

function score(q: ParsedQuery, item: Indexed, kind: MatchKind, derived: boolean): Candidate {
  // An explicit provider outweighs one implied by the model's prefix: OpenRouter's
  // "openai/gpt-4o" is priced as openrouter/openai/gpt-4o when the provider says openrouter.
  const e = q.explicit === undefined ? null : providerMatch(q.explicit, item.entry.litellm_provider);
  const i = q.implied === undefined ? null : providerMatch(q.implied, item.entry.litellm_provider);
  const hintScore = e !== null ? e : i !== null ? 2 + i : 9;
  const hinted = hintScore < 9;
  const maker = item.rank < HOST_RANK;
  const tier = derived ? (hinted ? 3 : maker ? 4 : 6) : hinted ? 1 : maker ? 2 : 5;
  return { item, kind, tier, hintScore };
}

function compare(a: Candidate, b: Candidate): number {
  return (
    a.tier - b.tier ||
    a.hintScore - b.hintScore ||
    KIND_RANK[a.kind] - KIND_RANK[b.kind] ||
    a.item.rank - b.item.rank ||
    a.item.key.length - b.item.key.length ||
    (a.item.key < b.item.key ? -1 : a.item.key > b.item.key ? 1 : 0)
  );
}

function found(table: PriceTable, key: string, entry: PriceEntry, matchedBy: MatchKind): ResolvedPrice {
  const price: ResolvedPrice = { key, entry, matchedBy, source: `litellm@${snapshotDate(table)}:${key}` };
  const base = stripSnapshot(key);
  const alias = base === null ? undefined : table.entries[base];
  if (base !== null && alias && alias.litellm_provider === entry.litellm_provider) price.alias = { key: base, entry: alias };
  return price;
}

/**
 * A table key, as given, is the best match unless the call names another provider (a name
 * that is a key is the most faithful spelling there is). It is also the common case, so it
 * is settled here without building the index, which costs a few ms per process and
 * `tokj record` runs after every call. Returns null for local providers, undefined when the
 * full search must decide.
 */
function exactKey(table: PriceTable, query: ModelQuery): ResolvedPrice | null | undefined {
  const model = query.model.trim();
  const explicit = query.provider?.trim() ? canonicalProvider(query.provider) : undefined;
  if (explicit !== undefined && LOCAL_PROVIDERS.has(explicit)) return null;
  if (!Object.hasOwn(table.entries, model)) return undefined;
  const entry = table.entries[model] as PriceEntry;
  if (LOCAL_PROVIDERS.has(entry.litellm_provider) || typeof entry.input_cost_per_token !== 'string') return undefined;
  const decided = explicit === undefined || providerMatch(explicit, entry.litellm_provider) === 0;
  return decided ? found(table, model, entry, 'exact') : undefined;
}

/**
 * The price for a model call, or null when nothing matches (record it as unpriced).
 * User prices win over the shipped table; local runtimes (ollama, LM Studio, …) are null.
 */
export function resolveModel(table: PriceTable, query: ModelQuery, overrides: readonly UserPrice[] = []): ResolvedPrice | null {
  if (query.model.trim() === '') return null;
  const user = findUserPrice(overrides, query);
  if (user) return user;
  const direct = exactKey(table, query);
  if (direct !== undefined) return direct;
  const index = indexTable(table);
  const q = parseQuery(query, index.prefixes);
  if ((q.explicit && LOCAL_PROVIDERS.has(q.explicit)) || (q.implied && LOCAL_PROVIDERS.has(q.implied))) return null;

  let best: Candidate | undefined;
  const consider = (c: Candidate): void => {
    if (!best || compare(c, best) < 0) best = c;
  };
  for (const v of q.identity) {
    for (const item of index.byKey.get(v.name) ?? []) {
      const kind: MatchKind = item.key === q.model ? 'exact' : v.kind;
      consider(score(q, item, kind, false));
    }
    for (const item of index.byBare.get(v.name) ?? []) consider(score(q, item, 'prefix', false));
  }
  for (const v of q.derived) {
    for (const item of [...(index.byKey.get(v.name) ?? []), ...(index.byBare.get(v.name) ?? [])]) {
      consider(score(q, item, v.kind, true));
    }
  }
  return best ? found(table, best.item.key, best.item.entry, best.kind) : null;
}

/** A table entry a model name denotes, as resolveModel weighs it. */
export interface NamedEntry {
  key: string;
  entry: PriceEntry;
  /** The provider a `<provider>/` prefix or `models/` path in the name implies, if any. */
  implied?: string;
  /** Preference when no hint decides (names.ts providerRank, providerClass). */
  rank: number;
}

/**
 * Every priced entry the name denotes, without a provider to choose among them: the names
 * that are the same model (any case, a provider prefix added or removed), else, when there
 * are none, the derived ones (a dated snapshot's base, a Vertex @version's base). Local
 * runtimes' $0 entries are never among them.
 */
export function entriesNamed(table: PriceTable, model: string): NamedEntry[] {
  if (model.trim() === '') return [];
  const index = indexTable(table);
  const q = parseQuery({ model }, index.prefixes);
  const out = new Map<string, NamedEntry>();
  const add = (item: Indexed): void => {
    if (!out.has(item.key)) out.set(item.key, { key: item.key, entry: item.entry, rank: item.rank, ...(q.implied ? { implied: q.implied } : {}) });
  };
  for (const v of q.identity) {
    for (const item of index.byKey.get(v.name) ?? []) add(item);
    for (const item of index.byBare.get(v.name) ?? []) add(item);
  }
  if (out.size > 0) return [...out.values()];
  for (const v of q.derived) for (const item of [...(index.byKey.get(v.name) ?? []), ...(index.byBare.get(v.name) ?? [])]) add(item);
  return [...out.values()];
}
