/**
 * `tokj rebuild` and `tokj doctor --fix`: every view and derived state regenerated from the
 * ledger (a transaction from scratch, keeping what people wrote around the tool's blocks);
 * its recovery also moves a torn last ledger line aside.
 */
import { diagnose, type Diagnosis } from './doctor.js';
import type { JournalAccess } from './journal-access.js';
import { JournalTxn } from './txn.js';

/** Regenerates the journal from its ledger; returns how many sessions it holds. */
export async function rebuildJournal(journal: JournalAccess): Promise<number> {
  return JournalTxn.run(journal, (txn) => txn.journal.sessions, { fromScratch: true });
}

/** The journal's problems; with `fix`, after repairing what is safe (and how many that repaired). */
export async function checkJournal(journal: JournalAccess, fix: boolean): Promise<Diagnosis & { repaired: number | null }> {
  const found = await diagnose(journal.layout);
  if (!fix || !found.problems.some((p) => p.fixable)) return { ...found, repaired: null };
  await rebuildJournal(journal);
  const after = await diagnose(journal.layout);
  return { ...after, repaired: found.problems.length - after.problems.length };
}
