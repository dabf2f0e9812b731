/**
 * Which provider request ids the journal already holds, so the same response piped twice
 * is recorded once. 256 bucket files keyed by a hash of the id: a lookup reads one small
 * file whatever the history size, and the buckets can be rebuilt from the ledger.
 */
import { fingerprintBucket } from '../core/fingerprint.js';
import path from 'node:path';
import { appendBytes, ensureDir, readTextIfExists } from '../io/fs.js';

export class RequestIndex {
  private readonly buckets = new Map<string, Map<string, string>>();

  constructor(private readonly dir: string) {}

  private bucketName(requestId: string): string {
    return fingerprintBucket(requestId);
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

  /** The record id that already holds this request id, if any. */
  lookup(requestId: string): string | undefined {
    const key = oneLineKey(requestId);
    return this.bucket(this.bucketName(key)).get(key);
  }

  private readonly pending = new Map<string, string[]>();

  /** Notes an id; `flush` writes it (one append per bucket for a whole batch). */
  add(requestId: string, recordId: string): void {
    const key = oneLineKey(requestId);
    const name = this.bucketName(key);
    const bucket = this.bucket(name);
    if (bucket.has(key)) return;
    bucket.set(key, recordId);
    const lines = this.pending.get(name) ?? [];
    lines.push(`${key}\t${recordId}\n`);
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
function oneLineKey(requestId: string): string {
  return requestId.replace(/[\t\n\r]/g, ' ');
}
