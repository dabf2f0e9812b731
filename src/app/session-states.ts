/**
 * Where session states live. Each session has its own file, `.state/sessions/<id>.json`,
 * read and replaced by the commands that touch one session (record, finalize). A
 * transaction that closes many sessions at once (an import of another tool's logs)
 * writes their states into one pack instead, `.state/sessions/packs/<seq>.json`: creating
 * thousands of small files costs more than all the rest of a large import, and a closed
 * session's state is read only by whole-journal work (rendering the journal whole, doctor).
 *
 * Which copy counts: a session's own file, else the pack with the highest sequence number
 * that holds it. Writing a pack removes the own files of the sessions it holds, so an own
 * file present is always the latest; it also takes in the older packs (see write), so
 * there is normally one. Every state carries its ledger cursor, so a stale copy
 * left by a crash is brought up to date by replay like any other.
 */
import path from 'node:path';
import type { SessionState } from '../core/session-state.js';
import { listNames, pathExists } from '../io/dir.js';
import { removeFile } from '../io/fs.js';
import { sessionStatePath, type Layout } from './layout.js';
import { readJson, writeJson } from './state-store.js';

/** Sessions closed by one transaction from this many on are packed. */
export const PACK_FROM = 16;

interface Pack {
  sessions: Record<string, SessionState>;
}

const PACK_NAME = /^(\d{1,15})\.json$/;

export class SessionStates {
  private packed: Map<string, SessionState> | null = null;

  constructor(private readonly layout: Layout) {}

  private get packDir(): string {
    return path.join(this.layout.sessionStateDir, 'packs');
  }

  /** Pack files, oldest first. */
  private packs(): Array<{ seq: number; file: string }> {
    let names: string[];
    try {
      names = listNames(this.packDir);
    } catch {
      return [];
    }
    return names
      .map((name) => ({ seq: Number(PACK_NAME.exec(name)?.[1] ?? NaN), file: path.join(this.packDir, name) }))
      .filter((p) => Number.isSafeInteger(p.seq))
      .sort((a, b) => a.seq - b.seq);
  }

  /**
   * The stored state of a session, or null. `known()` says the journal holds the session:
   * only then are packs searched (a new session's id is looked up on every `tokj init`).
   */
  read(id: string, known: () => boolean): SessionState | null {
    const own = readJson<SessionState>(sessionStatePath(this.layout, id));
    if (own !== null || !known()) return own;
    if (this.packed === null) {
      this.packed = new Map();
      for (const { file } of this.packs()) {
        const pack = readJson<Pack>(file);
        for (const [sid, state] of Object.entries(pack?.sessions ?? {})) this.packed.set(sid, state);
      }
    }
    return this.packed.get(id) ?? null;
  }

  /**
   * Every stored state that can be read (damaged files are skipped): what a rebuild keeps of
   * the old derived state, the spans of views still byte-for-byte as the tool wrote them.
   */
  readAll(): Map<string, SessionState> {
    const all = new Map<string, SessionState>();
    const tryRead = (file: string): SessionState | null => {
      try {
        return readJson<SessionState>(file);
      } catch {
        return null;
      }
    };
    for (const { file } of this.packs()) {
      const pack = tryRead(file) as Pack | null;
      for (const [id, state] of Object.entries(pack?.sessions ?? {})) all.set(id, state);
    }
    let names: string[] = [];
    try {
      names = listNames(this.layout.sessionStateDir);
    } catch {
      // no states at all
    }
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const state = tryRead(path.join(this.layout.sessionStateDir, name));
      if (state !== null && typeof state.session === 'string') all.set(state.session, state);
    }
    return all;
  }

  /**
   * Writes the states of one transaction: own files, or one pack for many closed sessions.
   * A new pack takes in what the older packs still hold (sessions with no newer own file)
   * and replaces them, so a journal keeps one pack however many imports it has seen. A
   * pack that cannot be read is left where it is, for rebuild or doctor to deal with.
   */
  write(states: SessionState[]): void {
    const closed = states.filter((s) => s.status !== 'active');
    const packed = closed.length >= PACK_FROM ? closed : [];
    const inPack = new Set(packed);
    for (const s of states) if (!inPack.has(s)) writeJson(sessionStatePath(this.layout, s.session), s);
    if (packed.length === 0) return;
    const older = this.packs();
    const sessions: Record<string, SessionState> = {};
    const replaced: string[] = [];
    for (const { file } of older) {
      let pack: Pack | null;
      try {
        pack = readJson<Pack>(file);
      } catch {
        continue;
      }
      replaced.push(file);
      for (const [id, state] of Object.entries(pack?.sessions ?? {})) sessions[id] = state;
    }
    for (const id of Object.keys(sessions)) if (pathExists(sessionStatePath(this.layout, id))) delete sessions[id];
    for (const s of packed) sessions[s.session] = s;
    const seq = (older.at(-1)?.seq ?? 0) + 1;
    writeJson(path.join(this.packDir, `${seq}.json`), { sessions } satisfies Pack);
    for (const file of replaced) removeFile(file);
    for (const s of packed) {
      this.packed?.set(s.session, s);
      try {
        removeFile(sessionStatePath(this.layout, s.session));
      } catch {
        // not removable now: a later command replaces it anyway
      }
    }
  }
}
