/**
 * Which sessions each month log lists: `.state/months/<YYYY-MM>.tsv`, one `key<TAB>id` line
 * per session that joined the month, appended (a new session costs one small append, not a
 * rewrite of a list that grows all month). Read only to render a month log whole or to walk
 * sessions in order. A line goes stale when its session's start moves (to another month, or
 * within this one): readers take each session's current key from its state, so a list is
 * a superset of candidates and is checked against the month's session count.
 */
import path from 'node:path';
import { appendBytes, ensureDir, readTextIfExists } from '../io/fs.js';

export class MonthLists {
  private readonly pending = new Map<string, string[]>();

  constructor(private readonly dir: string) {}

  /** Notes that a session (with this order key) joined a month; `flush` writes it. */
  note(month: string, key: string, id: string): void {
    const lines = this.pending.get(month) ?? [];
    lines.push(`${key}\t${id.replace(/[\t\n\r]/g, ' ')}\n`);
    this.pending.set(month, lines);
  }

  /** The ids listed for a month, written or pending, each once. */
  ids(month: string): string[] {
    const text = (readTextIfExists(path.join(this.dir, `${month}.tsv`)) ?? '') + (this.pending.get(month)?.join('') ?? '');
    const ids = new Set<string>();
    for (const line of text.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab > 0) ids.add(line.slice(tab + 1));
    }
    return [...ids];
  }

  flush(): void {
    if (this.pending.size === 0) return;
    ensureDir(this.dir);
    for (const [month, lines] of this.pending) appendBytes(path.join(this.dir, `${month}.tsv`), lines.join(''));
    this.pending.clear();
  }
}
