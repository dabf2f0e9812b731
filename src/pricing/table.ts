/**
 * Loads the price table shipped in the package (pricing/prices.json). No network: prices are
 * a dated snapshot, refreshed by hand with scripts/build-prices.mjs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, TokjError } from '../core/errors.js';
import type { ToolFeeTable } from './tool-fees.js';
import type { PriceTable } from './types.js';

const RELATIVE = join('pricing', 'prices.json');

let cached: PriceTable | undefined;

/** The shipped table, read once per process. */
export function loadPriceTable(): PriceTable {
  cached ??= parsePriceTable(readFileSync(findPriceFile(), 'utf8'));
  return cached;
}

/**
 * The CLI runs as one esbuild bundle (dist/tokj.js) while tests import src/pricing/table.ts,
 * so the file sits at a different depth in each case: walk up from this module until a
 * directory holds pricing/prices.json (the package root, installed or checked out).
 */
export function findPriceFile(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const candidate = join(dir, RELATIVE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new TokjError(
        `price table not found: no ${RELATIVE} above ${dirname(from)}; reinstall tokenjournal`,
        EXIT.internal,
        'price-table-missing',
      );
    }
    dir = parent;
  }
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
  cachedFees ??= parseToolFeeTable(readFileSync(join(dirname(findPriceFile()), 'tool-fees.json'), 'utf8'));
  return cachedFees;
}

export function parseToolFeeTable(text: string): ToolFeeTable {
  const data: unknown = JSON.parse(text);
  if (typeof data !== 'object' || data === null || !Array.isArray((data as ToolFeeTable).fees)) {
    throw new TokjError('tool fee table is malformed: expected { fees: [...] }; reinstall tokenjournal', EXIT.internal, 'tool-fees-malformed');
  }
  return data as ToolFeeTable;
}
