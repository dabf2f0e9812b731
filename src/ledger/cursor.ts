/**
 * Positions in the ledger. The ledger is a set of append-only segment files, one per month
 * and host (YYYY-MM.<host>.jsonl), so journals shared through git merge without conflicts:
 * each host appends only to its own files. A derived state records, per segment file, the
 * offset up to which it has applied the entries (`Applied`); an entry at (file, offset)
 * is new to that state exactly when offset >= applied[file].
 */
export interface Cursor {
  file: string;
  offset: number;
}

export type Applied = Record<string, number>;

export function isApplied(applied: Applied, at: Cursor): boolean {
  return at.offset < (applied[at.file] ?? 0);
}

export function markApplied(applied: Applied, end: Cursor): void {
  if (end.offset > (applied[end.file] ?? 0)) applied[end.file] = end.offset;
}

export function sameCursor(a: Cursor, b: Cursor): boolean {
  return a.file === b.file && a.offset === b.offset;
}

/** Whether two cursors name the same offsets (a segment at 0 counts as absent). */
export function sameApplied(a: Applied, b: Applied): boolean {
  const keys = Object.keys(a).filter((k) => a[k] !== 0);
  return keys.length === Object.keys(b).filter((k) => b[k] !== 0).length && keys.every((k) => a[k] === b[k]);
}

/**
 * Whether `a` has applied strictly more than `b`: every offset at least b's, one greater. The
 * cursors of one journal's states only grow, so of two copies of a state the one ahead is the
 * later; copies whose cursors are not ordered either way (a ledger cut back by hand) are not.
 */
export function isAhead(a: Applied, b: Applied): boolean {
  return Object.keys(b).every((k) => (a[k] ?? 0) >= b[k]!) && !sameApplied(a, b);
}
