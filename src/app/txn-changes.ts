/**
 * What a transaction changed, noted as entries are folded: which sessions, their new calls,
 * and which views cannot be patched and must be rendered whole (a call or a session that
 * arrived out of order, a state folded again from the ledger). The commit renders from it.
 */
import type { Folded } from '../core/fold.js';
import type { CallRecord, LedgerEntry } from '../ledger/record.js';
import type { Alert } from '../core/alert.js';
import type { KeyedEntry } from './replay.js';

export class TxnChanges {
  /** Sessions with a new entry, or refolded. */
  readonly touched = new Set<string>();
  readonly newCalls = new Map<string, Array<KeyedEntry<CallRecord>>>();
  /** Sessions whose usage table is rendered whole (a call arrived out of order, or the state was refolded). */
  readonly wholeUsage = new Set<string>();
  /** Month logs rendered whole: a session arrived out of order, or moved between months. */
  readonly wholeMonths = new Set<string>();
  recentChanged = false;
  /** The journal's list of latest sessions lost track of which come next: recompute it. */
  recentStale = false;
  /** The journal state changed (a line applied or skipped, an alert). */
  journalTouched = false;
  readonly alerts: Alert[] = [];

  noteFolded(folded: Folded, entry: LedgerEntry, key: string): void {
    this.journalTouched = true;
    const id = folded.session.session;
    this.touched.add(id);
    const { placed } = folded;
    if (placed) {
      for (const month of placed.reorderedMonths) this.wholeMonths.add(month);
      if (placed.recentChanged) this.recentChanged = true;
      if (placed.recentStale) this.recentStale = true;
    }
    if (entry.type === 'call') {
      if (folded.callOutOfOrder) this.wholeUsage.add(id);
      const list = this.newCalls.get(id);
      if (list) list.push({ entry, key });
      else this.newCalls.set(id, [{ entry, key }]);
    }
  }

  noteRefolded(id: string): void {
    this.touched.add(id);
    this.wholeUsage.add(id);
  }
}
