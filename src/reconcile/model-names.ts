/**
 * One key per model however it is spelled, so the journal's calls and the provider's lines
 * meet: the journal often holds the alias a script asked for (`gpt-4o`,
 * `claude-sonnet-4-5`), the usage reports the dated snapshot that served it
 * (`gpt-4o-2024-08-06`, `claude-sonnet-4-5-20250929`), the Claude Console's cost export a
 * display name (`Claude Sonnet 4.5`). The spelling rules are the price table's
 * (src/pricing/names.ts): provider prefixes, `models/` paths, Vertex `@` versions, dated
 * suffixes. Both sides are mapped to the undated name; a day's snapshots of one alias are
 * therefore compared together, which is what the alias meant.
 */
import { canonicalProvider, KNOWN_PROVIDERS, stripModelsPath, stripSnapshot, vertexVersionNames } from '../pricing/names.js';

export function modelKey(name: string): string {
  let m = name.trim().toLowerCase();
  // "Claude Sonnet 4.5", "Claude 3.5 Sonnet": the consoles' display names.
  if (/\s/.test(m)) m = m.replace(/\./g, '-').replace(/\s+/g, '-');
  const path = stripModelsPath(m);
  if (path) m = path.model;
  for (;;) {
    const slash = m.indexOf('/');
    if (slash <= 0 || !KNOWN_PROVIDERS.has(canonicalProvider(m.slice(0, slash)))) break;
    m = m.slice(slash + 1);
  }
  m = vertexVersionNames(m)[0] ?? m;
  m = stripSnapshot(m) ?? m;
  // Moving aliases: "claude-3-7-sonnet-latest", "claude-sonnet-4-0" name the same model.
  if (m.startsWith('claude-')) m = m.replace(/-latest$/, '').replace(/(-\d+)-0$/, '$1');
  return m;
}

/** The name a row shows: the one spelling both sides used, else the key they share. */
export function displayModel(key: string, spellings: Iterable<string>): string {
  const distinct = new Set(spellings);
  return distinct.size === 1 ? [...distinct][0]! : key;
}
