/**
 * One import record checked: a JSON Lines line of `tokj import` (the shape `record --json`
 * prints), or what an importer of another tool's logs yields. Every field is checked before
 * anything is written; a bad one refuses the whole import (exit 3) naming its line. The
 * billing fields (what the cost depends on beyond tokens) are read back into Usage so an
 * unpriced line is priced with them, and the bill's parts kept beside a frozen cost so a
 * round trip loses nothing.
 */
import { rejectedInput } from '../core/errors.js';
import { parseMoney } from '../core/money.js';
import type { Usage } from '../core/usage.js';
import { checkSessionId } from '../io/paths.js';
import type { PricedCall } from './pricing.js';
import type { CallInput } from './record.js';

/** One checked record: the session it belongs to, and the call as the record flow takes it. */
export interface ImportRow {
  session: string;
  provider: string;
  model: string;
  input: CallInput;
  timestamp: string;
}

const REQUIRED = ['session', 'timestamp', 'provider', 'model', 'input_tokens', 'output_tokens'] as const;

function count(obj: Record<string, unknown>, key: string, line: number, required: boolean): number {
  const v = obj[key];
  if (v === undefined || v === null) {
    if (required) throw rejectedInput(`line ${line}: "${key}" is required`, 'bad_import');
    return 0;
  }
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw rejectedInput(`line ${line}: "${key}" must be a whole number of tokens, 0 to 2^53-1 (got ${JSON.stringify(v)})`, 'bad_import');
  return v;
}

function optionalString(obj: Record<string, unknown>, key: string, line: number): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw rejectedInput(`line ${line}: "${key}" must be a string`, 'bad_import');
  return v;
}

export function parseImportLine(text: string, line: number): ImportRow {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    throw rejectedInput(`line ${line}: not JSON (${text.slice(0, 60)}…); nothing was imported`, 'bad_import');
  }
  return parseImportObject(obj, line);
}

/** Checks one record (a parsed line, or what an importer of another tool's logs yields). */
export function parseImportObject(obj: unknown, line: number): ImportRow {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw rejectedInput(`line ${line}: expected a JSON object`, 'bad_import');
  const o = obj as Record<string, unknown>;
  for (const key of REQUIRED) if (o[key] === undefined || o[key] === null || o[key] === '') throw rejectedInput(`line ${line}: "${key}" is required (required: ${REQUIRED.join(', ')})`, 'bad_import');
  const session = optionalString(o, 'session', line)!;
  try {
    checkSessionId(session);
  } catch (error) {
    throw rejectedInput(`line ${line}: ${(error as Error).message}`, 'bad_import');
  }
  const timestamp = optionalString(o, 'timestamp', line)!;
  const time = Date.parse(timestamp);
  if (Number.isNaN(time)) throw rejectedInput(`line ${line}: "timestamp" must be an ISO date-time (got ${JSON.stringify(timestamp)})`, 'bad_import');
  const inputTokens = count(o, 'input_tokens', line, true);
  const outputTokens = count(o, 'output_tokens', line, true);
  const cacheReadTokens = count(o, 'cache_read_tokens', line, false);
  const cacheWriteTokens = count(o, 'cache_write_tokens', line, false);
  const reasoningTokens = count(o, 'reasoning_tokens', line, false);
  const cacheWrite1hTokens = count(o, 'cache_write_1h_tokens', line, false);
  if (cacheWrite1hTokens > cacheWriteTokens) throw rejectedInput(`line ${line}: cache_write_1h_tokens exceed cache_write_tokens (they are part of them)`, 'bad_import');
  if (cacheReadTokens + cacheWriteTokens > inputTokens) throw rejectedInput(`line ${line}: cache tokens exceed input_tokens (they are part of it)`, 'bad_import');
  if (reasoningTokens > outputTokens) throw rejectedInput(`line ${line}: reasoning_tokens exceed output_tokens (they are part of it)`, 'bad_import');
  let frozen: CallInput['frozen'];
  if (o.cost_usd !== undefined) {
    const cost = o.cost_usd;
    if (cost !== null && (typeof cost !== 'string' || !isMoney(cost))) throw rejectedInput(`line ${line}: "cost_usd" must be an exact decimal string like "0.01175" or null`, 'bad_import');
    frozen = { cost_usd: cost as string | null, price_source: optionalString(o, 'price_source', line) ?? 'import', ...importBillParts(o) };
  }
  const labels = o.labels;
  if (labels !== undefined && (typeof labels !== 'object' || labels === null || Object.values(labels).some((v) => typeof v !== 'string'))) {
    throw rejectedInput(`line ${line}: "labels" must be an object of strings`, 'bad_import');
  }
  const provider = optionalString(o, 'provider', line)!;
  const model = optionalString(o, 'model', line)!;
  const iso = new Date(time).toISOString();
  return {
    session,
    provider,
    model,
    timestamp: iso,
    input: {
      provider,
      model,
      usage: {
        inputTokens,
        outputTokens,
        cacheReadTokens,
        cacheWriteTokens,
        reasoningTokens,
        ...(cacheWrite1hTokens > 0 ? { cacheWrite1hTokens } : {}),
        ...importBillingUsage(o, line, inputTokens, outputTokens, reasoningTokens),
      },
      agent: optionalString(o, 'agent', line),
      operation: optionalString(o, 'operation', line),
      attempt: optionalString(o, 'attempt', line),
      note: optionalString(o, 'note', line),
      requestId: optionalString(o, 'request_id', line),
      labels: labels as Record<string, string> | undefined,
      estimated: o.estimated === true,
      timestamp: iso,
      frozen,
    },
  };
}

function isMoney(text: string): boolean {
  try {
    return parseMoney(text).gte(0);
  } catch {
    return false;
  }
}

/** The records of a JSON Lines text, checked; `onProgress(done, total)` every 4096 lines. */
export function parseImportText(text: string, onProgress?: (done: number, total: number) => void): ImportRow[] {
  const rows: ImportRow[] = [];
  let line = 0;
  let done = 0;
  for (const row of text.split('\n')) {
    line += 1;
    done += row.length + 1;
    if (line % 4096 === 0) onProgress?.(done, text.length);
    if (row.trim() === '') continue;
    rows.push(parseImportLine(row, line));
  }
  return rows;
}

const bad = (line: number, key: string, what: string): Error => rejectedInput(`line ${line}: "${key}" must be ${what}`, 'bad_import');
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function importBillingUsage(o: Record<string, unknown>, line: number, input: number, output: number, reasoning: number): Partial<Usage> {
  const u: Partial<Usage> = {};
  for (const [key, field] of [['service_tier', 'serviceTier'], ['inference_geo', 'inferenceGeo'], ['speed', 'speed']] as const) {
    if (o[key] === undefined) continue;
    if (typeof o[key] !== 'string') throw bad(line, key, 'a string');
    u[field] = o[key] as string;
  }
  if (o.batch !== undefined) {
    if (typeof o.batch !== 'boolean') throw bad(line, 'batch', 'true or false');
    if (o.batch) u.batch = true;
  }
  if (o.tool_calls !== undefined) {
    if (!isObject(o.tool_calls) || !Object.values(o.tool_calls).every(isCount)) throw bad(line, 'tool_calls', 'an object of whole counts, like {"web_search": 2}');
    u.toolCalls = { ...(o.tool_calls as Record<string, number>) };
  }
  const parts = [
    ['audio_input_tokens', 'audioInputTokens'],
    ['audio_output_tokens', 'audioOutputTokens'],
    ['image_input_tokens', 'imageInputTokens'],
    ['image_output_tokens', 'imageOutputTokens'],
  ] as const;
  for (const [key, field] of parts) {
    if (o[key] === undefined) continue;
    if (!isCount(o[key])) throw bad(line, key, 'a whole number of tokens');
    u[field] = o[key] as number;
  }
  if ((u.audioInputTokens ?? 0) + (u.imageInputTokens ?? 0) > input || (u.audioOutputTokens ?? 0) + (u.imageOutputTokens ?? 0) + reasoning > output) {
    throw rejectedInput(`line ${line}: audio and image tokens exceed the input or output they are part of`, 'bad_import');
  }
  return u;
}

/** The bill's parts a record carries beside its cost_usd, kept when the cost is frozen. */
function importBillParts(o: Record<string, unknown>): Partial<PricedCall> {
  const p: Partial<PricedCall> = {};
  if (typeof o.token_cost_usd === 'string') p.token_cost_usd = o.token_cost_usd;
  if (typeof o.tool_cost_usd === 'string') p.tool_cost_usd = o.tool_cost_usd;
  if (isObject(o.tool_fees)) p.tool_fees = o.tool_fees as Record<string, string>;
  if (Array.isArray(o.sub_calls)) p.sub_calls = o.sub_calls as PricedCall['sub_calls'];
  if (Array.isArray(o.cost_rules) && o.cost_rules.every((r) => typeof r === 'string')) p.cost_rules = o.cost_rules as string[];
  return p;
}
