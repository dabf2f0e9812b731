/**
 * A set of ids the journal holds, each with a value, kept in 256 append-only bucket files
 * keyed by a hash of the id: a lookup reads one small file whatever the history size, and
 * the buckets are rebuilt from the ledger with the rest of the derived state. Two of them:
 * provider request ids (so the same response piped twice is recorded once) and session ids
 * (so a session whose state file is missing is refolded, not counted as new).
 */
import { fingerprintBucket } from '../core/fingerprint.js';
import path from 'node:path';
import { appendBytes, ensureDir, readTextIfExists } from '../io/fs.js';

export class IdIndex {
  private readonly buckets = new Map<string, Map<string, string>>();

  constructor(private readonly dir: string) {}

  private bucketName(id: string): string {
    return fingerprintBucket(id);
  }

  private bucket(name: string): Map<string, string> {
    let bucket = this.buckets.get(name);
    if (!bucket) {
      bucket = new Map();
      const text = readTextIfExists(path.join(this.dir, `${name}.tsv`)) ?? '';
      for (const line of text.split('\n')) {
        const tab = line.indexOf('\t');
        if (tab > 0) bucket.set(line.slice(0, tab), line.slice(tab + 1));
      }
      this.buckets.set(name, bucket);
    }
    return bucket;
  }

  /** The value noted with this id, if the id is held. */
  lookup(id: string): string | undefined {
    const key = oneLineKey(id);
    return this.bucket(this.bucketName(key)).get(key);
  }

  private readonly pending = new Map<string, string[]>();

  /** Notes an id; `flush` writes it (one append per bucket for a whole batch). */
  add(id: string, value: string): void {
    const key = oneLineKey(id);
    const name = this.bucketName(key);
    const bucket = this.bucket(name);
    if (bucket.has(key)) return;
    bucket.set(key, value);
    const lines = this.pending.get(name) ?? [];
    lines.push(`${key}\t${value}\n`);
    this.pending.set(name, lines);
  }

  flush(): void {
    if (this.pending.size === 0) return;
    ensureDir(this.dir);
    for (const [name, lines] of this.pending) appendBytes(path.join(this.dir, `${name}.tsv`), lines.join(''));
    this.pending.clear();
  }
}

/** Ids are provider strings: keep each on one line of its bucket file. */
function oneLineKey(id: string): string {
  return id.replace(/[\t\n\r]/g, ' ');
}
