/**
 * Where session states live. Each session has its own file, `.state/sessions/<id>.json`,
 * read and replaced by the commands that touch one session (record, finalize). A
 * transaction that closes many sessions at once (an import of another tool's logs) writes
 * their states into packs instead: creating thousands of small files costs more than all the
 * rest of a large import. A pack is one of 4096 buckets keyed by a hash of the session id,
 * `.state/sessions/buckets/<3 hex digits>.json`, so reading one packed state parses one file
 * of tens of KB (100,000 sessions of ~1.5 KB make ~37 KB a bucket), and a write replaces only
 * the buckets of the sessions it closes. A journal gets only the buckets it uses.
 *
 * Which copy counts: a session's own file, else its bucket. Writing a bucket removes the own
 * files of the sessions it took afterwards, so an own file present is always the latest. A
 * crash in between leaves a stale own file of a session the journal state lists as pending,
 * and every state carries its ledger cursor: the next transaction finds it behind and refolds
 * it from the ledger, like any stale copy. Checking means reading every pending state back:
 * after an import, thousands. So a write that packs states ends with a mark, `buckets/
 * written.json`, naming the sessions and the cursor it wrote; when the journal state's pending
 * list and cursor are the ones marked, none was left behind and none is read back.
 *
 * The previous version kept one pack, `.state/sessions/packs/<seq>.json` (the highest sequence
 * number holding a session counts). Those are still read (whole, as then), and moved into the
 * buckets by the next transaction that writes packs or had to read them; the folder is removed
 * after the buckets are written. Where both hold a session (a crash between the two steps, or
 * the previous version run again on this journal) the copy further along the ledger counts.
 * The buckets have a folder of their own: an old pack's name can be a bucket's (123.json), and
 * whether old packs remain is then one look at a folder that is normally missing.
 */
import path from 'node:path';
import { fingerprint, fingerprintBucket } from '../core/fingerprint.js';
import type { SessionState } from '../core/session-state.js';
import { TokjError } from '../core/errors.js';
import { isAhead, type Applied } from '../ledger/cursor.js';
import { listNames, pathExists, removeTree } from '../io/dir.js';
import { removeFile } from '../io/fs.js';
import { inside } from '../io/paths.js';
import { trace } from '../io/trace.js';
import { sessionStatePath, type Layout } from './layout.js';
import { readJson, writeJson } from './state-store.js';

/** Sessions closed by one transaction from this many on are packed. */
export const PACK_FROM = 16;

/** Hex digits of a bucket's name: 4096 buckets. */
const BUCKET_DIGITS = 3;
const BUCKET_NAME = /^[0-9a-f]{3}\.json$/;
/** The previous version's packs: `<seq>.json`. */
const LEGACY_NAME = /^(\d{1,15})\.json$/;

/** The name (without .json) of the bucket that holds a session's packed state. */
export const bucketOf = (id: string): string => fingerprintBucket(id, BUCKET_DIGITS);

/** A pack file, bucket or legacy: session id -> state. */
interface Pack {
  sessions: Record<string, SessionState>;
}

/** What the previous version's packs hold, the newest copy of each session. */
interface Legacy {
  states: Map<string, SessionState>;
  /** The packs that could be read (removed once moved into buckets). */
  files: string[];
  /** The first pack that could not be read: every read of a packed state throws it. */
  damaged: TokjError | null;
}

/** A session id is a file-name-safe string, `__proto__` and `constructor` included: packs are read into Maps. */
const entriesOf = (pack: Pack | null): Array<[string, SessionState]> => Object.entries(pack?.sessions ?? {});

/** The names in a folder; none when it is missing. */
function listed(dir: string): string[] {
  try {
    return listNames(dir);
  } catch {
    return [];
  }
}

/**
 * Names one commit's states: the sessions it wrote and the cursor they carry (the journal
 * state lists the same sessions as pending, at the same cursor).
 */
function commitKey(ids: string[], applied: Applied): string {
  const cursor = Object.keys(applied)
    .filter((k) => applied[k] !== 0)
    .sort()
    .map((k) => [k, applied[k]]);
  return fingerprint(JSON.stringify([ids, cursor]));
}

/** Of two copies of a session's state, the one to trust: `held` unless `other` is further along the ledger. */
function later(held: SessionState | null, other: SessionState | null): SessionState | null {
  if (held === null) return other;
  if (other === null) return held;
  return isAhead(other.applied ?? {}, held.applied ?? {}) ? other : held;
}

export class SessionStates {
  /** Buckets parsed in this transaction, each at most once (a damaged one keeps its error). */
  private readonly buckets = new Map<string, Map<string, SessionState> | TokjError>();
  private legacy: Legacy | undefined;

  constructor(private readonly layout: Layout) {}

  private get bucketDir(): string {
    return path.join(this.layout.sessionStateDir, 'buckets');
  }

  private get legacyDir(): string {
    return path.join(this.layout.sessionStateDir, 'packs');
  }

  private bucketFile(name: string): string {
    return path.join(this.bucketDir, `${name}.json`);
  }

  private get writtenFile(): string {
    return path.join(this.bucketDir, 'written.json');
  }

  /**
   * Whether the last commit that packed states wrote every state it listed as pending (`ids`
   * at `applied`, as the journal state says): then none was left behind by a crash, and the
   * next transaction need not read them all back to check (thousands after an import).
   */
  wroteAll(ids: string[], applied: Applied): boolean {
    if (ids.length === 0) return true;
    // Only a commit that packed (that many closed sessions) marks: the record path reads no mark.
    if (ids.length < PACK_FROM) return false;
    let written: { commit?: unknown } | null = null;
    try {
      written = readJson(this.writtenFile);
    } catch {
      return false;
    }
    return written?.commit === commitKey(ids, applied);
  }

  /** The file a damaged read of `id` came from, for doctor: its own file if there is one, else its bucket. */
  storedIn(id: string): string {
    const own = sessionStatePath(this.layout, id);
    return pathExists(own) ? own : this.bucketFile(bucketOf(id));
  }

  /** A bucket's states (empty when it has no file); throws when it is damaged. */
  private bucket(name: string): Map<string, SessionState> {
    let held = this.buckets.get(name);
    if (held === undefined) {
      trace(`state bucket ${name}`);
      try {
        held = new Map(entriesOf(readJson<Pack>(this.bucketFile(name))));
      } catch (error) {
        if (!(error instanceof TokjError)) throw error;
        held = error;
      }
      this.buckets.set(name, held);
    }
    if (held instanceof TokjError) throw held;
    return held;
  }

  /** The previous version's packs, oldest first; none when its folder is gone (one syscall). */
  private legacyPacks(): string[] {
    return listed(this.legacyDir)
      .map((name) => ({ seq: Number(LEGACY_NAME.exec(name)?.[1] ?? NaN), name }))
      .filter((p) => Number.isSafeInteger(p.seq))
      .sort((a, b) => a.seq - b.seq)
      .map((p) => path.join(this.legacyDir, p.name));
  }

  private loadLegacy(): Legacy {
    if (this.legacy === undefined) {
      const legacy: Legacy = { states: new Map(), files: [], damaged: null };
      for (const file of this.legacyPacks()) {
        let pack: Pack | null;
        try {
          pack = readJson<Pack>(file);
        } catch (error) {
          if (!(error instanceof TokjError)) throw error;
          legacy.damaged ??= error;
          continue;
        }
        trace(`state legacy pack ${path.basename(file)}`);
        legacy.files.push(file);
        for (const [id, state] of entriesOf(pack)) legacy.states.set(id, state);
      }
      this.legacy = legacy;
    }
    return this.legacy;
  }

  /**
   * The stored state of a session, or null. `known()` says the journal holds the session:
   * only then are packs searched (a new session's id is looked up on every `tokj init`).
   */
  read(id: string, known: () => boolean): SessionState | null {
    const own = readJson<SessionState>(sessionStatePath(this.layout, id));
    if (own !== null || !known()) return own;
    const legacy = this.loadLegacy();
    if (legacy.damaged) throw legacy.damaged;
    return later(this.bucket(bucketOf(id)).get(id) ?? null, legacy.states.get(id) ?? null);
  }

  /**
   * Every stored state that can be read (damaged files are skipped): what a rebuild keeps of
   * the old derived state, the spans of views still byte-for-byte as the tool wrote them.
   */
  readAll(): Map<string, SessionState> {
    const tryRead = <T>(file: string): T | null => {
      try {
        return readJson<T>(file);
      } catch {
        return null;
      }
    };
    const all = new Map<string, SessionState>();
    for (const file of this.legacyPacks()) for (const [id, state] of entriesOf(tryRead<Pack>(file))) all.set(id, state);
    for (const name of listed(this.bucketDir)) {
      if (!BUCKET_NAME.test(name)) continue;
      for (const [id, state] of entriesOf(tryRead<Pack>(path.join(this.bucketDir, name)))) all.set(id, later(state, all.get(id) ?? null)!);
    }
    for (const name of listed(this.layout.sessionStateDir)) {
      if (!name.endsWith('.json')) continue;
      const state = tryRead<SessionState>(path.join(this.layout.sessionStateDir, name));
      if (state !== null && typeof state.session === 'string') all.set(state.session, state);
    }
    return all;
  }

  /**
   * Writes the states of one transaction: own files, or, for many closed sessions, their
   * buckets (each read, merged and replaced), then their own files removed. The previous
   * version's packs are moved into the buckets here when there are sessions to pack or this
   * transaction read them. A bucket that cannot be read is left where it is, for rebuild or
   * doctor to deal with; its sessions keep own files.
   */
  write(states: SessionState[]): void {
    const closed = states.filter((s) => s.status !== 'active');
    const packed = closed.length >= PACK_FROM ? closed : [];
    const inPack = new Set(packed);
    for (const s of states) if (!inPack.has(s)) writeJson(sessionStatePath(this.layout, s.session), s);
    const legacy = packed.length > 0 || this.legacy !== undefined ? this.loadLegacy() : null;
    const carried = legacy?.states ?? new Map<string, SessionState>();
    if (packed.length === 0 && carried.size === 0 && (legacy?.files.length ?? 0) === 0) return;

    const incoming = new Map<string, { carried: Array<[string, SessionState]>; packed: SessionState[] }>();
    const group = (name: string): { carried: Array<[string, SessionState]>; packed: SessionState[] } => {
      let g = incoming.get(name);
      if (!g) incoming.set(name, (g = { carried: [], packed: [] }));
      return g;
    };
    for (const entry of carried) group(bucketOf(entry[0])).carried.push(entry);
    for (const s of packed) group(bucketOf(s.session)).packed.push(s);

    // States with an own file are newer than any packed copy: not kept in a bucket rewritten now.
    const own = new Set(listed(this.layout.sessionStateDir).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length)));
    // Refuses a buckets folder that is a link out of the journal before anything is written there.
    inside(this.layout.root, 'monitoring', '.state', 'sessions', 'buckets');
    const unpacked: SessionState[] = [];
    for (const [name, g] of [...incoming].sort(([a], [b]) => (a < b ? -1 : 1))) {
      let held: Map<string, SessionState>;
      try {
        held = new Map(this.bucket(name));
      } catch {
        unpacked.push(...g.packed);
        continue;
      }
      for (const [id, state] of g.carried) held.set(id, later(held.get(id) ?? null, state)!);
      for (const id of held.keys()) if (own.has(id)) held.delete(id);
      for (const s of g.packed) held.set(s.session, s);
      this.buckets.set(name, held);
      // Emptied (what it held has newer own files): no file, as for a bucket never used.
      if (held.size === 0) removeFile(this.bucketFile(name));
      else writeJson(this.bucketFile(name), { sessions: Object.fromEntries([...held].sort(([a], [b]) => (a < b ? -1 : 1))) } satisfies Pack);
    }
    for (const s of unpacked) writeJson(sessionStatePath(this.layout, s.session), s);

    if (legacy) {
      // Moved: the folder goes, unless a pack in it could not be read (left for rebuild or doctor).
      if (legacy.damaged === null) removeTree(this.legacyDir);
      else for (const file of legacy.files) removeFile(file);
      this.legacy = undefined;
    }
    const stayed = new Set(unpacked);
    let removed = true;
    for (const s of packed) {
      // Only files listed above: an import of 20,000 new sessions makes no 20,000 failing unlinks.
      if (stayed.has(s) || !own.has(s.session)) continue;
      try {
        removeFile(sessionStatePath(this.layout, s.session));
      } catch {
        // not removable now: a later command replaces it anyway (and checks it: no mark below)
        removed = false;
      }
    }
    // Last, once every state is in place: the mark that lets the next transaction skip reading
    // them back (wroteAll). All of them carry the journal's cursor.
    if (removed && packed.length > unpacked.length) writeJson(this.writtenFile, { commit: commitKey(states.map((s) => s.session), states[0]!.applied) });
  }
}
