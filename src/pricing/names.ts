/**
 * Provider and model-name spellings: how users, SDKs and APIs write them, and how LiteLLM's
 * table keys them. Pure string functions; resolve.ts decides what to try in which order.
 */

/** Provider names as people and SDKs write them -> the name used as a hint. */
const PROVIDER_ALIASES: Record<string, string> = {
  google: 'gemini',
  'google-ai': 'gemini',
  google_ai: 'gemini',
  'google-ai-studio': 'gemini',
  googleai: 'gemini',
  vertex: 'vertex_ai',
  vertexai: 'vertex_ai',
  'vertex-ai': 'vertex_ai',
  'google-vertex': 'vertex_ai',
  google_vertex: 'vertex_ai',
  'azure-openai': 'azure',
  azure_openai: 'azure',
  azureopenai: 'azure',
  aws: 'bedrock',
  'aws-bedrock': 'bedrock',
  'amazon-bedrock': 'bedrock',
  amazon_bedrock: 'bedrock',
  'x-ai': 'xai',
  x_ai: 'xai',
  mistralai: 'mistral',
  together: 'together_ai',
  togetherai: 'together_ai',
  fireworks: 'fireworks_ai',
  'fireworks-ai': 'fireworks_ai',
  ollama_chat: 'ollama',
  'lm-studio': 'lmstudio',
  lm_studio: 'lmstudio',
  'llama.cpp': 'llamacpp',
  llama_cpp: 'llamacpp',
  hosted_vllm: 'vllm',
};

/** Providers that run models locally: no per-token price, so their calls are unpriced. */
export const LOCAL_PROVIDERS: ReadonlySet<string> = new Set(['ollama', 'lmstudio', 'llamacpp', 'vllm', 'local', 'localai']);

/** Provider names recognised as a `<provider>/` prefix on a model name, besides the table's own. */
export const KNOWN_PROVIDERS: ReadonlySet<string> = new Set([
  'openai',
  'anthropic',
  'gemini',
  'vertex_ai',
  'azure',
  'azure_ai',
  'bedrock',
  'mistral',
  'deepseek',
  'xai',
  'groq',
  'openrouter',
  'cohere',
  'together_ai',
  'fireworks_ai',
  ...LOCAL_PROVIDERS,
  ...Object.keys(PROVIDER_ALIASES),
]);

export function canonicalProvider(name: string): string {
  const lower = name.trim().toLowerCase();
  return PROVIDER_ALIASES[lower] ?? lower;
}

/** Entry providers counted as one family with a hint beyond the prefix rule below. */
const FAMILY: Record<string, readonly string[]> = {
  openai: ['text-completion-openai'],
  mistral: ['codestral', 'text-completion-codestral'],
};

/**
 * How well an entry's litellm_provider fits a provider hint: 0 the same provider, 1 the same
 * family (vertex_ai-language-models for vertex_ai, bedrock_converse for bedrock,
 * azure_ai for azure), null not at all.
 */
export function providerMatch(hint: string, litellmProvider: string): 0 | 1 | null {
  if (litellmProvider === hint) return 0;
  if (litellmProvider.startsWith(`${hint}-`) || litellmProvider.startsWith(`${hint}_`)) return 1;
  if (FAMILY[hint]?.includes(litellmProvider)) return 1;
  return null;
}

/**
 * Preference among entries when no hint decides: the model maker's own API first (their
 * prices are the list prices), then Vertex, then other unprefixed keys; hosts, clouds and
 * gateways (openrouter/, azure/, bedrock/, deepinfra/ ...) last.
 */
const MAKERS = [
  'openai',
  'anthropic',
  'gemini',
  'vertex_ai-language-models',
  'mistral',
  'deepseek',
  'xai',
  'groq',
  'text-completion-openai',
  'codestral',
  'cohere_chat',
  'cohere',
];
export const HOST_RANK = 100;

/**
 * The kind of seller a rank stands for: the model maker's own API (Google's two included),
 * another provider's own key for the model (Vertex's Claude, Bedrock's `anthropic.…` ids),
 * or a host or gateway reselling it.
 */
export function providerClass(rank: number): 'maker' | 'other' | 'host' {
  return rank < MAKERS.length ? 'maker' : rank < HOST_RANK ? 'other' : 'host';
}

export function providerRank(litellmProvider: string, prefixed: boolean): number {
  const i = MAKERS.indexOf(litellmProvider);
  if (i >= 0) return i;
  if (litellmProvider.startsWith('vertex_ai')) return 20;
  return prefixed ? HOST_RANK : 30;
}

const squashed = new Map<string, string>();
function squash(s: string): string {
  let out = squashed.get(s);
  if (out === undefined) {
    out = s.toLowerCase().replace(/[-_]/g, '');
    squashed.set(s, out);
  }
  return out;
}

/** Is `segment` the routing prefix of a table key with this provider (azure/ on azure_text)? */
export function isRoutePrefix(segment: string, litellmProvider: string): boolean {
  return segment.length > 0 && squash(litellmProvider).startsWith(squash(segment));
}

const SNAPSHOT_SUFFIX = /-(?:\d{4}-\d{2}-\d{2}|20\d{6})$/;

/** "gpt-4o-2024-08-06" -> "gpt-4o", "claude-sonnet-4-5-20250929" -> "claude-sonnet-4-5"; else null. */
export function stripSnapshot(model: string): string | null {
  const base = model.replace(SNAPSHOT_SUFFIX, '');
  return base !== model && base.length > 0 ? base : null;
}

/**
 * Vertex spells versions with `@`: "gemini-2.5-pro@001", "claude-3-5-sonnet@20240620".
 * Returns the names to try instead: the dated form Anthropic uses, then the base.
 */
export function vertexVersionNames(model: string): string[] {
  const at = model.lastIndexOf('@');
  if (at <= 0) return [];
  const base = model.slice(0, at);
  const version = model.slice(at + 1);
  return /^20\d{6}$/.test(version) ? [`${base}-${version}`, base] : [base];
}

/**
 * Gemini API and Vertex resource names: "models/gemini-2.0-flash" (Gemini API),
 * "projects/p/locations/l/publishers/google/models/gemini-2.5-pro" (Vertex). Returns the
 * bare model and the provider the spelling implies, or null.
 */
export function stripModelsPath(model: string): { model: string; provider: string } | null {
  const m = /^(?:(.*\/)?publishers\/[^/]+\/)?models\/([^/]+)$/.exec(model);
  if (!m?.[2]) return null;
  return { model: m[2], provider: model.startsWith('models/') ? 'gemini' : 'vertex_ai' };
}
