export { computeCost, computeCostUsd, longContextTier, validateUsage, type Cost, type CostParts } from './cost.js';
export { canonicalProvider } from './names.js';
export { entriesNamed, resolveModel, type ModelQuery, type NamedEntry } from './resolve.js';
export { closestNames, editDistance, modelNamesOf, similarModels } from './did-you-mean.js';
export { canStandIn, compareGenerations, modelFamily, type ModelFamily } from './family.js';
export { guessProvider, isProviderName, providerName, type ProviderGuess } from './provider-of.js';
export { billCall, type Bill, type BillContext, type PricedSubCall } from './bill.js';
export { findPriceFile, loadPriceTable, loadToolFeeTable, parsePriceTable, parseToolFeeTable, snapshotDate } from './table.js';
export { feeFamily, toolFees, type ToolFee, type ToolFeeRow, type ToolFeeTable, type ToolFees } from './tool-fees.js';
export {
  TIER_THRESHOLDS,
  type MatchKind,
  type PriceEntry,
  type PriceMode,
  type PriceTable,
  type ResolvedPrice,
  type ServiceSuffix,
  type ToolPrice,
  type TierThreshold,
} from './types.js';
export { findUserPrice, parseUserPriceRow, userPriceToEntry, type UserPrice } from './user-prices.js';
