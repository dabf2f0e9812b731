/**
 * Loads the price table shipped in the package (pricing/prices.json). No network: prices are
 * a dated snapshot, refreshed by hand with scripts/build-prices.mjs.
 */
import { dirname, join } from 'node:path';
import { EXIT, TokjError } from '../core/errors.js';
import { pathExists } from '../io/dir.js';
import { readText } from '../io/fs.js';
import { packageRoot } from '../io/package-root.js';
import type { ToolFeeTable } from './tool-fees.js';
import type { PriceTable } from './types.js';

const RELATIVE = join('pricing', 'prices.json');

let cached: PriceTable | undefined;

/** The shipped table, read once per process. */
export function loadPriceTable(): PriceTable {
  cached ??= parsePriceTable(readText(findPriceFile()));
  return cached;
}

/**
 * pricing/prices.json in the package root (io/package-root.ts) above `from`, by default
 * this module: dist/tokj.cjs when bundled, src/pricing/table.ts in tests.
 */
export function findPriceFile(from?: string): string {
  const root = packageRoot(from);
  const file = join(root, RELATIVE);
  if (!pathExists(file)) throw new TokjError(`price table not found: no ${RELATIVE} in ${root}; reinstall tokenjournal`, EXIT.internal, 'price-table-missing');
  return file;
}

/** Parses the text of pricing/prices.json, checking only its outline (it is built, not typed). */
export function parsePriceTable(text: string): PriceTable {
  const data: unknown = JSON.parse(text);
  if (
    typeof data !== 'object' ||
    data === null ||
    typeof (data as PriceTable).snapshot !== 'string' ||
    typeof (data as PriceTable).entries !== 'object' ||
    (data as PriceTable).entries === null
  ) {
    throw new TokjError('price table is malformed: expected { snapshot, entries }; reinstall tokenjournal', EXIT.internal, 'price-table-malformed');
  }
  return data as PriceTable;
}

/** "2026-07-24T18:23:43Z" -> "2026-07-24": the date named in each record's price source. */
export function snapshotDate(table: PriceTable): string {
  return table.snapshot.slice(0, 10);
}

let cachedFees: ToolFeeTable | undefined;

/** The shipped tool-fee table (pricing/tool-fees.json, beside prices.json), read once. */
export function loadToolFeeTable(): ToolFeeTable {
  cachedFees ??= parseToolFeeTable(readText(join(dirname(findPriceFile()), 'tool-fees.json')));
  return cachedFees;
}

export function parseToolFeeTable(text: string): ToolFeeTable {
  const data: unknown = JSON.parse(text);
  if (typeof data !== 'object' || data === null || !Array.isArray((data as ToolFeeTable).fees)) {
    throw new TokjError('tool fee table is malformed: expected { fees: [...] }; reinstall tokenjournal', EXIT.internal, 'tool-fees-malformed');
  }
  return data as ToolFeeTable;
}
