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

export interface JournalCheck extends Diagnosis {
  /** With `fix`: problems repaired and ledger lines applied (null: nothing needed doing). */
  repaired: { problems: number; lines: number } | null;
}

/**
 * The journal's problems. With `fix`, first what is safe: a rebuild when a problem is
 * fixable, else a plain transaction when ledger lines wait to be applied (another host's,
 * pulled by git, or an interrupted command's) — doctor --fix is a command like any other.
 */
export async function checkJournal(journal: JournalAccess, fix: boolean): Promise<JournalCheck> {
  const found = await diagnose(journal.layout);
  const fixable = found.problems.some((p) => p.fixable);
  if (!fix || (!fixable && found.pending === 0)) return { ...found, repaired: null };
  if (fixable) await rebuildJournal(journal);
  else await JournalTxn.run(journal, () => undefined);
  const after = await diagnose(journal.layout);
  return { ...after, repaired: { problems: found.problems.length - after.problems.length, lines: found.pending - after.pending } };
}
