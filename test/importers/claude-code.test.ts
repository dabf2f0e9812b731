import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokjError } from '../../src/core/errors.js';
import { claudeConfigDirs, defaultClaudeProjectDirs, mergeEntries, newClaudeCodeStats, parseClaudeLine, parseLineBytes, readClaudeCode, TranscriptLines, sessionIdFor, type ClaudeCodeOptions, type ImportRecord } from '../../src/importers/index.js';
import { parseTranscript } from '../../src/importers/claude-code/transcript.js';
import { tempDir } from '../helpers.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'claude');
const WEB = path.join(FIXTURES, 'projects', '-home-dev-code-webapp');
const SESSION_A = '0a1b2c3d-1111-4a5b-8c9d-00000000000a';
const SESSION_C = '5f6e7d8c-2222-4b3a-9c8d-00000000000c';
const SESSION_D = '6a7b8c9d-3333-4c4d-8e9f-00000000000d';

async function read(where: string | string[], options: ClaudeCodeOptions = {}): Promise<ImportRecord[]> {
  const out: ImportRecord[] = [];
  for await (const r of readClaudeCode(where, options)) out.push(r);
  return out;
}

function totals(records: ImportRecord[]): Record<string, number> {
  const sum = (k: keyof ImportRecord): number => records.reduce((s, r) => s + ((r[k] as number | undefined) ?? 0), 0);
  return {
    calls: records.length,
    input_tokens: sum('input_tokens'),
    output_tokens: sum('output_tokens'),
    cache_read_tokens: sum('cache_read_tokens'),
    cache_write_tokens: sum('cache_write_tokens'),
    cache_write_1h_tokens: sum('cache_write_1h_tokens'),
    reasoning_tokens: sum('reasoning_tokens'),
  };
}

describe('readClaudeCode on the fixture transcripts', () => {
  it('yields one record per API response, with exact totals', async () => {
    const stats = newClaudeCodeStats();
    const warnings: string[] = [];
    const records = await read(FIXTURES, { stats, warn: (m) => warnings.push(m) });
    expect(totals(records)).toEqual({
      calls: 10,
      input_tokens: 112_062,
      output_tokens: 2_040,
      cache_read_tokens: 91_832,
      cache_write_tokens: 17_957,
      cache_write_1h_tokens: 10_907,
      reasoning_tokens: 49,
    });
    expect(stats).toMatchObject({ files: 4, lines: 18, calls: 10, duplicates: 4, skipped: { not_json: 1, no_usage: 1, synthetic: 1, bad_usage: 1 }, unchanged: 0 });
    // Every transcript read, with the stamp (size:mtime:inode) it had before it was read.
    expect(stats.read.size).toBe(4);
    for (const stamp of stats.read.values()) expect(stamp).toMatch(/^\d+:\d+:\d+$/);
    // Only what a person may want to hear about: the torn line and the edited one.
    expect(warnings).toHaveLength(2);
    expect(warnings.find((w) => w.includes(SESSION_A))).toMatch(/skipped 1 line not JSON/);
    expect(warnings.find((w) => w.includes(SESSION_D))).toMatch(/skipped 1 line with token counts that are not whole numbers/);
  });

  it('counts a streamed response once, with its final output and its first timestamp', async () => {
    const records = await read(FIXTURES);
    const a1 = records.find((r) => r.request_id === 'msg_01WebA1xKq7Hj2Lm9Np3Rs5Tv:req_011CWebA1aBcDeFgHiJkLmNo');
    expect(a1).toEqual({
      session: SESSION_A,
      timestamp: '2026-03-02T09:00:03.100Z',
      provider: 'anthropic',
      model: 'claude-sonnet-4-5-20250929',
      // Anthropic's input_tokens (3) excludes the cache: 3 + 15,000 read + 2,000 written
      input_tokens: 17_003,
      output_tokens: 412,
      cache_read_tokens: 15_000,
      cache_write_tokens: 2_000,
      reasoning_tokens: 0,
      request_id: 'msg_01WebA1xKq7Hj2Lm9Np3Rs5Tv:req_011CWebA1aBcDeFgHiJkLmNo',
      agent: 'claude-code',
      labels: { project: '/home/dev/code/webapp' },
    });
  });

  it('records subagents under the parent session, with the subagent as the agent', async () => {
    const records = await read(FIXTURES);
    const inA = records.filter((r) => r.session === SESSION_A);
    expect(inA.map((r) => [r.model, r.agent, r.output_tokens])).toEqual([
      ['claude-sonnet-4-5-20250929', 'claude-code', 412],
      ['claude-sonnet-4-5-20250929', 'claude-code', 230],
      ['claude-haiku-4-5-20251001', 'Explore', 135],
      ['claude-opus-4-1-20250805', 'claude-code', 820],
      ['claude-sonnet-4-5-20250929', 'general-purpose', 57],
      ['claude-sonnet-4-5-20250929', 'general-purpose', 96],
    ]);
    const haiku = inA[2]!;
    // thinking tokens are part of output; the 1-hour cache writes part of the cache writes
    expect([haiku.input_tokens, haiku.reasoning_tokens, haiku.cache_write_tokens, haiku.cache_write_1h_tokens]).toEqual([32_737, 49, 9_907, 9_907]);
    expect(inA[3]!.cache_write_1h_tokens).toBe(1_000);
    expect(inA[0]!.cache_write_1h_tokens).toBeUndefined();
  });

  it('gives a response a resumed session repeats to the session that had it first', async () => {
    const records = await read(FIXTURES);
    expect(records.filter((r) => r.session === SESSION_C).map((r) => r.request_id)).toEqual([
      'msg_01ApiC1aaaaaaaaaaaaaaaaa', // no requestId in 1.0 logs: the message id alone
      'msg_01ApiC2bbbbbbbbbbbbbbbbb:req_011ApiC2bbbbbbbbbbbbbbb',
      'uuid:c0000004-0000-4000-8000-000000000004', // neither: the line's uuid
    ]);
    expect(records.filter((r) => r.session === SESSION_D).map((r) => r.request_id)).toEqual(['msg_01ApiD1ccccccccccccccccc:req_011ApiD1ccccccccccccccc']);
  });

  it('keeps a logged costUSD as the frozen cost, or leaves pricing to tokj', async () => {
    const auto = await read(FIXTURES);
    expect(auto.filter((r) => r.cost_usd !== undefined).map((r) => [r.request_id, r.cost_usd, r.price_source])).toEqual([
      ['msg_01ApiC1aaaaaaaaaaaaaaaaa', '0.00525', 'claude-code costUSD'],
      ['msg_01ApiC2bbbbbbbbbbbbbbbbb:req_011ApiC2bbbbbbbbbbbbbbb', '0.0309375', 'claude-code costUSD'],
    ]);
    const calculated = await read(FIXTURES, { costs: 'calculate' });
    expect(calculated.some((r) => r.cost_usd !== undefined || r.price_source !== undefined)).toBe(false);
  });

  it('yields the same records, request ids included, every time (re-import records nothing new)', async () => {
    expect(await read(FIXTURES)).toEqual(await read(FIXTURES));
  });

  it('takes a config dir, its projects/, one project, a transcript, or several', async () => {
    const all = await read(FIXTURES);
    expect(await read(path.join(FIXTURES, 'projects'))).toEqual(all);
    const web = all.filter((r) => r.session === SESSION_A);
    expect(await read(WEB)).toEqual(web);
    expect(await read(path.join(WEB, `${SESSION_A}.jsonl`))).toEqual(web.filter((r) => r.agent !== 'general-purpose'));
    expect(await read([WEB, path.join(FIXTURES, 'projects', '-home-dev-code-api')])).toHaveLength(10);
    // the same tree twice (CLAUDE_CONFIG_DIR and ~/.claude pointing at one place): once
    expect(await read([FIXTURES, path.join(FIXTURES, 'projects')])).toEqual(all);
  });

  it('refuses a place that does not exist (exit 2), and reads an empty one as nothing', async () => {
    const missing = path.join(tempDir(), 'nope');
    await expect(read(missing)).rejects.toSatisfy((e: unknown) => e instanceof TokjError && e.exitCode === 2 && e.message.includes(missing));
    expect(await read(tempDir())).toEqual([]);
  });

  it('names sessions by sessionId, else the file; unsafe ids are made safe', async () => {
    expect(sessionIdFor(SESSION_A, '/x/y.jsonl')).toBe(SESSION_A);
    expect(sessionIdFor(null, '/p/abc-123.jsonl')).toBe('abc-123');
    expect(sessionIdFor('my session/../1', '/x/y.jsonl')).toBe('my_session_.._1');
    expect(sessionIdFor('..', '/x/y.jsonl')).toBe('claude-code');
    expect(sessionIdFor('x'.repeat(200), '/x/y.jsonl')).toHaveLength(128);
    const dir = tempDir();
    mkdirSync(path.join(dir, 'projects', 'p'), { recursive: true });
    const line = JSON.parse(JSON.stringify(lineOf({ sessionId: 'a b/c' })));
    writeFileSync(path.join(dir, 'projects', 'p', 'f.jsonl'), `${JSON.stringify(line)}\n`);
    expect((await read(dir))[0]?.session).toBe('a_b_c');
  });

  it('reads a transcript still being written (no final newline) and CRLF lines', async () => {
    const dir = tempDir();
    const a = JSON.stringify(lineOf({ uuid: 'u1', message: { ...lineOf().message, id: 'msg_1' }, requestId: 'req_1' }));
    const b = JSON.stringify(lineOf({ uuid: 'u2', message: { ...lineOf().message, id: 'msg_2' }, requestId: 'req_2' }));
    writeFileSync(path.join(dir, 's.jsonl'), `${a}\r\n${b}`);
    expect((await read(dir)).map((r) => r.request_id)).toEqual(['msg_1:req_1', 'msg_2:req_2']);
  });

  it('reads the fixture tree copied anywhere (no absolute paths in it)', async () => {
    const dir = tempDir();
    cpSync(FIXTURES, dir, { recursive: true });
    expect(totals(await read(dir))).toEqual(totals(await read(FIXTURES)));
  });
});

/** A minimal assistant line in the current shape. */
function lineOf(over: Record<string, unknown> = {}): Record<string, unknown> & { message: Record<string, unknown> } {
  return {
    parentUuid: null,
    isSidechain: false,
    userType: 'external',
    cwd: '/w',
    sessionId: 's-1',
    version: '2.0.14',
    message: { id: 'msg_x', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'text', text: 'hi' }], stop_reason: 'end_turn', usage: { input_tokens: 5, cache_creation_input_tokens: 10, cache_read_input_tokens: 100, output_tokens: 7 } },
    requestId: 'req_x',
    type: 'assistant',
    uuid: 'u-1',
    timestamp: '2026-01-01T00:00:00.000Z',
    ...over,
  } as Record<string, unknown> & { message: Record<string, unknown> };
}

describe('parseClaudeLine', () => {
  const parse = (over: Record<string, unknown> = {}, message: Record<string, unknown> = {}) => parseClaudeLine(JSON.stringify({ ...lineOf(over), message: { ...lineOf().message, ...message } }));

  it('normalizes Anthropic usage: cache reads and writes are part of the input', () => {
    const r = parse();
    expect(r.ok && r.entry).toMatchObject({ key: 'msg_x:req_x', sessionId: 's-1', model: 'claude-sonnet-4-5-20250929', provider: 'anthropic', agent: null, cwd: '/w', usage: { inputTokens: 115, outputTokens: 7, cacheReadTokens: 100, cacheWriteTokens: 10, reasoningTokens: 0 } });
  });

  it('sums compaction passes (usage.iterations) and reads thinking tokens', () => {
    const usage = { input_tokens: 2, output_tokens: 30, cache_read_input_tokens: 50, output_tokens_details: { thinking_tokens: 12 }, iterations: [{ input_tokens: 4, output_tokens: 20, cache_read_input_tokens: 10 }, { input_tokens: 2, output_tokens: 30, cache_read_input_tokens: 50 }] };
    const r = parse({}, { usage });
    expect(r.ok && r.entry.usage).toEqual({ inputTokens: 66, outputTokens: 50, cacheReadTokens: 60, cacheWriteTokens: 0, reasoningTokens: 12 });
  });

  it('tells Bedrock and Vertex message ids apart', () => {
    const r = parse({}, { id: 'msg_bdrk_01abc' });
    expect(r.ok && r.entry.provider).toBe('bedrock');
  });

  it('skips what is not a billed call, saying why', () => {
    expect(parseClaudeLine('{"message":{"usage":{"input_tokens":3,')).toEqual({ ok: false, skip: 'not_json' });
    expect(parseClaudeLine('[1,2]')).toEqual({ ok: false, skip: 'not_json' });
    expect(parseClaudeLine(JSON.stringify({ type: 'user', toolUseResult: { usage: { input_tokens: 1, output_tokens: 1 } } }))).toEqual({ ok: false, skip: 'no_usage' });
    expect(parse({}, { model: '<synthetic>' })).toEqual({ ok: false, skip: 'synthetic' });
    expect(parse({}, { model: undefined })).toEqual({ ok: false, skip: 'no_model' });
    expect(parse({ timestamp: 'yesterday' })).toEqual({ ok: false, skip: 'no_timestamp' });
    expect(parse({ timestamp: undefined })).toEqual({ ok: false, skip: 'no_timestamp' });
    expect(parse({}, { usage: { input_tokens: 0, output_tokens: 0 } })).toEqual({ ok: false, skip: 'zero' });
    expect(parse({}, { usage: { input_tokens: 1.5, output_tokens: 2 } })).toMatchObject({ ok: false, skip: 'bad_usage' });
    expect(parse({}, { usage: { input_tokens: -1, output_tokens: 2 } })).toMatchObject({ ok: false, skip: 'bad_usage' });
    expect(parse({}, { usage: { input_tokens: 1, output_tokens: 2, output_tokens_details: { thinking_tokens: 3 } } })).toMatchObject({ ok: false, skip: 'bad_usage' });
  });

  it('keys a response on message.id and requestId, else either, else the uuid, else the bytes', () => {
    const key = (over: Record<string, unknown>, message: Record<string, unknown> = {}) => {
      const r = parse(over, message);
      return r.ok ? r.entry.key : null;
    };
    expect(key({})).toBe('msg_x:req_x');
    expect(key({ requestId: undefined })).toBe('msg_x');
    expect(key({}, { id: undefined })).toBe('req_x');
    expect(key({ requestId: undefined }, { id: undefined })).toBe('uuid:u-1');
    const bytes = key({ requestId: undefined, uuid: undefined }, { id: undefined });
    expect(bytes).toMatch(/^line:[0-9a-f]{40}$/);
    expect(key({ requestId: undefined, uuid: undefined }, { id: undefined })).toBe(bytes);
  });

  it('labels subagent calls with their agent', () => {
    expect(parse({ isSidechain: true, agentId: 'a1', attributionAgent: 'Explore' })).toMatchObject({ ok: true, entry: { agent: 'Explore' } });
    expect(parse({ isSidechain: true, agentId: 'a1' })).toMatchObject({ ok: true, entry: { agent: 'subagent' } });
  });

  it('keeps a logged costUSD only when it is a usable number', () => {
    expect(parse({ costUSD: 0.0123 })).toMatchObject({ ok: true, entry: { costUSD: 0.0123 } });
    for (const bad of [-1, '0.1', null]) expect(parse({ costUSD: bad })).toMatchObject({ ok: true, entry: { costUSD: null } });
  });
});

describe('mergeEntries', () => {
  const entry = (output: number, timestamp: string) => {
    const r = parseClaudeLine(JSON.stringify({ ...lineOf({ timestamp }), message: { ...lineOf().message, usage: { input_tokens: 1, output_tokens: output } } }));
    if (!r.ok) throw new Error('fixture');
    return r.entry;
  };

  it('keeps the snapshot with the most output and the earliest time, in either order', () => {
    const partial = entry(9, '2026-01-01T00:00:01.000Z');
    const final = entry(412, '2026-01-01T00:00:03.000Z');
    for (const merged of [mergeEntries(partial, final), mergeEntries(final, partial)]) {
      expect(merged.usage.outputTokens).toBe(412);
      expect(merged.timestamp).toBe('2026-01-01T00:00:01.000Z');
    }
  });
});

describe('where Claude Code keeps transcripts', () => {
  it('CLAUDE_CONFIG_DIR (a comma-separated list), then XDG config, then ~/.claude', () => {
    expect(claudeConfigDirs({ CLAUDE_CONFIG_DIR: '/a, /b ,,' }, '/home/u')).toEqual(['/a', '/b', '/home/u/.config/claude', '/home/u/.claude']);
    expect(claudeConfigDirs({ XDG_CONFIG_HOME: '/x' }, '/home/u')).toEqual(['/x/claude', '/home/u/.claude']);
    expect(claudeConfigDirs({ CLAUDE_CONFIG_DIR: '/home/u/.claude' }, '/home/u')).toEqual(['/home/u/.claude', '/home/u/.config/claude']);
  });

  it('keeps only the projects/ folders that exist', async () => {
    const home = tempDir();
    mkdirSync(path.join(home, '.claude', 'projects'), { recursive: true });
    mkdirSync(path.join(home, '.config', 'claude'), { recursive: true }); // no projects/ in it
    expect(await defaultClaudeProjectDirs({}, home)).toEqual([path.join(home, '.claude', 'projects')]);
    expect(await defaultClaudeProjectDirs({ CLAUDE_CONFIG_DIR: FIXTURES }, home)).toEqual([path.join(FIXTURES, 'projects'), path.join(home, '.claude', 'projects')]);
  });
});

describe('parseLineBytes (the message content left out of the parse)', () => {
  const key = fc.constantFrom('content', 'stop_reason', 'usage', 'message', 'text', 'input', 'id', 'model', 'x');
  // JSON values whose keys are the ones the cut looks for, nested anywhere in a tool input
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.constantFrom('],"stop_reason":', '"content":[', 'plain', 'é€"\\\n'), fc.integer(), fc.constant(null), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(key, tie('value'), { maxKeys: 3 })),
  }));
  const block = fc.oneof(
    fc.record({ type: fc.constant('text'), text: fc.string({ maxLength: 700 }) }),
    fc.record({ type: fc.constant('thinking'), thinking: fc.constant('t'.repeat(600)), signature: fc.string() }),
    fc.record({ type: fc.constant('tool_use'), id: fc.constant('toolu_1'), name: fc.constant('Edit'), input: fc.dictionary(key, value, { maxKeys: 4 }), pad: fc.constant('p'.repeat(520)) }),
  );

  it('gives what parsing the whole line gives, whatever the content holds', () => {
    fc.assert(
      fc.property(fc.array(block, { maxLength: 3 }), fc.boolean(), fc.dictionary(key, value, { maxKeys: 2 }), (content, contentLast, extra) => {
        const base = lineOf();
        const message = contentLast ? { ...base.message, content: undefined, extra, content2: undefined } : { ...base.message, content, extra };
        const line = JSON.stringify({ ...base, message: contentLast ? { ...message, content } : message });
        const bytes = Buffer.from(`junk"content":[],"stop_reason":\n${line}\nmore"content":[`);
        const start = bytes.indexOf('\n') + 1;
        const end = bytes.indexOf('\n', start);
        expect(parseLineBytes(bytes, start, end)).toEqual(parseClaudeLine(line));
      }),
      { numRuns: 400 },
    );
  });

  it('falls back to the whole line when the keys it looks for belong to something else', () => {
    const base = lineOf();
    const pad = 'p'.repeat(600);
    // a top-level key before the message with a content array, and a tool input with both keys
    const line = JSON.stringify({ attachment: { content: [pad], stop_reason: 1 }, ...base, message: { ...base.message, content: [{ type: 'tool_use', input: { content: [pad], stop_reason: 2 } }] } });
    const bytes = Buffer.from(line);
    expect(parseLineBytes(bytes, 0, bytes.length)).toEqual(parseClaudeLine(line));
    expect(parseLineBytes(bytes, 0, bytes.length)).toMatchObject({ ok: true, entry: { key: 'msg_x:req_x' } });
  });
});

describe('TranscriptLines (repeated lines of a response are not parsed)', () => {
  const line = (id: string, req: string, output: number, extra: Record<string, unknown> = {}, uuid = 'u') =>
    Buffer.from(JSON.stringify({ ...lineOf({ requestId: req, uuid, ...extra }), message: { ...lineOf().message, id, content: [{ type: 'text', text: 'x'.repeat(600) }], usage: { input_tokens: 3, cache_read_input_tokens: 100, output_tokens: output } } }));
  const parseAll = (lines: Buffer[]) => {
    const reader = new TranscriptLines();
    return lines.map((b) => reader.parse(b, 0, b.length));
  };

  it('skips a line that repeats the previous one’s response and usage, and only that', () => {
    const results = parseAll([line('m1', 'r1', 9), line('m1', 'r1', 9, {}, 'u2'), line('m1', 'r1', 412), line('m2', 'r2', 412), line('m1', 'r1', 412)]);
    expect(results.map((r) => (r === null ? 'repeat' : r.ok ? `${r.entry.key}/${r.entry.usage.outputTokens}` : r.skip))).toEqual(['m1:r1/9', 'repeat', 'm1:r1/412', 'm2:r2/412', 'm1:r1/412']);
  });

  it('parses every line that carries a logged cost', () => {
    const results = parseAll([line('m1', 'r1', 9, { costUSD: 0.1 }), line('m1', 'r1', 9, { costUSD: 0.2 })]);
    expect(results.map((r) => r !== null && r.ok && r.entry.costUSD)).toEqual([0.1, 0.2]);
  });

  it('reads a transcript to the same records, and the same open response, as parsing every line whole', async () => {
    const response = fc.record({ id: fc.constantFrom('msg_a', 'msg_b', 'msg_c'), output: fc.integer({ min: 1, max: 3 }), big: fc.boolean(), cost: fc.constantFrom(undefined, 0.5), time: fc.integer({ min: 0, max: 9 }), stop: fc.constantFrom(null, null, 'end_turn') });
    await fc.assert(
      fc.asyncProperty(fc.array(response, { maxLength: 12 }), async (responses) => {
        const lines = responses.map(({ id, output, big, cost, time, stop }, i) =>
          JSON.stringify({ ...lineOf({ requestId: `req_${id}`, uuid: `u${i}`, timestamp: `2026-01-01T00:00:0${time}.000Z`, ...(cost === undefined ? {} : { costUSD: cost }) }), message: { ...lineOf().message, id, content: [{ type: 'text', text: big ? 'y'.repeat(600) : 'y' }], stop_reason: stop, usage: { input_tokens: 1, output_tokens: output } } }),
        );
        const dir = tempDir();
        writeFileSync(path.join(dir, 's.jsonl'), lines.map((l) => `${l}\n`).join(''));
        // the reference: every line parsed whole, merged by key in order of first appearance;
        // the last response open unless a line of it (since it became the latest) has stopped
        const merged = new Map<string, ReturnType<typeof mergeEntries>>();
        const latest = { key: '', stopped: true };
        for (const text of lines) {
          const r = parseClaudeLine(text);
          if (!r.ok) continue;
          const seen = merged.get(r.entry.key);
          merged.set(r.entry.key, seen ? mergeEntries(seen, r.entry) : r.entry);
          if (latest.key === r.entry.key) latest.stopped ||= r.stopped;
          else Object.assign(latest, { key: r.entry.key, stopped: r.stopped });
        }
        // (a quiet period of 0: the open response is read as it stands)
        const got = await read(dir, { env: { TOKJ_IMPORT_QUIET_SECONDS: '0' } });
        expect(got.map((r) => [r.request_id, r.output_tokens, r.timestamp, r.cost_usd])).toEqual(
          [...merged.values()].map((e) => [e.key, e.usage.outputTokens, e.timestamp, e.costUSD === null ? undefined : String(e.costUSD)]),
        );
        expect(parseTranscript(path.join(dir, 's.jsonl')).open).toEqual(latest.stopped ? [] : [latest.key]);
      }),
      { numRuns: 150 },
    );
  });
});

describe('firstTimestamp (files are read oldest first)', () => {
  it('finds the first timestamp wherever it falls in the first 64 KB, as one 64 KB read would', async () => {
    const { firstTimestamp } = await import('../../src/importers/claude-code/paths.js');
    const dir = tempDir();
    const stamp = '"timestamp":"2026-03-02T09:00:03.000Z"';
    const at = (file: string, text: string): number => {
      writeFileSync(path.join(dir, file), text);
      return firstTimestamp(path.join(dir, file));
    };
    const want = Date.parse('2026-03-02T09:00:03.000Z');
    expect(at('short.jsonl', `{${stamp}}\n`)).toBe(want);
    // past the first 8 KB read, and straddling its end
    expect(at('late.jsonl', `{"summary":"${'x'.repeat(20_000)}"}\n{${stamp}}\n`)).toBe(want);
    for (const cut of [8 * 1024 - 20, 8 * 1024 - 5, 8 * 1024 - 1]) {
      const pad = cut - 16;
      expect(at(`edge-${cut}.jsonl`, `{"summary":"${'y'.repeat(pad)}",${stamp},"timestamp":"2027-01-01T00:00:00.000Z"}\n`), String(cut)).toBe(want);
    }
    // beyond 64 KB, or none at all: unknown (such files sort last)
    expect(at('far.jsonl', `{"summary":"${'z'.repeat(70_000)}",${stamp}}\n`)).toBeNaN();
    expect(at('none.jsonl', '{"type":"summary"}\n')).toBeNaN();
    expect(at('empty.jsonl', '')).toBeNaN();
  });
});
