/**
 * `tokj import --from claude-code` on a generated tree big enough for the bulk paths: worker
 * threads reading transcripts, and closed sessions' states written into hash buckets. Both
 * must give exactly what the in-process, one-file-per-session paths give.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// The benchmark's generator: realistic transcripts (streamed snapshots, resumed sessions,
// subagents, synthetic errors) and the totals they must yield.
import { writeClaudeTree } from '../../bench/ccusage.mjs';
import { ledgerLines, monthLogRows, snapshotFiles, tempDir, tokj } from '../helpers.js';
import { bucketDir, bucketsFor, bucketsHeld, ledgerSessions, ownStates, stateDir } from './state-buckets.js';

const tree = tempDir('tokj-cc-tree-');
let expected: { calls: number; sessions: number; input_tokens: number; output_tokens: number };

beforeAll(() => {
  expected = writeClaudeTree(tree, { lines: 12_000, seed: 7 });
});

/**
 * Threads asked for must be the threads that read: no quiet in-process reading when the
 * worker bundle is missing (TOKJ_REQUIRE_WORKERS), and the trace says how many ran.
 */
const threaded = (workers: string): Record<string, string> => ({ TOKJ_IMPORT_WORKERS: workers, TOKJ_REQUIRE_WORKERS: '1', TOKJ_TRACE: '1' });
function threadsRan(stderr: string): number | null {
  const said = /transcripts read on (\d+) worker threads/.exec(stderr);
  return said ? Number(said[1]) : null;
}

async function importInto(workers: string): Promise<string> {
  const cwd = tempDir();
  const r = await tokj(cwd, ['import', '--from', 'claude-code', tree, '--json'], { env: threaded(workers) });
  expect(r.exitCode, r.stderr).toBe(0);
  expect(threadsRan(r.stderr)).toBe(workers === '0' ? null : Number(workers));
  expect(JSON.parse(r.stdout)).toMatchObject({ imported: expected.calls, sessions: expected.sessions, sessions_created: expected.sessions });
  return path.join(cwd, '.ai_workflow');
}

/** The latest month that has a log. */
const newestMonth = (root: string): string => readdirSync(path.join(root, 'work_journal', 'log')).sort().at(-1)!.slice(0, -3);

const withoutState = (files: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(files).filter(([name]) => !name.includes('.state')));

describe('a large Claude Code import', () => {
  it('reads on worker threads exactly what it reads in-process', async () => {
    expect(expected.sessions).toBeGreaterThanOrEqual(16);
    const [inProcess, threaded] = await Promise.all([importInto('0'), importInto('2')]);
    const a = withoutState(snapshotFiles(inProcess));
    const b = withoutState(snapshotFiles(threaded));
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const name of Object.keys(a)) expect(b[name], name).toBe(a[name]);
    const calls = ledgerLines(threaded).filter((l) => l.type === 'call');
    expect(calls.length).toBe(expected.calls);
    expect(calls.reduce((s, c) => s + (c.input_tokens as number), 0)).toBe(expected.input_tokens);
    expect(calls.reduce((s, c) => s + (c.output_tokens as number), 0)).toBe(expected.output_tokens);
  });

  it('packs the closed sessions by bucket, and every command still finds their state', async () => {
    const root = await importInto('2');
    // Every imported session in the bucket its id hashes to, and only there; no own files.
    const imported = ledgerSessions(root);
    expect(imported.length).toBe(expected.sessions);
    expect(bucketsHeld(root)).toEqual(bucketsFor(imported));
    expect(Object.keys(bucketsHeld(root)).length).toBeGreaterThan(1);
    expect(ownStates(root)).toEqual([]);
    expect(existsSync(path.join(stateDir(root), 'packs'))).toBe(false);
    const cwd = path.dirname(root);
    const doctor = await tokj(cwd, ['doctor']);
    expect(doctor.exitCode, doctor.stdout + doctor.stderr).toBe(0);

    // A person's note under a month log makes the next command parse it and render the log
    // whole: from the packed states of every imported session of that month, plus the new one.
    const logBefore = monthLogRows(root);
    const newestLog = path.join(root, 'work_journal', 'log', `${newestMonth(root)}.md`);
    appendFileSync(newestLog, '\nNotes from the team: imported on Monday.\n');
    expect((await tokj(cwd, ['init', 'after-import', 'openai', 'gpt-4o'])).exitCode).toBe(0);
    expect((await tokj(cwd, ['record', '1500', '800', '--session', 'after-import'])).exitCode).toBe(0);
    expect(readFileSync(newestLog, 'utf8')).toContain('Notes from the team: imported on Monday.');
    const logAfter = monthLogRows(root);
    expect(logAfter.slice(0, logBefore.length)).toEqual(logBefore);
    expect(logAfter.length).toBe(logBefore.length + 1);
    expect(logAfter.at(-1)?.slice(0, 3)).toEqual(['after-import', expect.any(String), 'active']);
    expect(existsSync(path.join(stateDir(root), 'after-import.json'))).toBe(true);

    // Importing the same logs again records nothing and leaves the ledger as it was: read
    // again in full (no memo of what was read), every call is a duplicate.
    const ledger = snapshotFiles(path.join(root, 'monitoring', 'ledger'));
    rmSync(path.join(root, 'monitoring', '.state', 'claude-code-import.json'));
    const again = await tokj(cwd, ['import', '--from', 'claude-code', tree, '--json'], { env: threaded('2') });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(threadsRan(again.stderr)).toBe(2);
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 0, duplicates: expected.calls, unchanged_transcripts: 0 });
    expect(snapshotFiles(path.join(root, 'monitoring', 'ledger'))).toEqual(ledger);
    expect((await tokj(cwd, ['doctor'])).exitCode).toBe(0);
  });

  it('rebuilds the same journal from the ledger (states repacked, views rendered whole)', async () => {
    const root = await importInto('2');
    const before = withoutState(snapshotFiles(root));
    const buckets = bucketsHeld(root);
    const r = await tokj(path.dirname(root), ['rebuild']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(withoutState(snapshotFiles(root))).toEqual(before);
    expect(bucketsHeld(root)).toEqual(buckets);
    expect(bucketsHeld(root)).toEqual(bucketsFor(ledgerSessions(root)));
    expect(ownStates(root)).toEqual([]);
    expect((await tokj(path.dirname(root), ['doctor'])).exitCode).toBe(0);
  });

  it('rebuild reuses spans only where a file is as the tool wrote it', async () => {
    const root = await importInto('0');
    const cwd = path.dirname(root);
    const sessionsDir = path.join(root, 'monitoring', 'sessions');
    const edited = readdirSync(sessionsDir).sort()[0]!;
    const editedFile = path.join(sessionsDir, edited);
    writeFileSync(editedFile, readFileSync(editedFile, 'utf8').replace('## Session Information', 'Reviewed by Ana: fine.\n\n## Session Information'));
    const before = withoutState(snapshotFiles(root));
    const reparsed = (stderr: string): string[] => stderr.split('\n').filter((l) => l.includes('view reparse')).map((l) => l.replace(/.*view reparse /, ''));

    // Only the file a person changed is parsed (its note kept, its blocks rendered whole
    // from the ledger); every other view is rendered whole at its kept spans.
    const r = await tokj(cwd, ['rebuild'], { env: { TOKJ_TRACE: '1' } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(reparsed(r.stderr)).toEqual([path.join('monitoring', 'sessions', edited)]);
    expect(withoutState(snapshotFiles(root))).toEqual(before);
    expect(readFileSync(editedFile, 'utf8')).toContain('Reviewed by Ana: fine.');

    // doctor reads unchanged files at their spans, and parses a changed one: a deleted row shows.
    const text = readFileSync(editedFile, 'utf8');
    writeFileSync(editedFile, text.replace(/\n\| 2 \|[^\n]*/, ''));
    const doctor = await tokj(cwd, ['doctor']);
    expect(doctor.exitCode).toBe(1);
    expect(doctor.stdout + doctor.stderr).toMatch(new RegExp(`${edited}: Usage Tracking has \\d+ rows; the ledger holds \\d+ calls`));
    writeFileSync(editedFile, text);

    // Damaged derived state is no obstacle: those views are parsed again.
    const damaged = Object.keys(bucketsHeld(root));
    expect(damaged.length).toBeGreaterThan(1);
    for (const name of damaged) writeFileSync(path.join(bucketDir(root), name), '{"sessions": {"broken');
    const again = await tokj(cwd, ['rebuild'], { env: { TOKJ_TRACE: '1' } });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(reparsed(again.stderr).length).toBe(expected.sessions);
    expect(withoutState(snapshotFiles(root))).toEqual(before);
    expect(bucketsHeld(root)).toEqual(bucketsFor(ledgerSessions(root)));
    expect((await tokj(cwd, ['doctor'])).exitCode).toBe(0);
  });

  it('a second import replaces only the buckets of the sessions it closes; every bucket holds its sessions', async () => {
    const root = await importInto('0');
    const cwd = path.dirname(root);
    const first = ledgerSessions(root);
    const bucketFiles = (): Record<string, { bytes: string; ino: number }> =>
      Object.fromEntries(Object.keys(bucketsHeld(root)).map((name) => [name, { bytes: readFileSync(path.join(bucketDir(root), name), 'utf8'), ino: statSync(path.join(bucketDir(root), name)).ino }]));
    const before = bucketFiles();
    const second = tempDir('tokj-cc-tree-');
    const more = writeClaudeTree(second, { lines: 9_000, seed: 8 });
    expect(more.sessions).toBeGreaterThanOrEqual(16);
    const r = await tokj(cwd, ['import', '--from', 'claude-code', second, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const added = ledgerSessions(root).filter((id) => !first.includes(id));
    expect(added.length).toBe(more.sessions);
    expect(bucketsHeld(root)).toEqual(bucketsFor([...first, ...added]));
    expect(ownStates(root)).toEqual([]);
    // A bucket none of the new sessions hashes to is the very file the first import wrote
    // (same inode: not replaced); one that takes new sessions was replaced.
    const touched = new Set(Object.keys(bucketsFor(added)));
    const after = bucketFiles();
    const untouched = Object.keys(before).filter((name) => !touched.has(name));
    expect(untouched.length).toBeGreaterThan(0);
    for (const name of untouched) expect(after[name], name).toEqual(before[name]);
    for (const name of Object.keys(before).filter((n) => touched.has(n))) expect(after[name]!.ino, name).not.toBe(before[name]!.ino);
    expect((await tokj(cwd, ['doctor'])).exitCode).toBe(0);
    // Month logs rendered whole (a person's note makes the next command parse them) list all.
    for (const name of readdirSync(path.join(root, 'work_journal', 'log'))) appendFileSync(path.join(root, 'work_journal', 'log', name), '\nChecked after the second import.\n');
    expect((await tokj(cwd, ['init', 'next', 'openai', 'gpt-4o'])).exitCode).toBe(0);
    expect(monthLogRows(root).length).toBe(expected.sessions + more.sessions + 1);
  });

  it('imports 200,000 calls into one session, and re-renders it after a person edits it', async () => {
    const cwd = tempDir();
    const lines: string[] = [];
    for (let i = 0; i < 200_000; i++) lines.push(JSON.stringify({ session: 'one', timestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(), provider: 'openai', model: 'gpt-4o', input_tokens: 100, output_tokens: 20 }));
    writeFileSync(path.join(cwd, 'calls.jsonl'), `${lines.join('\n')}\n`);
    const r = await tokj(cwd, ['import', 'calls.jsonl', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ imported: 200_000, sessions: 1 });
    const root = path.join(cwd, '.ai_workflow');
    expect(ledgerLines(root).filter((l) => l.type === 'call').length).toBe(200_000);
    // 200,000 calls x $0.00045 (100 in at $2.50/M, 20 out at $10/M)
    // (read as text: a 200,000-row table is too big for the test's own markdown parser)
    const file = path.join(root, 'monitoring', 'sessions', 'one.md');
    expect(readFileSync(file, 'utf8')).toContain('\n- **Total Cost**: $90.00\n');
    // A person's note in that file: the next command parses it without holding 200,000 rows
    // in a syntax tree (elide.ts), keeps the note, and the table stays whole.
    writeFileSync(file, readFileSync(file, 'utf8').replace('## Session Information', 'A note from Ana.\n\n## Session Information'));
    const rebuilt = await tokj(cwd, ['rebuild']);
    expect(rebuilt.exitCode, rebuilt.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('A note from Ana.\n\n## Session Information');
    expect(text.split('\n').filter((l) => /^\| \d+ \| 2026-/.test(l)).length).toBe(200_000);
    expect((await tokj(cwd, ['doctor'])).exitCode).toBe(0);
  });

  it('writes session files a person can read: a blank line before every section', async () => {
    const root = await importInto('0');
    const dir = path.join(root, 'monitoring', 'sessions');
    for (const name of readdirSync(dir)) {
      const text = readFileSync(path.join(dir, name), 'utf8');
      const lines = text.split('\n');
      lines.forEach((line, i) => {
        if (i > 0 && line.startsWith('#')) expect(lines[i - 1], `${name}:${i + 1}`).toBe('');
      });
      expect(text.endsWith('\n') && !text.endsWith('\n\n')).toBe(true);
      expect(text).toMatch(/## Session Completion\n\n- \*\*Status\*\*: completed\n/);
    }
  });
});
