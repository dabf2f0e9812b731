/**
 * `tokj import --from claude-code` run while Claude Code writes its transcripts (from cron or
 * a hook), through the built binary: whenever the imports run, the journal ends up with each
 * response once, at its final usage, exactly as one import of the finished files records it.
 */
import { cpSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
// The benchmark's generator: many transcripts in the shapes real ones have.
import { writeClaudeTree } from '../../bench/ccusage.mjs';
import { ledgerLines, tempDir, tokj } from '../helpers.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const LIVE = path.join(FIXTURES, 'claude-live');
const E = '7c1d2e3f-4444-4d5e-9f0a-00000000000e';
const id = (tag: string): string => `${`msg_01Live${tag}`.padEnd(28, 'x')}:${`req_011CLive${tag}`.padEnd(28, 'x')}`;

const jsonlFiles = (dir: string): string[] => (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.jsonl')).sort();
const age = (file: string, ms: number): void => {
  const t = new Date(Date.now() - ms);
  utimesSync(file, t, t);
};
const ageAll = (dir: string, ms = 3_600_000): void => {
  for (const f of jsonlFiles(dir)) age(path.join(dir, f), ms);
};

/** What a call line of the ledger says about the response, compared call by call. */
function calls(cwd: string): string[] {
  return ledgerLines(path.join(cwd, '.ai_workflow'))
    .filter((l) => l.type === 'call')
    .map((c) => JSON.stringify([c.request_id, c.session, c.timestamp, c.model, c.agent, c.input_tokens, c.output_tokens, c.cache_read_tokens, c.cache_write_tokens, c.cache_write_1h_tokens ?? 0, c.reasoning_tokens, c.cost_usd]))
    .sort();
}

async function importLogs(cwd: string, logs: string): Promise<Record<string, number>> {
  const r = await tokj(cwd, ['import', '--from', 'claude-code', logs, '--json']);
  // (logs that hold no response yet are an empty source: exit 3, nothing written)
  if (r.exitCode === 3 && r.stderr.includes('holds no records')) return { imported: 0 };
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, number>;
}

/**
 * A test set's lines in the order Claude Code wrote them: by time (a line without one keeps
 * its place after the line before it in its file), files taken in turn on a tie.
 */
function growthOf(set: string): Array<{ file: string; bytes: Buffer }> {
  const lines: Array<{ file: string; bytes: Buffer; at: string; n: number; f: number }> = [];
  jsonlFiles(set).forEach((file, f) => {
    let at = '';
    readFileSync(path.join(set, file), 'utf8')
      .split(/(?<=\n)/)
      .forEach((text, n) => {
        at = /"timestamp":"([^"]+)"/.exec(text)?.[1] ?? at;
        lines.push({ file, bytes: Buffer.from(text), at, n, f });
      });
  });
  lines.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.f - b.f || a.n - b.n));
  return lines;
}

interface Step {
  /** Lines written when this import runs… */
  upTo: number;
  /** …and this share of the next one's bytes (an import that reads a line half written). */
  torn: number;
  /** Transcripts finished by then are dated an hour back (a session that ended long ago). */
  ageFinished: boolean;
}

/** The journal after importing `set` at every step while it grows, then once finished. */
async function staged(set: string, steps: Step[]): Promise<string[]> {
  const lines = growthOf(set);
  const cwd = tempDir();
  const logs = tempDir();
  const written = new Map<string, number>(); // bytes of each file written so far
  const total = new Map<string, number>();
  for (const l of lines) total.set(l.file, (total.get(l.file) ?? 0) + l.bytes.length);
  const put = (file: string, bytes: Buffer): void => {
    const p = path.join(logs, file);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, bytes, { flag: 'a' });
    written.set(file, (written.get(file) ?? 0) + bytes.length);
  };
  let at = 0;
  let carried = 0; // bytes of lines[at] already written (a torn line)
  for (const step of [...steps].sort((a, b) => a.upTo - b.upTo)) {
    for (; at < Math.min(step.upTo, lines.length); at++, carried = 0) put(lines[at]!.file, lines[at]!.bytes.subarray(carried));
    if (step.torn > 0 && at < lines.length) {
      const cut = Math.floor(lines[at]!.bytes.length * step.torn);
      if (cut > carried) put(lines[at]!.file, lines[at]!.bytes.subarray(carried, cut));
      carried = Math.max(carried, cut);
    }
    if (step.ageFinished) for (const [file, n] of written) if (n === total.get(file)) age(path.join(logs, file), 3_600_000);
    await importLogs(cwd, logs);
  }
  for (; at < lines.length; at++, carried = 0) put(lines[at]!.file, lines[at]!.bytes.subarray(carried));
  ageAll(logs);
  await importLogs(cwd, logs);
  return calls(cwd);
}

/** The journal of one import of the finished files. */
async function oneShot(set: string): Promise<string[]> {
  const logs = tempDir();
  cpSync(set, logs, { recursive: true });
  ageAll(logs);
  const cwd = tempDir();
  await importLogs(cwd, logs);
  return calls(cwd);
}

describe('importing transcripts while they are written', () => {
  const generated = tempDir('tokj-cc-tree-');
  const sets: Record<string, { dir: string; lines: number; whole: string[] }> = {};
  beforeAll(async () => {
    writeClaudeTree(generated, { lines: 700, seed: 12 });
    for (const [name, dir] of [
      ['claude', path.join(FIXTURES, 'claude')],
      ['claude-live', LIVE],
      ['generated', generated],
    ] as const) {
      sets[name] = { dir, lines: growthOf(dir).length, whole: await oneShot(dir) };
    }
    expect(sets['claude-live']!.whole).toHaveLength(10);
  }, 120_000);

  it('records what one import of the finished files records, whenever the imports run', async () => {
    for (const name of ['claude', 'claude-live', 'generated']) {
      const set = sets[name]!;
      const step = fc.record({ upTo: fc.integer({ min: 1, max: set.lines }), torn: fc.oneof(fc.constant(0), fc.double({ min: 0.05, max: 0.95, noNaN: true })), ageFinished: fc.boolean() });
      // Always also: a cut after each line of the live set's first response, whose last line
      // (the final count, no stop reason) comes after a tool result and two progress lines.
      const examples: Step[][] = name === 'claude-live' ? [[3, 4, 5, 6, 8, 9, 10].map((upTo) => ({ upTo, torn: 0, ageFinished: false }))] : [];
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 4 }), async (steps) => {
          expect(await staged(set.dir, steps), name).toEqual(set.whole);
        }),
        { numRuns: 4, examples: examples.map((e) => [e]) },
      );
    }
  }, 600_000);

  it('before: a response imported between its lines kept its early count (issue 15)', async () => {
    // the live set cut after E's fifth line: E1 has 8 output tokens so far, 472 at the end
    const journal = await staged(LIVE, [{ upTo: 5, torn: 0, ageFinished: false }]);
    const e1 = journal.map((c) => JSON.parse(c) as unknown[]).find((c) => c[0] === id('E1'))!;
    expect(e1[6]).toBe(472);
  }, 120_000);
});

describe('a subagent known only from its parent’s progress lines', () => {
  it('is counted once, from the copies; one with its own transcript is counted from that', async () => {
    const logs = tempDir();
    cpSync(LIVE, logs, { recursive: true });
    ageAll(logs);
    const cwd = tempDir();
    expect(await importLogs(cwd, logs)).toMatchObject({ imported: 10, sessions: 2, held_back: 0 });
    const byId = new Map(ledgerLines(path.join(cwd, '.ai_workflow')).filter((l) => l.type === 'call').map((c) => [c.request_id, c]));
    // E's subagent (its transcript missing): the largest of its copies, under the parent session
    expect(byId.get(id('ES1'))).toMatchObject({ session: E, agent: 'subagent', model: 'claude-haiku-4-5-20251001', output_tokens: 61, input_tokens: 9917 });
    expect(byId.get(id('ES2'))).toMatchObject({ session: E, agent: 'subagent', output_tokens: 40 });
    // F's subagent: from its own transcript (310 and 88), not the parent's copies (3)
    expect(byId.get(id('FS1'))).toMatchObject({ output_tokens: 310 });
    expect(byId.get(id('FS2'))).toMatchObject({ output_tokens: 88 });
    expect(byId.size).toBe(10);
  });
});

describe('the quiet period', () => {
  it('holds back a last response without a stop reason, re-reads its transcript, and records it once quiet', async () => {
    const logs = tempDir();
    const cwd = tempDir();
    // E's first response, three lines so far
    const eName = jsonlFiles(LIVE).find((f) => f.endsWith(`${E}.jsonl`))!;
    const eFile = path.join(logs, eName);
    mkdirSync(path.dirname(eFile), { recursive: true });
    writeFileSync(eFile, readFileSync(path.join(LIVE, eName), 'utf8').split(/(?<=\n)/).slice(0, 5).join(''));
    const early = await tokj(cwd, ['import', '--from', 'claude-code', logs]);
    expect(early.exitCode, early.stderr).toBe(0);
    expect(early.stdout).toBe('Imported 0 calls: 1 response still being written held back (a later import records it with the final counts).');
    cpSync(LIVE, logs, { recursive: true }); // all of it, written just now
    expect(await importLogs(cwd, logs)).toMatchObject({ imported: 9, held_back: 1, unchanged_transcripts: 0 });
    expect(calls(cwd).some((c) => c.includes(id('E4')))).toBe(false);
    expect(ledgerLines(path.join(cwd, '.ai_workflow')).find((c) => c.request_id === id('E1'))).toMatchObject({ output_tokens: 472 });
    // unchanged since, but not read whole: read again (the other two are not)
    const again = await tokj(cwd, ['import', '--from', 'claude-code', logs]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toBe('Imported 0 calls into 1 session (0 new, 5 duplicates skipped). 2 transcripts unchanged since the last import were not read again. 1 response still being written held back (a later import records it with the final counts).');
    // 11 minutes without a write: Claude Code stopped mid-response; the call is recorded as it stands
    age(eFile, 11 * 60_000);
    expect(await importLogs(cwd, logs)).toMatchObject({ imported: 1, held_back: 0, unchanged_transcripts: 2 });
    expect(ledgerLines(path.join(cwd, '.ai_workflow')).find((c) => c.request_id === id('E4'))).toMatchObject({ session: E, output_tokens: 8 });
    expect(await importLogs(cwd, logs)).toEqual({ imported: 0, duplicates: 0, sessions: 0, sessions_created: 0, unchanged_transcripts: 3, held_back: 0 });
  });

  it('is TOKJ_IMPORT_QUIET_SECONDS seconds when set; a bad value is a usage error', async () => {
    const logs = tempDir();
    cpSync(LIVE, logs, { recursive: true });
    ageAll(logs, 60_000);
    const cwd = tempDir();
    const bad = await tokj(cwd, ['import', '--from', 'claude-code', logs], { env: { TOKJ_IMPORT_QUIET_SECONDS: 'soon' } });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('TOKJ_IMPORT_QUIET_SECONDS');
    const r = await tokj(cwd, ['import', '--from', 'claude-code', logs], { env: { TOKJ_IMPORT_QUIET_SECONDS: '30' } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('Imported 10 calls into 2 sessions (2 new, 0 duplicates skipped).');
  });
});
