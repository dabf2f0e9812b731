/**
 * Session-state packs: closed sessions' states written by an import go into buckets keyed by
 * a hash of the session id (.state/sessions/buckets/<3 hex digits>.json). A command that needs
 * one packed state parses that state's bucket and no other; a crash, a damaged bucket and a
 * journal written by the previous version (one pack, packs/<seq>.json) are all recovered from.
 */
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, snapshotFiles, tempDir, tokj } from '../helpers.js';
import { bucketDir, bucketFileOf, bucketsFor, bucketsHeld, bucketsParsed, ledgerSessions, ownStates, packedState, stateDir } from './state-buckets.js';

/** Every command runs at this time: the imported calls below are all before it. */
const env = { TOKJ_NOW: '2026-04-01T00:00:00.000Z' };
const run = (cwd: string, args: string[], extra: Record<string, string> = {}) => tokj(cwd, args, { env: { ...env, ...extra } });
const traced = { TOKJ_TRACE: '1' };

const pad = (i: number): string => String(i).padStart(2, '0');

/** A `tokj import` file: one gpt-4o call per session, 1000+i in and 100 out, an hour apart from March 1st. */
function importFile(cwd: string, name: string, sessions: string[], extra: { input?: number; day?: number } = {}): string {
  const lines = sessions.map((session, i) =>
    JSON.stringify({ session, timestamp: new Date(Date.UTC(2026, 2, extra.day ?? 1, i)).toISOString(), provider: 'openai', model: 'gpt-4o', input_tokens: (extra.input ?? 1000) + i, output_tokens: 100 }),
  );
  writeFileSync(path.join(cwd, name), `${lines.join('\n')}\n`);
  return name;
}

async function importSessions(cwd: string, name: string, sessions: string[], extra: { input?: number; day?: number } = {}): Promise<void> {
  const r = await run(cwd, ['import', importFile(cwd, name, sessions, extra), '--json']);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ imported: sessions.length, sessions: sessions.length });
}

const ids = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${pad(i)}`);

async function statusOf(cwd: string, id: string, extra: Record<string, string> = {}): Promise<{ json: { totals: Record<string, unknown>; status: string }; stderr: string }> {
  const r = await run(cwd, ['status', '--session', id, '--json'], extra);
  expect(r.exitCode, r.stderr).toBe(0);
  return { json: JSON.parse(r.stdout), stderr: r.stderr };
}

const uniqueSorted = (names: string[]): string[] => [...new Set(names)].sort();

describe('reading packed states', () => {
  it('a command that needs one packed state parses its bucket and no other', async () => {
    const cwd = tempDir();
    const root = path.join(cwd, '.ai_workflow');
    const sessions = ids('s-', 40);
    await importSessions(cwd, 'calls.jsonl', sessions);
    expect(bucketsHeld(root)).toEqual(bucketsFor(sessions));
    expect(Object.keys(bucketsHeld(root)).length).toBeGreaterThan(20);
    expect(ownStates(root)).toEqual([]);

    // s-07: 1007 in at $2.50/M + 100 out at $10/M = $0.0035175
    const first = await statusOf(cwd, 's-07', traced);
    expect(first.json.status).toBe('completed');
    expect(first.json.totals).toMatchObject({ calls: 1, input_tokens: 1007, output_tokens: 100, cost_usd: '0.0035175' });
    expect(bucketsParsed(first.stderr)).toEqual([bucketFileOf('s-07')]);

    // Every other bucket damaged: reading s-07 never notices (a damaged bucket read would
    // refold its sessions and write their views and states again: nothing is written).
    const others = Object.keys(bucketsHeld(root)).filter((name) => name !== bucketFileOf('s-07'));
    for (const name of others) writeFileSync(path.join(bucketDir(root), name), '{"sessions": {"broken');
    const before = snapshotFiles(root);
    const again = await statusOf(cwd, 's-07', traced);
    expect(again.json).toEqual(first.json);
    expect(bucketsParsed(again.stderr)).toEqual([bucketFileOf('s-07')]);
    expect(snapshotFiles(root)).toEqual(before);

    // doctor names the damaged files, and its fix rebuilds them from the ledger.
    const doctor = await run(cwd, ['doctor']);
    expect(doctor.exitCode).toBe(1);
    for (const name of others) expect(doctor.stdout + doctor.stderr).toContain(path.join('monitoring', '.state', 'sessions', 'buckets', name));
    expect(doctor.stdout + doctor.stderr).not.toContain(bucketFileOf('s-07'));
    const fix = await run(cwd, ['doctor', '--fix']);
    expect(fix.exitCode, fix.stdout + fix.stderr).toBe(0);
    expect((await run(cwd, ['doctor'])).exitCode).toBe(0);
    expect(bucketsHeld(root)).toEqual(bucketsFor(sessions));
    expect((await statusOf(cwd, 's-23')).json.totals).toMatchObject({ calls: 1, input_tokens: 1023 });
  });

  it('monitor --by session parses only the buckets of the sessions it compares', async () => {
    const cwd = tempDir();
    await importSessions(cwd, 'calls.jsonl', ids('s-', 40));
    const r = await run(cwd, ['monitor', '--by', 'session', '--session', 's-39', '--window', '3', '--json'], traced);
    expect(r.exitCode, r.stderr).toBe(0);
    // s-39 against s-36, s-37, s-38: 1,139 tokens against an average of 1,137.
    expect(JSON.parse(r.stdout)).toMatchObject({ alert: false, value: '1139', average: '1137', samples: 3 });
    expect(uniqueSorted(bucketsParsed(r.stderr))).toEqual(uniqueSorted(['s-36', 's-37', 's-38', 's-39'].map(bucketFileOf)));
  });

  it('after an import, the next command reads back no packed state but those it shows', async () => {
    const cwd = tempDir();
    const root = path.join(cwd, '.ai_workflow');
    await importSessions(cwd, 'calls.jsonl', ids('s-', 40));
    // The import marked its states written: `init` checks none of the 40 it listed as pending,
    // and reads only the 19 other sessions of Recent Sessions (s-21 … s-39) to render it.
    const r = await run(cwd, ['init', 'next', 'openai', 'gpt-4o', '-q'], traced);
    expect(r.exitCode, r.stderr).toBe(0);
    const recent = (JSON.parse(readFileSync(path.join(root, 'monitoring', '.state', 'journal.json'), 'utf8')) as { recent: Array<[string, string]> }).recent.map(([, id]) => id);
    expect(recent).toEqual([...ids('s-', 40).slice(21), 'next']);
    expect(uniqueSorted(bucketsParsed(r.stderr))).toEqual(uniqueSorted(recent.slice(0, -1).map(bucketFileOf)));
  });

  it('states a crash left behind in their buckets are refolded from the ledger', async () => {
    const cwd = tempDir();
    const root = path.join(cwd, '.ai_workflow');
    const sessions = ids('s-', 20);
    await importSessions(cwd, 'first.jsonl', sessions);
    const saved = tempDir('tokj-buckets-');
    cpSync(bucketDir(root), saved, { recursive: true });
    // A second call for each session, a day later: the states are packed again.
    await importSessions(cwd, 'second.jsonl', sessions, { day: 2, input: 2000 });
    expect(packedState(root, 's-05')).toMatchObject({ totals: expect.objectContaining({ calls: 2 }) });
    // As if killed after the journal state (which lists the 20 as pending) but before any
    // bucket was replaced: the buckets, and the previous import's mark, as they were.
    rmSync(bucketDir(root), { recursive: true });
    cpSync(saved, bucketDir(root), { recursive: true });
    expect(packedState(root, 's-05')).toMatchObject({ totals: expect.objectContaining({ calls: 1 }) });

    // s-05: (1005 + 2005) in at $2.50/M + 200 out at $10/M = $0.009525
    const { json, stderr } = await statusOf(cwd, 's-05', traced);
    expect(json.totals).toMatchObject({ calls: 2, input_tokens: 3010, output_tokens: 200, cost_usd: '0.009525' });
    // Every pending state was read back (every bucket), found behind, refolded and packed again.
    expect(uniqueSorted(bucketsParsed(stderr))).toEqual(Object.keys(bucketsFor(sessions)));
    for (const id of sessions) expect(packedState(root, id), id).toMatchObject({ totals: expect.objectContaining({ calls: 2 }) });
    expect((await run(cwd, ['doctor'])).exitCode).toBe(0);
  });

  it('a damaged bucket is left for rebuild: the sessions it would take keep own files', async () => {
    const cwd = tempDir();
    const root = path.join(cwd, '.ai_workflow');
    const first = ids('s-', 20);
    await importSessions(cwd, 'first.jsonl', first);
    const damaged = Object.keys(bucketsHeld(root));
    for (const name of damaged) writeFileSync(path.join(bucketDir(root), name), '{"sessions": {"broken');
    // Ten new sessions that hash into damaged buckets, ten that do not.
    const into: string[] = [];
    const beside: string[] = [];
    for (let n = 0; into.length < 10 || beside.length < 10; n++) {
      const id = `t-${n}`;
      const list = damaged.includes(bucketFileOf(id)) ? into : beside;
      if (list.length < 10) list.push(id);
    }
    const second = [...into, ...beside].sort();
    await importSessions(cwd, 'second.jsonl', second, { day: 2 });
    for (const name of damaged) expect(readFileSync(path.join(bucketDir(root), name), 'utf8'), name).toBe('{"sessions": {"broken');
    const own = ownStates(root);
    for (const id of into) expect(own, id).toContain(id);
    for (const id of beside) expect(own, id).not.toContain(id);
    expect(bucketsHeld(root, damaged)).toEqual(bucketsFor(beside));
    const doctor = await run(cwd, ['doctor']);
    expect(doctor.exitCode).toBe(1);
    expect(doctor.stdout).toMatch(/monitoring\/\.state\/sessions\/buckets\/[0-9a-f]{3}\.json: derived state of session s-\d\d is damaged/);
    // Every state is still found: refolded where its bucket is damaged, and kept in its own file then.
    for (const id of [...first, ...second]) expect((await statusOf(cwd, id)).json.totals, id).toMatchObject({ calls: 1 });
    expect(ownStates(root)).toEqual([...first, ...into].sort());
    const rebuilt = await run(cwd, ['rebuild']);
    expect(rebuilt.exitCode, rebuilt.stderr).toBe(0);
    expect(bucketsHeld(root)).toEqual(bucketsFor([...first, ...second]));
    expect(ownStates(root)).toEqual([]);
    expect((await run(cwd, ['doctor'])).exitCode).toBe(0);
  });
});

/**
 * test/fixtures/journal-packs-v1 was written by the previous version (one pack per journal,
 * packs/<seq>.json): `init live` and one record into it, an import of 20 sessions imp-00 …
 * imp-19 (two calls each: packed), then an import of one more call into imp-03 (alone: its
 * own file, newer than its copy in the pack). TOKJ_HOST=fixture, TOKJ_NOW 2026-11-10.
 */
describe('a journal written by the previous version', () => {
  const fixture = path.join(repoRoot, 'test', 'fixtures', 'journal-packs-v1', '.ai_workflow');
  const legacyPack = (): Record<string, unknown> => JSON.parse(readFileSync(path.join(fixture, 'monitoring', '.state', 'sessions', 'packs', '1.json'), 'utf8')).sessions;
  const imported = ids('imp-', 20);

  function copyFixture(): { cwd: string; root: string } {
    const cwd = tempDir();
    cpSync(fixture, path.join(cwd, '.ai_workflow'), { recursive: true });
    return { cwd, root: path.join(cwd, '.ai_workflow') };
  }

  it('is read as it is by doctor, which changes nothing', async () => {
    const { cwd, root } = copyFixture();
    expect(Object.keys(legacyPack()).sort()).toEqual(imported);
    const before = snapshotFiles(root);
    const doctor = await run(cwd, ['doctor']);
    expect(doctor.exitCode, doctor.stdout + doctor.stderr).toBe(0);
    expect(snapshotFiles(root)).toEqual(before);
  });

  it('is moved into buckets by the first command that reads a packed state', async () => {
    const { cwd, root } = copyFixture();
    // imp-05: (1050 + 1051) in at $2.50/M + (205 + 205) out at $10/M = $0.0093525
    const { json } = await statusOf(cwd, 'imp-05');
    expect(json.totals).toMatchObject({ calls: 2, input_tokens: 2101, output_tokens: 410, cost_usd: '0.0093525' });
    expect(existsSync(path.join(stateDir(root), 'packs'))).toBe(false);
    // Moved, not refolded: each state as the pack held it. imp-03's stale copy is dropped (its own file is newer).
    const moved = imported.filter((id) => id !== 'imp-03');
    expect(bucketsHeld(root)).toEqual(bucketsFor(moved));
    const pack = legacyPack();
    for (const id of moved) expect(packedState(root, id), id).toEqual(pack[id]);
    expect(ownStates(root)).toEqual(['imp-03', 'live']);
    // imp-03: its own file (three calls) counts, not the pack's copy (two).
    expect((pack['imp-03'] as { totals: { calls: number } }).totals.calls).toBe(2);
    expect((await statusOf(cwd, 'imp-03')).json.totals).toMatchObject({ calls: 3 });
    for (const id of moved) expect((await statusOf(cwd, id)).json.totals, id).toMatchObject({ calls: 2 });
    expect((await run(cwd, ['doctor'])).exitCode).toBe(0);
  });

  it('is moved into buckets by the next import that packs states', async () => {
    const { cwd, root } = copyFixture();
    const fresh = ids('new-', 16);
    await importSessions(cwd, 'more.jsonl', fresh, { day: 20 });
    expect(readdirSync(stateDir(root)).includes('packs')).toBe(false);
    expect(bucketsHeld(root)).toEqual(bucketsFor([...imported.filter((id) => id !== 'imp-03'), ...fresh]));
    expect(ownStates(root)).toEqual(['imp-03', 'live']);
    expect(ledgerSessions(root)).toEqual([...imported, 'live', ...fresh].sort());
    expect((await run(cwd, ['doctor'])).exitCode).toBe(0);
    for (const id of ['imp-00', 'imp-19', 'new-00', 'new-15']) expect((await statusOf(cwd, id)).json.status, id).toBe('completed');
  });
});

