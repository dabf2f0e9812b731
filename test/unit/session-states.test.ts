/**
 * Where session states are stored (app/session-states.ts), in-process on a temp journal: own
 * files, hash buckets, the previous version's packs, and which copy counts when several exist.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutOf, sessionStatePath, type Layout } from '../../src/app/layout.js';
import { bucketOf, PACK_FROM, SessionStates } from '../../src/app/session-states.js';
import { emptySessionState, type SessionState } from '../../src/core/session-state.js';
import { tempDir } from '../helpers.js';

const SEGMENT = '2026-03.unit.jsonl';

function journal(): Layout {
  const layout = layoutOf(path.join(tempDir(), '.ai_workflow'));
  mkdirSync(layout.sessionStateDir, { recursive: true });
  return layout;
}

/** A closed session's state whose call count tells the copies apart, at a ledger offset. */
function closed(id: string, calls: number, offset: number): SessionState {
  const s = emptySessionState(id, '2026-03-01T00:00:00.000Z', `k ${id}`);
  return { ...s, status: 'completed', totals: { ...s.totals, calls }, applied: { [SEGMENT]: offset } };
}

const callsOf = (s: SessionState | null): number | null => s?.totals.calls ?? null;
const known = (): boolean => true;
const fillers = (n: number, offset: number): SessionState[] => Array.from({ length: n }, (_, i) => closed(`filler-${i}`, 1, offset));

function writeLegacy(layout: Layout, seq: number, states: SessionState[]): void {
  const dir = path.join(layout.sessionStateDir, 'packs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${seq}.json`), JSON.stringify({ sessions: Object.fromEntries(states.map((s) => [s.session, s])) }));
}

describe('SessionStates', () => {
  it(`packs ${PACK_FROM} or more closed sessions into their buckets and marks the commit written`, () => {
    const layout = journal();
    const states = [...fillers(PACK_FROM - 1, 100), closed('a', 3, 100)];
    writeFileSync(sessionStatePath(layout, 'a'), JSON.stringify(closed('a', 2, 50)));
    new SessionStates(layout).write(states);
    expect(existsSync(sessionStatePath(layout, 'a'))).toBe(false);
    const names = readdirSync(path.join(layout.sessionStateDir, 'buckets')).sort();
    expect(names).toEqual([...new Set(states.map((s) => `${bucketOf(s.session)}.json`)), 'written.json'].sort());
    const read = new SessionStates(layout);
    expect(callsOf(read.read('a', known))).toBe(3);
    // Unknown to the journal: packs are not searched.
    expect(read.read('a', () => false)).toBeNull();
    const ids = states.map((s) => s.session);
    expect(read.wroteAll(ids, { [SEGMENT]: 100 })).toBe(true);
    expect(read.wroteAll(ids, { [SEGMENT]: 101 })).toBe(false);
    expect(read.wroteAll([...ids.slice(1), 'other'], { [SEGMENT]: 100 })).toBe(false);
    // Fewer closed sessions: own files, and the mark stays the earlier commit's.
    read.write([closed('b', 1, 120)]);
    expect(existsSync(sessionStatePath(layout, 'b'))).toBe(true);
    expect(new SessionStates(layout).wroteAll(['b'], { [SEGMENT]: 120 })).toBe(false);
  });

  it('reads ids that name Object.prototype members as plain ids', () => {
    const layout = journal();
    const odd = ['__proto__', 'constructor', 'toString'];
    new SessionStates(layout).write([...fillers(PACK_FROM - odd.length, 10), ...odd.map((id, i) => closed(id, i + 1, 10))]);
    const read = new SessionStates(layout);
    expect(odd.map((id) => callsOf(read.read(id, known)))).toEqual([1, 2, 3]);
    expect(read.readAll().get('__proto__')?.totals.calls).toBe(1);
    // An id whose bucket exists but does not hold it: not found (not Object's own member).
    let other = 0;
    while (bucketOf(`x-${other}`) !== bucketOf('valueOf')) other++;
    new SessionStates(layout).write([...fillers(PACK_FROM - 1, 20), closed(`x-${other}`, 1, 20)]);
    expect(existsSync(path.join(layout.sessionStateDir, 'buckets', `${bucketOf('valueOf')}.json`))).toBe(true);
    expect(new SessionStates(layout).read('valueOf', known)).toBeNull();
  });

  it("counts an own file first, then of a bucket's and an old pack's copy the one further along the ledger", () => {
    const layout = journal();
    new SessionStates(layout).write([...fillers(PACK_FROM - 1, 100), closed('a', 3, 100)]);
    // The old pack's copy is behind the bucket's (a crash while moving it): the bucket's counts.
    writeLegacy(layout, 1, [closed('a', 2, 50)]);
    expect(callsOf(new SessionStates(layout).read('a', known))).toBe(3);
    expect(callsOf(new SessionStates(layout).readAll().get('a') ?? null)).toBe(3);
    // At the same cursor: the bucket's.
    writeLegacy(layout, 1, [closed('a', 4, 100)]);
    expect(callsOf(new SessionStates(layout).read('a', known))).toBe(3);
    // Ahead (written by the previous version after this one): the old pack's; the newest pack of several.
    writeLegacy(layout, 1, [closed('a', 5, 150)]);
    writeLegacy(layout, 2, [closed('a', 6, 160)]);
    expect(callsOf(new SessionStates(layout).read('a', known))).toBe(6);
    expect(callsOf(new SessionStates(layout).readAll().get('a') ?? null)).toBe(6);
    writeFileSync(sessionStatePath(layout, 'a'), JSON.stringify(closed('a', 7, 170)));
    expect(callsOf(new SessionStates(layout).read('a', known))).toBe(7);
  });

  it('moves old packs into buckets when it packs, keeping the copy further along, and removes them', () => {
    const layout = journal();
    new SessionStates(layout).write([...fillers(PACK_FROM - 1, 100), closed('a', 3, 100)]);
    writeLegacy(layout, 1, [closed('a', 2, 50), closed('b', 1, 50), closed('c', 1, 50)]);
    writeLegacy(layout, 2, [closed('a', 5, 150), closed('b', 2, 150)]);
    writeFileSync(sessionStatePath(layout, 'c'), JSON.stringify(closed('c', 9, 90)));
    new SessionStates(layout).write(Array.from({ length: PACK_FROM }, (_, i) => closed(`new-${i}`, 1, 200)));
    expect(existsSync(path.join(layout.sessionStateDir, 'packs'))).toBe(false);
    const read = new SessionStates(layout);
    expect(['a', 'b', 'c', 'new-0'].map((id) => callsOf(read.read(id, known)))).toEqual([5, 2, 9, 1]);
    // c's stale packed copy was dropped, not moved: its own file is the newer.
    const all = read.readAll();
    expect(Object.fromEntries(['a', 'b', 'c'].map((id) => [id, callsOf(all.get(id) ?? null)]))).toEqual({ a: 5, b: 2, c: 9 });
    expect(all.size).toBe(3 + PACK_FROM + PACK_FROM - 1);
  });

  it('an old pack read in a transaction is moved into buckets by its write, even with nothing to pack', () => {
    const layout = journal();
    writeLegacy(layout, 3, [closed('a', 2, 50), closed('b', 1, 50)]);
    const states = new SessionStates(layout);
    expect(callsOf(states.read('a', known))).toBe(2);
    states.write([]);
    expect(existsSync(path.join(layout.sessionStateDir, 'packs'))).toBe(false);
    expect(readdirSync(path.join(layout.sessionStateDir, 'buckets')).sort()).toEqual([...new Set([`${bucketOf('a')}.json`, `${bucketOf('b')}.json`])].sort());
    expect(['a', 'b'].map((id) => callsOf(new SessionStates(layout).read(id, known)))).toEqual([2, 1]);
    // Not read, not packing: an old pack stays where it is.
    writeLegacy(layout, 4, [closed('c', 1, 60)]);
    new SessionStates(layout).write([closed('d', 1, 70)]);
    expect(existsSync(path.join(layout.sessionStateDir, 'packs', '4.json'))).toBe(true);
  });

  it('a damaged bucket throws on read and is left as it is on write; its sessions keep own files', () => {
    const layout = journal();
    const dir = path.join(layout.sessionStateDir, 'buckets');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${bucketOf('a')}.json`), '{"sessions": {"bro');
    expect(() => new SessionStates(layout).read('a', known)).toThrow(/is damaged; run `tokj rebuild`/);
    new SessionStates(layout).write([...fillers(PACK_FROM - 1, 100), closed('a', 3, 100)]);
    expect(existsSync(sessionStatePath(layout, 'a'))).toBe(true);
    expect(callsOf(new SessionStates(layout).read('a', known))).toBe(3);
    expect(new SessionStates(layout).storedIn('a')).toBe(sessionStatePath(layout, 'a'));
    expect(new SessionStates(layout).storedIn('zz')).toBe(path.join(dir, `${bucketOf('zz')}.json`));
  });
});
