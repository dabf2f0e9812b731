/**
 * One line of a Claude Code transcript (`~/.claude/projects/<project>/<session>.jsonl`) as a
 * billed API call. Pure: text in, entry (or the reason it is not one) out.
 *
 * What the logs hold (checked against real transcripts and ccusage's data loader):
 * - Every line is a JSON object with a `type`: `user` (prompts, tool results), `assistant`,
 *   `summary`, `system`, `file-history-snapshot`, `attachment`… Only assistant lines carry
 *   `message.usage`, in Anthropic's shape: input_tokens EXCLUDES cache reads and writes,
 *   output_tokens includes thinking (`output_tokens_details.thinking_tokens`), cache writes
 *   may be split by TTL in `cache_creation`, and with compaction `iterations` lists every
 *   model pass. normalizeAnthropicUsage (the same code `auto-collect` uses) applies all that.
 * - One API response is written as several lines, one per content block (thinking, text,
 *   tool_use), all with the same `message.id` and `requestId`. Their usage repeats, except
 *   that output_tokens may still be growing in the earlier ones (a streaming snapshot). They
 *   are one call; the line with the most output is the finished one (see mergeEntries).
 *   Versions differ in how a response ends: some set `stop_reason` on its last line, others
 *   (2.1.x) leave it null on every line. Tool results and progress lines of tools that
 *   already started are written between the lines of a response still streaming.
 * - A subagent's calls are also copied, at early snapshots, into the parent's `type:
 *   "progress"` lines (`data.message.message`, with `data.agentId`). They count only when
 *   the subagent's own transcript is missing (see transcript.ts).
 * - Subagents (the Task tool) write lines with `isSidechain: true`, an `agentId` and often an
 *   `attributionAgent` ("general-purpose", "Explore"), inside the parent's file or in
 *   `<session>/subagents/agent-<id>.jsonl`; their sessionId is the parent's. They are real
 *   calls, recorded under the parent session with the subagent as the call's agent.
 * - API errors and local notices are written as assistant lines with model `<synthetic>`
 *   (and usually no usage): not calls.
 * - Older versions (2025) wrote a `costUSD` number on each line and sometimes no requestId.
 */
import { createHash } from 'node:crypto';
import { numberToDecimalString } from '../../core/money.js';
import type { Usage } from '../../core/usage.js';
import { anthropicProvider, normalizeAnthropicUsage } from '../../providers/anthropic-usage.js';
import { CountError, isObject } from '../../providers/counts.js';

export interface ClaudeEntry {
  /** Deduplication key and the ledger's request id: `${message.id}:${requestId}`. */
  key: string;
  sessionId: string | null;
  timestamp: string;
  /** Date.parse(timestamp), for ordering without re-parsing. */
  time: number;
  provider: string;
  model: string;
  usage: Usage;
  /** The subagent that made the call; null for the main conversation. */
  agent: string | null;
  cwd: string | null;
  costUSD: number | null;
  /** Known only from a parent's progress lines (a copy of a subagent's message). */
  nested?: true;
}

export type Skip =
  | 'not_json' // a line that does not parse (torn by a crash, or hand-edited)
  | 'no_usage' // a line that mentions usage but has no message.usage
  | 'synthetic' // <synthetic> model: an API error or local notice, not a call
  | 'no_model'
  | 'no_timestamp'
  | 'bad_usage' // counts that are not whole numbers, or that do not add up
  | 'zero'; // usage all zero: nothing was billed

export interface ParsedCall {
  ok: true;
  entry: ClaudeEntry;
  /** The line carries a stop reason: its response is complete. */
  stopped: boolean;
  /**
   * Who is talking: `main`, or `agent:<agentId>` for a subagent. One conversation sends its
   * next request only after the previous response ended, so a later response of the same
   * thread completes the earlier one.
   */
  thread: string;
  /** The subagent whose message a progress line copies (its agentId, maybe ''); else null. */
  copyOf: string | null;
}

export type ParsedLine = ParsedCall | { ok: false; skip: Skip; detail?: string };

const skip = (why: Skip, detail?: string): ParsedLine => (detail === undefined ? { ok: false, skip: why } : { ok: false, skip: why, detail });

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Parses one transcript line. Lines without `"usage"` need not be passed at all. */
export function parseClaudeLine(text: string): ParsedLine {
  let line: unknown;
  try {
    line = JSON.parse(text);
  } catch {
    return skip('not_json');
  }
  if (!isObject(line)) return skip('not_json');
  // The object holding the message, its requestId, uuid and time: the line, or for a
  // subagent's message copied into a progress line, `data.message`.
  let holder: Record<string, unknown> = line;
  let copyOf: string | null = null;
  if (!isObject(line.message) && line.type === 'progress' && isObject(line.data) && isObject(line.data.message) && isObject(line.data.message.message)) {
    holder = line.data.message;
    copyOf = typeof line.data.agentId === 'string' ? line.data.agentId : '';
  }
  const message = holder.message;
  if (!isObject(message) || !isObject(message.usage)) return skip('no_usage');
  const model = str(message.model);
  if (model === '<synthetic>') return skip('synthetic');
  if (model === null) return skip('no_model');
  const timestamp = str(holder.timestamp) ?? str(line.timestamp);
  if (timestamp === null) return skip('no_timestamp');
  const time = Date.parse(timestamp);
  if (Number.isNaN(time)) return skip('no_timestamp');
  const messageId = str(message.id);
  const requestId = str(holder.requestId);
  const uuid = str(holder.uuid);
  // ccusage's key is `${message.id}:${requestId}`; either alone still names one response.
  const requestKey = messageId !== null && requestId !== null ? `${messageId}:${requestId}` : (messageId ?? requestId);
  // Without either, the line's uuid; without that, its bytes (stable across re-imports).
  const key = requestKey ?? (uuid === null ? `line:${createHash('sha1').update(text).digest('hex')}` : `uuid:${uuid}`);
  let usage: Usage;
  try {
    usage = normalizeAnthropicUsage(message.usage);
  } catch (error) {
    if (error instanceof CountError) return skip('bad_usage', error.message);
    throw error;
  }
  if (usage.reasoningTokens > usage.outputTokens) return skip('bad_usage', `thinking tokens ${usage.reasoningTokens} exceed output tokens ${usage.outputTokens}`);
  if (usage.inputTokens === 0 && usage.outputTokens === 0) return skip('zero');
  const sidechain = copyOf !== null || line.isSidechain === true;
  const agent = sidechain ? (str(holder.attributionAgent) ?? 'subagent') : null;
  const cost = typeof holder.costUSD === 'number' && Number.isFinite(holder.costUSD) && holder.costUSD >= 0 ? holder.costUSD : null;
  const entry: ClaudeEntry = {
    key,
    sessionId: str(line.sessionId),
    timestamp,
    time,
    provider: anthropicProvider(messageId, {}),
    model,
    usage,
    agent,
    cwd: str(line.cwd),
    costUSD: cost,
  };
  if (copyOf !== null) entry.nested = true;
  const thread = copyOf !== null ? `agent:${copyOf}` : sidechain ? `agent:${str(line.agentId) ?? ''}` : 'main';
  return { ok: true, entry, stopped: str(message.stop_reason) !== null, thread, copyOf };
}

/**
 * Two lines of one response (`first` read before `later`): the one with more output is the
 * finished snapshot (on a tie the later line, which carries the stop reason, unless only the
 * earlier is the agent's own line rather than a progress line's copy); the call keeps the
 * earliest time, so a response that streams across midnight counts on the day it began.
 *
 * The whole line is kept, not the largest count of each field: a response's input and cache
 * counts are set when it starts and repeat on every line, and where they differ (a model
 * that fell back mid-stream writes lines with another model and other cache counts) a
 * per-field maximum would mix two snapshots into a call that never happened.
 */
export function mergeEntries(first: ClaudeEntry, later: ClaudeEntry): ClaudeEntry {
  const a = first.usage.outputTokens;
  const b = later.usage.outputTokens;
  const kept = b > a || (b === a && (later.nested !== true || first.nested === true)) ? later : first;
  const earliest = later.time < first.time ? later : first;
  return kept === earliest ? kept : { ...kept, timestamp: earliest.timestamp, time: earliest.time };
}

/** A cost Claude Code logged (older versions), as the exact decimal it printed. */
export function loggedCost(entry: ClaudeEntry): string | null {
  return entry.costUSD === null ? null : numberToDecimalString(entry.costUSD);
}
