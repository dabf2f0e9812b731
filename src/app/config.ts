/**
 * monitoring/token_collection_config.md: settings and custom prices as GFM tables a person
 * edits. Read on every record, so its parse is cached by the file's fingerprint in
 * .state/config.json: an unchanged file costs a hash, not a markdown parse.
 */
import path from 'node:path';
import { readTextIfExists } from '../io/fs.js';
import { locateBlocks, type BlockSpec } from '../markdown/locate.js';
import { parseMarkdownLazily } from '../markdown/lazy-parse.js';
import { fingerprint } from '../core/fingerprint.js';
import { parseUserPriceRow, type UserPrice } from '../pricing/index.js';
import type { Layout } from './layout.js';
import { readJson, writeJson } from './state-store.js';

export const SETTINGS_HEADER = ['Key', 'Value', 'Description'];
export const PRICES_HEADER = ['Provider', 'Model', 'Input $/1M', 'Output $/1M', 'Cache read $/1M', 'Cache write $/1M'];

export const CONFIG_BLOCKS: BlockSpec[] = [
  { name: 'settings', section: 'Settings', kind: 'table', header: SETTINGS_HEADER },
  { name: 'prices', section: 'Custom Prices', kind: 'table', header: PRICES_HEADER },
];

export interface JournalConfig {
  settings: Record<string, string>;
  prices: UserPrice[];
  /**
   * Fingerprint of the config file (core/fingerprint.ts; absent when there is none): keys
   * caches derived from it. Named `sha` from when it was a SHA-1; stored in .state files.
   */
  sha?: string;
}

interface ConfigCache extends JournalConfig {
  sha: string;
}

const EMPTY: JournalConfig = { settings: {}, prices: [] };

export async function parseConfig(text: string, fileLabel: string): Promise<JournalConfig> {
  const located = locateBlocks(await parseMarkdownLazily(text), CONFIG_BLOCKS, fileLabel, text);
  const settings: Record<string, string> = {};
  for (const cells of located.rowCells.rows('settings') ?? []) {
    const key = (cells[0] ?? '').trim();
    if (key) settings[key] = (cells[1] ?? '').trim();
  }
  const prices = (located.rowCells.rows('prices') ?? [])
    .filter((cells) => cells.some((c) => c.trim() !== ''))
    .map((cells) => parseUserPriceRow(cells, path.basename(fileLabel)));
  return { settings, prices };
}

/** The journal's config; `readOnly` (--dry-run) leaves even the parse cache unwritten. */
export async function readConfig(layout: Layout, options: { readOnly?: boolean } = {}): Promise<JournalConfig> {
  const text = readTextIfExists(layout.configMd);
  if (text === null) return EMPTY;
  const sha = fingerprint(text);
  const cacheFile = path.join(layout.stateDir, 'config.json');
  const cached = readJson<ConfigCache>(cacheFile);
  if (cached?.sha === sha) return cached;
  const config = { ...(await parseConfig(text, path.relative(layout.root, layout.configMd))), sha };
  if (options.readOnly) return config;
  try {
    writeJson(cacheFile, config);
  } catch {
    // A cache we could not write is only a slower next run.
  }
  return config;
}
