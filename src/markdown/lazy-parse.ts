/**
 * The markdown parser (micromark and friends, most of the code) is loaded only when a view
 * must be parsed, so a record against current views never loads it. In the build it is
 * the separate bundle dist/parse.cjs, required at run time (the main bundle is compiled
 * through vm.Script for its code cache, where import() is not available); unbundled (tests)
 * it is an ordinary dynamic import.
 */
import { createRequire } from 'node:module';
import type { Root } from 'mdast';
import { cutsInsideTables, elideLongTables, restorePositions } from './elide.js';

declare const __TOKJ_BUNDLED__: boolean | undefined;

type ParseModule = { parseMarkdown(text: string): Root };

/** bin/tokj.cjs offers a loader that compiles a bundle with V8's code cache. */
type CachedRequire = (file: string) => unknown;

function requireBundle(name: string): unknown {
  const file = createRequire(import.meta.url).resolve(name);
  const cached = (globalThis as { __tokjRequireCached?: CachedRequire }).__tokjRequireCached;
  return cached ? cached(file) : createRequire(import.meta.url)(file);
}

export interface ParseOptions {
  /**
   * Parse tables of this many body rows and more without their middle rows (elide.ts):
   * for callers that need a table's span and row count, never its cells.
   */
  elideRowsFrom?: number;
}

export async function parseMarkdownLazily(text: string, options: ParseOptions = {}): Promise<Root> {
  const parser = typeof __TOKJ_BUNDLED__ === 'boolean' ? (requireBundle('./parse.cjs') as ParseModule) : ((await import('./parse.js')) as ParseModule);
  if (options.elideRowsFrom === undefined) return parser.parseMarkdown(text);
  const short = elideLongTables(text, options.elideRowsFrom);
  if (short.cuts.length === 0) return parser.parseMarkdown(text);
  const root = parser.parseMarkdown(short.text);
  // Only rows of real tables may be cut: lines that looked like rows but parse as something
  // else (a paragraph, code) mean the whole text is parsed after all.
  if (!cutsInsideTables(root, short.cuts)) return parser.parseMarkdown(text);
  restorePositions(root, short.cuts);
  return root;
}
