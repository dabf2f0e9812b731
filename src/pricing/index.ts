export { computeCost, computeCostUsd, longContextTier, validateUsage, type Cost, type CostParts } from './cost.js';
export { canonicalProvider } from './names.js';
export { resolveModel, type ModelQuery } from './resolve.js';
export { findPriceFile, loadPriceTable, parsePriceTable, snapshotDate } from './table.js';
export {
  TIER_THRESHOLDS,
  type MatchKind,
  type PriceEntry,
  type PriceMode,
  type PriceTable,
  type ResolvedPrice,
  type TierThreshold,
} from './types.js';
export { findUserPrice, parseUserPriceRow, userPriceToEntry, type UserPrice } from './user-prices.js';
