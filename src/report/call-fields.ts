/** The fields of a parsed call line the report uses, checked, in a struct reused for every call. */
import type { CallRecord } from '../ledger/record.js';

/**
 * The fields of one call the report uses, refilled for every call (no allocation). Those it
 * uses as the line holds them are the ledger's own (CallRecord); the counts, read leniently
 * (absent is 0), and the cost, label and tier have names of their own.
 */
export interface CallFields extends Pick<CallRecord, 'timestamp' | 'session' | 'provider' | 'model' | 'agent' | 'operation' | 'attempt' | 'estimated'> {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  cacheWrite1h: number;
  reasoning: number;
  /** cost_usd as written: a decimal string, or null for unpriced. */
  cost: string | null;
  /** labels[KEY] for --by label:KEY; null when absent. */
  label: string | null;
  /** 'batch' for a batch result, else the recorded service_tier, else 'standard'. */
  tier: string;
}

export const emptyFields = (): CallFields => ({
  timestamp: '',
  session: '',
  provider: '',
  model: '',
  agent: null,
  operation: null,
  attempt: null,
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheWrite: 0,
  cacheWrite1h: 0,
  reasoning: 0,
  cost: null,
  estimated: false,
  label: null,
  tier: 'standard',
});

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
/** Absent counts are 0 (older lines); anything but a whole number >= 0 is -1 (unusable). */
const optionalCount = (v: unknown): number => (v === undefined || v === null ? 0 : isCount(v) ? v : -1);

/** Fills `f` from a parsed call entry; false when the entry is unusable. */
export function readCallFields(e: Record<string, unknown>, labelKey: string | null, f: CallFields): boolean {
  const { timestamp, session, provider, model, input_tokens: input, output_tokens: output, cost_usd: cost } = e;
  if (typeof timestamp !== 'string' || typeof session !== 'string' || typeof provider !== 'string' || typeof model !== 'string') return false;
  if (!isCount(input) || !isCount(output) || !(cost === null || cost === undefined || typeof cost === 'string')) return false;
  f.cacheRead = optionalCount(e.cache_read_tokens);
  f.cacheWrite = optionalCount(e.cache_write_tokens);
  f.cacheWrite1h = optionalCount(e.cache_write_1h_tokens);
  f.reasoning = optionalCount(e.reasoning_tokens);
  if (f.cacheRead < 0 || f.cacheWrite < 0 || f.cacheWrite1h < 0 || f.reasoning < 0) return false;
  f.timestamp = timestamp;
  f.session = session;
  f.provider = provider;
  f.model = model;
  f.input = input;
  f.output = output;
  f.cost = cost ?? null;
  f.agent = typeof e.agent === 'string' ? e.agent : null;
  f.operation = typeof e.operation === 'string' ? e.operation : null;
  f.attempt = typeof e.attempt === 'string' ? e.attempt : null;
  f.estimated = e.estimated === true;
  const labels = e.labels;
  const own = labelKey !== null && typeof labels === 'object' && labels !== null && Object.hasOwn(labels, labelKey) ? (labels as Record<string, unknown>)[labelKey] : undefined;
  f.label = typeof own === 'string' ? own : null;
  f.tier = e.batch === true ? 'batch' : typeof e.service_tier === 'string' ? e.service_tier : 'standard';
  return true;
}
