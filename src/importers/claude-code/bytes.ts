/**
 * Transcript lines as bytes: parsing an assistant line without its message's content, and
 * recognizing a line that repeats the response the previous line held, without parsing.
 *
 * Both rest on one fact about raw JSON: a byte sequence like `"content":[` or
 * `],"stop_reason":` can only be a key where it appears, never string content (inside a
 * string its quotes would be escaped). Every Claude Code version writes an assistant line's
 * message as `{…"content":[…],"stop_reason":…,"usage":{…}…}` followed (at the top level) by
 * `"requestId":"req_…"`.
 */
import { parseClaudeLine, type ParsedLine } from './entry.js';

const CONTENT = Buffer.from('"content":[');
const AFTER_CONTENT = Buffer.from('],"stop_reason":');
const USAGE = Buffer.from('"usage":{');
const STOP_REASON = Buffer.from('"stop_reason":');
const REQUEST_ID = Buffer.from('"requestId":"');
const TIMESTAMP = Buffer.from('"timestamp":"');
const COST = Buffer.from('"costUSD"');
const QUOTE = 0x22;
const N = 0x6e; // the n of null

/** Content smaller than this is parsed along: cutting it out costs two copies. */
const WORTH_CUTTING = 512;

/**
 * Parses a line as `…"content":[],"stop_reason":…`: the content (text, thinking, tool
 * inputs) is most of an assistant line's bytes and none of its usage. If the keys found are
 * not the message's own (a tool input with a `content` array, a top-level object before the
 * message), the cut text does not parse or has no message.usage — its brackets no longer
 * balance, or the message is gone — and the line is parsed whole, as it is when the keys are
 * not there at all.
 */
export function parseLineBytes(buf: Buffer, start: number, end: number): ParsedLine {
  const line = buf.subarray(start, end);
  const content = line.indexOf(CONTENT);
  return parseAt(line, content, content === -1 ? -1 : line.indexOf(AFTER_CONTENT, content));
}

/** `line` is a view of exactly one line, so every search stops at its end. */
function parseAt(line: Buffer, content: number, after: number): ParsedLine {
  if (after !== -1 && after - content > WORTH_CUTTING) {
    const cut = parseClaudeLine(line.toString('utf8', 0, content + CONTENT.length) + line.toString('utf8', after));
    // (a line keyed by its bytes — no ids at all, very rare — is keyed by all of them)
    if (cut.ok ? !cut.entry.key.startsWith('line:') : cut.skip === 'synthetic' || cut.skip === 'zero' || cut.skip === 'bad_usage') return cut;
  }
  return parseClaudeLine(line.toString('utf8'));
}

/**
 * Claude Code writes one line per content block of a response (thinking, text, tool_use),
 * usage repeated; most of a transcript's usage lines repeat the line before. A line whose
 * bytes from its message's `"usage":{` to the end of its top-level requestId equal the
 * previous parsed line's, and whose timestamp is not earlier, is the same response with the
 * same usage: merging it would change nothing (the earliest time is kept), so it is not
 * parsed at all. Only whether it carries a stop reason (the last line of a response may
 * repeat the usage and add one) is read from its bytes: the message's `"stop_reason":` is the
 * key just before its usage, its value `null` or a string.
 */
export class TranscriptLines {
  /** After a repeat (parse returned null): whether that line carries a stop reason. */
  repeatStopped = false;
  /** The previous parsed line's usage-to-requestId bytes, when it can be compared. */
  private last: Buffer | null = null;
  /** …and its timestamp: a repeat must not be earlier (the earliest time is the call's). */
  private lastTime = '';

  /** The parsed line buf[start, end), or null when it repeats the previous line's response. */
  parse(buf: Buffer, start: number, end: number): ParsedLine | null {
    const line = buf.subarray(start, end);
    // Searched from the end, to stay out of the content: the message's usage is its last
    // object, and the requestId and timestamp follow the message at the top level.
    const usage = line.lastIndexOf(USAGE);
    const request = usage === -1 ? -1 : line.indexOf(REQUEST_ID, usage);
    const close = request === -1 ? -1 : line.indexOf(QUOTE, request + REQUEST_ID.length);
    const stamp = close === -1 ? -1 : line.indexOf(TIMESTAMP, close);
    const stampEnd = stamp === -1 ? -1 : line.indexOf(QUOTE, stamp + TIMESTAMP.length);
    // ISO 8601 UTC times of one length order like strings; anything else is parsed.
    const time = stampEnd === -1 ? '' : line.toString('latin1', stamp + TIMESTAMP.length, stampEnd);
    const signed = time.endsWith('Z');
    const last = this.last;
    if (
      signed &&
      last !== null &&
      close + 1 - usage === last.length &&
      time.length === this.lastTime.length &&
      time >= this.lastTime &&
      line.compare(last, 0, last.length, usage, close + 1) === 0 &&
      line.indexOf(COST) === -1
    ) {
      const stop = line.lastIndexOf(STOP_REASON, usage) + STOP_REASON.length;
      const first = stop < STOP_REASON.length ? -1 : line[stop];
      // (no stop_reason key, or a value other than null or a string: parsed below)
      if (first === N || first === QUOTE) {
        this.repeatStopped = first === QUOTE && line[stop + 1] !== QUOTE;
        return null;
      }
    }
    const content = line.indexOf(CONTENT);
    const after = content === -1 ? -1 : line.indexOf(AFTER_CONTENT, content);
    const parsed = parseAt(line, content, after);
    this.last = null;
    if (signed && parsed.ok && parsed.entry.costUSD === null && parsed.copyOf === null) {
      // Remembered only when the parse agrees on the request (its key ends with this
      // requestId); a logged costUSD may differ between a response's lines: those are parsed.
      // A progress line's copy is not remembered: an agent's own line that repeats it must
      // still be parsed, since the copy may be dropped (transcript.ts).
      const requestId = line.toString('latin1', request + REQUEST_ID.length, close);
      if (parsed.entry.key.endsWith(`:${requestId}`)) {
        this.last = Buffer.from(line.subarray(usage, close + 1));
        this.lastTime = time;
      }
    }
    return parsed;
  }
}
