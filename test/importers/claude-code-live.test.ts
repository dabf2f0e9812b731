/**
 * Transcripts read while Claude Code writes them (the pure and in-process parts): which
 * responses are complete, the ones held back, the quiet period, and subagent messages copied
 * into a parent's progress lines. The same behaviour through the binary: live-cli.test.ts.
 */
import { appendFileSync, cpSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TokjError } from '../../src/core/errors.js';
import { mergeEntries, newClaudeCodeStats, parseClaudeLine, readClaudeCode, TranscriptLines, type ClaudeCodeOptions, type ImportRecord } from '../../src/importers/index.js';
import { parseTranscript } from '../../src/importers/claude-code/transcript.js';
// The benchmark's generator: many transcripts in the shapes real ones have.
import { writeClaudeTree } from '../../bench/ccusage.mjs';
import { tempDir } from '../helpers.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const LIVE = path.join(FIXTURES, 'claude-live');
const PROJECT = path.join(LIVE, 'projects', '-home-dev-code-spotter');
const E = '7c1d2e3f-4444-4d5e-9f0a-00000000000e';
const F = '8d2e3f40-5555-4e6f-8a1b-00000000000f';
const id = (tag: string): string => `${`msg_01Live${tag}`.padEnd(28, 'x')}:${`req_011CLive${tag}`.padEnd(28, 'x')}`;
const linesOf = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter(Boolean);

async function read(where: string, options: ClaudeCodeOptions = {}): Promise<ImportRecord[]> {
  const out: ImportRecord[] = [];
  for await (const r of readClaudeCode(where, options)) out.push(r);
  return out;
}

/** A copy of a fixture tree, its files dated `ageMs` back (0: written just now). */
function copyOf(tree: string, ageMs = 0): string {
  const dir = tempDir();
  cpSync(tree, dir, { recursive: true });
  if (ageMs > 0) for (const f of jsonlFiles(dir)) age(f, ageMs);
  return dir;
}
const jsonlFiles = (dir: string): string[] =>
  (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => path.join(dir, f));
const age = (file: string, ms: number): void => {
  const t = new Date(Date.now() - ms);
  utimesSync(file, t, t);
};

describe('a subagent message copied into its parent’s progress line', () => {
  it('is parsed from data.message.message, as a call of the subagent’s thread', () => {
    const line = linesOf(path.join(PROJECT, `${E}.jsonl`)).find((l) => l.includes('"agent_progress"') && l.includes('"output_tokens":61'))!;
    const nested = JSON.parse(line).data.message;
    expect(parseClaudeLine(line)).toEqual({
      ok: true,
      stopped: false,
      thread: 'agent:a51f0c2',
      copyOf: 'a51f0c2',
      entry: {
        key: id('ES1'),
        sessionId: E,
        timestamp: nested.timestamp, // the message's time, not the progress line's
        time: Date.parse(nested.timestamp),
        provider: 'anthropic',
        model: 'claude-haiku-4-5-20251001',
        usage: { inputTokens: 9917, outputTokens: 61, cacheReadTokens: 0, cacheWriteTokens: 9907, cacheWrite1hTokens: 0, reasoningTokens: 0 },
        agent: 'subagent',
        cwd: '/home/dev/code/spotter',
        costUSD: null,
        nested: true,
      },
    });
  });

  it('counts once, at its largest output, only when the subagent has no transcript of its own', () => {
    const e = parseTranscript(path.join(PROJECT, `${E}.jsonl`));
    expect(e.entries.map((x) => [x.key, x.usage.outputTokens, x.agent])).toEqual([
      [id('E1'), 472, null],
      [id('E2'), 95, null],
      [id('ES1'), 61, 'subagent'], // its transcript is missing: the copies are all there is
      [id('ES2'), 40, 'subagent'],
      [id('E3'), 230, null],
      [id('E4'), 8, null],
    ]);
    // F's subagent has its own transcript (final counts 310 and 88): the copies (3) are not used
    const f = parseTranscript(path.join(PROJECT, `${F}.jsonl`));
    expect(f.entries.map((x) => [x.key, x.usage.outputTokens])).toEqual([
      [id('F1'), 3],
      [id('F2'), 64],
    ]);
    expect(f.duplicates).toBe(4); // the three copies, and F2's second line
    const sub = parseTranscript(path.join(PROJECT, F, 'subagents', 'agent-b62a1d3.jsonl'));
    expect(sub.entries.map((x) => [x.key, x.usage.outputTokens])).toEqual([
      [id('FS1'), 310],
      [id('FS2'), 88],
    ]);
  });

  it('merges with the agent’s own lines: the larger output wins, the agent’s own line on a tie', () => {
    const own = parseClaudeLine(linesOf(path.join(PROJECT, F, 'subagents', 'agent-b62a1d3.jsonl'))[1]!);
    const copy = parseClaudeLine(linesOf(path.join(PROJECT, `${F}.jsonl`)).find((l) => l.includes('"agent_progress"'))!);
    if (!own.ok || !copy.ok) throw new Error('fixture');
    expect(own.entry.key).toBe(copy.entry.key);
    expect(own.entry.usage.outputTokens).toBe(copy.entry.usage.outputTokens);
    for (const merged of [mergeEntries(own.entry, copy.entry), mergeEntries(copy.entry, own.entry)]) expect(merged.nested).toBeUndefined();
    const bigger = { ...copy.entry, usage: { ...copy.entry.usage, outputTokens: 500 } };
    expect(mergeEntries(own.entry, bigger)).toMatchObject({ nested: true, usage: { outputTokens: 500 } });
  });
});

describe('which responses are complete (parseTranscript: open)', () => {
  it('leaves open only the last response of a thread without a stop reason', () => {
    expect(parseTranscript(path.join(PROJECT, `${E}.jsonl`)).open).toEqual([id('E4')]);
    expect(parseTranscript(path.join(PROJECT, `${F}.jsonl`)).open).toEqual([]);
  });

  it('never reports as complete a response that later lines still change, cut anywhere', () => {
    // Every prefix of every transcript of both fixture sets and of generated ones: a response
    // the prefix does not hold open is exactly as the whole file has it. (Tool results and
    // progress lines come between the lines of a streaming response, so they prove nothing.)
    const generated = tempDir('tokj-cc-tree-');
    writeClaudeTree(generated, { lines: 300, seed: 5 });
    const files = [...jsonlFiles(path.join(FIXTURES, 'claude')), ...jsonlFiles(LIVE), ...jsonlFiles(generated)];
    let checked = 0;
    for (const file of files) {
      const whole = new Map(parseTranscript(file).entries.map((e) => [e.key, e]));
      const text = readFileSync(file, 'utf8');
      const cuts = text.split(/(?<=\n)/);
      const dir = tempDir();
      // (a copy beside its subagents/ folder, if any, so progress copies are judged alike)
      const copy = path.join(dir, path.basename(file));
      const subagents = path.join(file.slice(0, -'.jsonl'.length), 'subagents');
      try {
        cpSync(subagents, path.join(dir, path.basename(file, '.jsonl'), 'subagents'), { recursive: true });
      } catch {
        // none
      }
      writeFileSync(copy, '');
      cuts.forEach((line, n) => {
        appendFileSync(copy, line);
        const part = parseTranscript(copy);
        const open = new Set(part.open);
        for (const e of part.entries) {
          if (open.has(e.key)) continue;
          expect(e, `${file} cut after ${n + 1} lines`).toEqual(whole.get(e.key));
          checked += 1;
        }
      });
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

describe('TranscriptLines and the stop reason', () => {
  it('tells whether a line that repeats the previous one’s usage carries a stop reason', () => {
    const base = JSON.parse(linesOf(path.join(PROJECT, `${E}.jsonl`))[2]!);
    const next = (uuid: string, stop: unknown) => ({ ...base, uuid, timestamp: '2026-02-12T16:00:01.900Z', message: { ...base.message, stop_reason: stop } });
    const reader = new TranscriptLines();
    const results = [base, next('b8', null), next('b9', 'end_turn'), next('b10', ''), next('b11', 7)].map((o) => {
      const b = Buffer.from(JSON.stringify(o));
      const r = reader.parse(b, 0, b.length);
      return r === null ? `repeat, ${reader.repeatStopped ? 'stopped' : 'not stopped'}` : r.ok ? `parsed, ${r.stopped ? 'stopped' : 'not stopped'}` : r.skip;
    });
    // (a value neither null nor a string is left to the parser)
    expect(results).toEqual(['parsed, not stopped', 'repeat, not stopped', 'repeat, stopped', 'repeat, not stopped', 'parsed, not stopped']);
  });
});

describe('readClaudeCode holds back a response that may still be streaming', () => {
  it('until its transcript has been quiet for 10 minutes; the file is not reported read whole', async () => {
    const dir = copyOf(LIVE);
    const eFile = jsonlFiles(dir).find((f) => f.endsWith(`${E}.jsonl`))!;
    const stats = newClaudeCodeStats();
    const now = Date.now();
    const first = await read(dir, { stats, now });
    expect(first.map((r) => r.request_id)).not.toContain(id('E4'));
    expect(first).toHaveLength(9);
    expect(stats).toMatchObject({ calls: 9, heldBack: 1 });
    expect([...stats.unsettled]).toEqual([eFile]);
    expect(stats.read.has(eFile)).toBe(false);
    expect(stats.read.size).toBe(2);
    // 9 minutes later (the command's clock), still held; 10 minutes without a write: final
    expect((await read(dir, { now: now + 9 * 60_000 })).map((r) => r.request_id)).not.toContain(id('E4'));
    const settled = newClaudeCodeStats();
    const later = await read(dir, { stats: settled, now: now + 10 * 60_000 + 1000 });
    expect(later.find((r) => r.request_id === id('E4'))).toMatchObject({ output_tokens: 8, session: E, timestamp: '2026-02-12T16:00:20.300Z' });
    expect(settled).toMatchObject({ calls: 10, heldBack: 0 });
    expect(settled.read.size).toBe(3);
    // the file's own mtime, as a cron job sees it
    age(eFile, 11 * 60_000);
    expect(await read(dir)).toHaveLength(10);
  });

  it('takes TOKJ_IMPORT_QUIET_SECONDS as the quiet period, and refuses a bad one', async () => {
    const dir = copyOf(LIVE);
    for (const f of jsonlFiles(dir)) age(f, 60_000);
    expect(await read(dir, { env: { TOKJ_IMPORT_QUIET_SECONDS: '120' } })).toHaveLength(9);
    expect(await read(dir, { env: { TOKJ_IMPORT_QUIET_SECONDS: '30' } })).toHaveLength(10);
    await expect(read(dir, { env: { TOKJ_IMPORT_QUIET_SECONDS: '10m' } })).rejects.toSatisfy((e: unknown) => e instanceof TokjError && e.exitCode === 2 && e.message.includes('TOKJ_IMPORT_QUIET_SECONDS'));
  });

  it('does not take a held-back response from a later file (a resumed session repeating it)', async () => {
    const dir = copyOf(LIVE);
    const eLines = linesOf(path.join(PROJECT, `${E}.jsonl`));
    // the session resumed in a new file: it repeats the last response, then goes on
    const resumed = eLines.slice(-2).map((l) => JSON.parse(l));
    const next = { ...resumed[1], uuid: 'b0000099-0000-4000-8000-000000000099', timestamp: '2026-02-12T16:05:00.000Z', requestId: 'req_011CLiveE5', message: { ...resumed[1].message, id: 'msg_01LiveE5', stop_reason: 'end_turn', usage: { ...resumed[1].message.usage, output_tokens: 120 } } };
    const rFile = path.join(dir, 'projects', '-home-dev-code-spotter', '9e3f4051-6666-4f70-9b2c-000000000010.jsonl');
    writeFileSync(rFile, `${[...resumed, next].map((o) => JSON.stringify({ ...o, sessionId: '9e3f4051-6666-4f70-9b2c-000000000010' })).join('\n')}\n`);
    const stats = newClaudeCodeStats();
    const records = await read(dir, { stats });
    expect(records.map((r) => r.request_id)).not.toContain(id('E4'));
    expect(records.map((r) => r.request_id)).toContain('msg_01LiveE5:req_011CLiveE5');
    // both files are read again next time: E4 belongs to the session that had it first
    expect(stats.unsettled.size).toBe(2);
    for (const f of jsonlFiles(dir)) age(f, 3_600_000);
    expect((await read(dir)).find((r) => r.request_id === id('E4'))?.session).toBe(E);
  });
});
