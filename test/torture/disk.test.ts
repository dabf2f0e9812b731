/**
 * Full disk and read-only file system, on a real small tmpfs (root only: mount needs it;
 * without it the tests are skipped, or in CI fail: test/requirements.ts).
 * A refused write is exit 74 with a clear message and leaves no torn file: every file is
 * as it was, or (the ledger) a complete new version; after space is freed or the file
 * system is writable again, `tokj record` works and `tokj doctor` is clean.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, snapshotFiles, tempDir } from '../helpers.js';
import { type Requirement, requirement } from '../requirements.js';
import { checkFilesReadable, compareWithLedger, doctor, ledgerCalls, tokj, tokjWithin } from './support.js';

const PAGE = 4096;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function sh(cmd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/**
 * Mounts a tmpfs of `size` at a new temp dir, for the tests `what`. When it cannot (not root,
 * or mount refused), mnt is null and the tests are skipped with the reason, or fail in CI.
 */
function mountTmpfs(size: string, what: string): { mnt: string | null; tmpfs: Requirement } {
  if (!isRoot) return { mnt: null, tmpfs: requirement(what, 'not running as root (mount -t tmpfs needs root)') };
  const dir = tempDir('tokj-torture-disk-');
  const r = sh('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  if (!r.ok) return { mnt: null, tmpfs: requirement(what, `mount -t tmpfs failed: ${r.out.trim()}`) };
  // Backup for runs where the suite's afterAll does not run (tests filtered out, a crash).
  process.once('exit', () => {
    spawnSync('umount', ['-l', dir]);
  });
  return { mnt: dir, tmpfs: requirement(what, null) };
}

/** Writes a filler file until the file system says ENOSPC. */
function fill(dir: string): string {
  const file = path.join(dir, 'filler.bin');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(PAGE, 0x61);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  // Whatever is left is smaller than a page: take it byte by byte.
  const fd2 = openSync(path.join(dir, 'filler2.bin'), 'w');
  try {
    for (;;) writeSync(fd2, 'x');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd2);
  }
  return file;
}

function unfill(dir: string): void {
  rmSync(path.join(dir, 'filler.bin'), { force: true });
  rmSync(path.join(dir, 'filler2.bin'), { force: true });
}

function ledgerSegment(root: string): string {
  const dir = path.join(root, 'monitoring/ledger');
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  expect(files).toHaveLength(1);
  return path.join(dir, files[0]!);
}

/**
 * Every file is as before, except that the ledger may have grown by complete lines; no file
 * was added except the ledger's own. Returns how many ledger bytes were added.
 */
function expectNothingTorn(root: string, before: Record<string, string>): number {
  const after = snapshotFiles(root);
  let grown = 0;
  for (const [rel, was] of Object.entries(before)) {
    const now = after[rel];
    expect(now, `${rel} disappeared`).toBeDefined();
    if (now === was) continue;
    const oldBytes = Buffer.from(was, 'base64');
    const newBytes = Buffer.from(now!, 'base64');
    expect(rel.endsWith('.jsonl'), `${rel} changed`).toBe(true);
    expect(newBytes.subarray(0, oldBytes.length).equals(oldBytes), `${rel} was rewritten, not appended to`).toBe(true);
    const added = newBytes.subarray(oldBytes.length).toString('utf8');
    expect(added.endsWith('\n'), `${rel} ends in a torn line`).toBe(true);
    for (const line of added.split('\n').filter(Boolean)) JSON.parse(line);
    grown += newBytes.length - oldBytes.length;
  }
  expect(Object.keys(after).filter((rel) => !(rel in before)), 'files added').toEqual([]);
  expect(checkFilesReadable(root)).toEqual([]);
  return grown;
}

describe('full disk (tmpfs, size=128k)', () => {
  // Mounted while the tests are collected, so a failed mount skips them (reason printed),
  // or in CI fails them.
  // Room for a new journal (each file takes a 4 KiB page at least) and a few records; the
  // tests fill what is left before the record that must fail.
  const { mnt, tmpfs } = mountTmpfs('128k', 'the full-disk tests (tmpfs)');
  const root = mnt ? path.join(mnt, '.ai_workflow') : '';
  const skip = tmpfs.skip;

  afterAll(() => {
    if (mnt) {
      const r = sh('umount', [mnt]);
      if (!r.ok) sh('umount', ['-l', mnt]);
    }
  });

  it.skipIf(skip)('a record whose ledger append hits ENOSPC: exit 74, every file byte for byte as before; after freeing space it works', async () => {
    tmpfs.check();
    if (!mnt) throw new Error('no tmpfs');
    expect((await tokj(mnt, ['init', 's', 'openai', 'gpt-4o', '-q'])).exitCode).toBe(0);
    expect((await tokj(mnt, ['record', '1', '1', '--note', 'x'])).exitCode).toBe(0);
    const segment = ledgerSegment(root);
    const size1 = statSync(segment).size;
    expect((await tokj(mnt, ['record', '1', '1', '--note', 'y'])).exitCode).toBe(0);
    const size2 = statSync(segment).size;
    // Pad the ledger to a page boundary with one more call whose note has the right length,
    // so the next append needs a new page the full disk cannot give.
    const lineWithOneCharNote = size2 - size1;
    let pad = (PAGE - ((size2 + lineWithOneCharNote - 1) % PAGE)) % PAGE;
    if (pad === 0) pad = PAGE;
    expect((await tokj(mnt, ['record', '1', '1', '--note', 'p'.repeat(pad)])).exitCode).toBe(0);
    expect(statSync(segment).size % PAGE, 'ledger padded to a page boundary').toBe(0);

    fill(mnt);
    const before = snapshotFiles(root);
    const r = await tokj(mnt, ['record', '100', '50', '--note', 'on a full disk']);
    expect(r.exitCode, r.stderr).toBe(74);
    expect(r.stderr).toMatch(/disk is full/);
    expect(r.stderr).toContain('ENOSPC');
    expect(expectNothingTorn(root, before)).toBe(0);
    expect(snapshotFiles(root)).toEqual(before);

    unfill(mnt);
    const ok = await tokj(mnt, ['record', '100', '50', '--note', 'after freeing space']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ledgerCalls(root).map((c) => c.note)).toEqual(['x', 'y', 'p'.repeat(pad), 'after freeing space']);
    expect(compareWithLedger(root)).toEqual([]);
    expect((await doctor(mnt)).exitCode).toBe(0);
  });

  it.skipIf(skip)('a record whose view write hits ENOSPC after the ledger append: exit 74, no torn file; the next record catches the views up', async () => {
    tmpfs.check();
    if (!mnt) throw new Error('no tmpfs');
    const callsBefore = ledgerCalls(root).length;
    // The ledger is not at a page boundary now (an append fits in its last page), but every
    // whole-file replacement needs a new page.
    expect(statSync(ledgerSegment(root)).size % PAGE).not.toBe(0);
    fill(mnt);
    const before = snapshotFiles(root);
    const r = await tokj(mnt, ['record', '200', '20', '--note', 'views cannot be written']);
    expect(r.exitCode, r.stderr).toBe(74);
    expect(r.stderr).toMatch(/disk is full/);
    const grown = expectNothingTorn(root, before);
    const calls = ledgerCalls(root);
    // The ledger line is the commit point: the call is either in the ledger or not at all.
    expect(calls.length - callsBefore).toBe(grown > 0 ? 1 : 0);
    console.log(`[torture] disk: view write refused; the ledger ${grown > 0 ? 'holds the call (committed before the view writes failed)' : 'was left unchanged'}`);

    unfill(mnt);
    const ok = await tokj(mnt, ['record', '300', '30', '--note', 'space again']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ledgerCalls(root).length).toBe(calls.length + 1);
    expect(compareWithLedger(root)).toEqual([]);
    expect((await doctor(mnt)).exitCode).toBe(0);
  });

  // REGRESSION (was a product bug, fixed): when the ledger append succeeds and a later view write hits ENOSPC, tokj
  // exits 74 saying "...; nothing was changed", but the call IS recorded (the ledger line is
  // the commit point, and the next command applies it). An agent that retries as told
  // records the call twice. src/io/fs.ts ioError() always appends "nothing was changed";
  // src/app/txn.ts commit() runs after append() without saying the call was recorded.
  it.skipIf(skip)('an ENOSPC after the ledger append does not claim that nothing was changed', async () => {
    tmpfs.check();
    if (!mnt) throw new Error('no tmpfs');
    expect(statSync(ledgerSegment(root)).size % PAGE).not.toBe(0);
    const callsBefore = ledgerCalls(root).length;
    fill(mnt);
    const r = await tokj(mnt, ['record', '400', '40', '--note', 'retry me?']);
    unfill(mnt);
    expect(r.exitCode).toBe(74);
    expect(ledgerCalls(root).length).toBe(callsBefore + 1);
    expect(r.stderr).not.toContain('nothing was changed');
    expect(r.stderr).toMatch(/recorded/i);
  });
});

describe('read-only file system (tmpfs remounted ro)', () => {
  const { mnt, tmpfs } = mountTmpfs('1m', 'the read-only file system tests (tmpfs)');
  const root = mnt ? path.join(mnt, '.ai_workflow') : '';
  const skip = tmpfs.skip;

  beforeAll(async () => {
    tmpfs.check();
    if (!mnt) return;
    expect((await tokj(mnt, ['init', 's', 'openai', 'gpt-4o', '-q'])).exitCode).toBe(0);
    expect((await tokj(mnt, ['record', '10', '5'])).exitCode).toBe(0);
  });
  afterAll(() => {
    if (mnt) {
      const r = sh('umount', [mnt]);
      if (!r.ok) sh('umount', ['-l', mnt]);
    }
  });

  it.skipIf(skip)('doctor reads a read-only journal; once writable again, record works and doctor is clean', async () => {
    tmpfs.check();
    if (!mnt) throw new Error('no tmpfs');
    expect(sh('mount', ['-o', 'remount,ro', mnt]).ok).toBe(true);
    try {
      const before = snapshotFiles(root);
      expect((await doctor(mnt)).exitCode).toBe(0);
      expect(snapshotFiles(root)).toEqual(before);
    } finally {
      expect(sh('mount', ['-o', 'remount,rw', mnt]).ok).toBe(true);
    }
    const ok = await tokj(mnt, ['record', '30', '5']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ledgerCalls(root).map((c) => c.input_tokens)).toEqual([10, 30]);
    expect(compareWithLedger(root)).toEqual([]);
    expect((await doctor(mnt)).exitCode).toBe(0);
  });

  // REGRESSION (was a product bug, fixed): on a read-only journal every writing command (record, finalize, init,
  // auto-collect, and status, which takes the lock) sits for ~60 s before exiting 74:
  // src/io/lock.ts passes `retries: 600` to proper-lockfile, whose retry loop retries every
  // error of the lock's mkdir, EROFS (and EACCES) included, not only ELOCKED. It should give
  // up at once on an error that retrying cannot fix. Each command gets 10 s here (a normal
  // run takes ~0.1 s); after the fix the assertions below check the 74 and the message.
  it.skipIf(skip)('record, finalize, init and auto-collect on a read-only journal: exit 74 at once, read-only named, nothing changed', async () => {
    tmpfs.check();
    if (!mnt) throw new Error('no tmpfs');
    expect(sh('mount', ['-o', 'remount,ro', mnt]).ok).toBe(true);
    try {
      const before = snapshotFiles(root);
      const body = readFileSync(path.join(repoRoot, 'test/fixtures/responses/openai-chat-basic.json'), 'utf8');
      for (const args of [['record', '20', '5'], ['finalize', 'done'], ['init', 'other', 'openai', 'gpt-4o'], ['auto-collect']]) {
        const r = await tokjWithin(mnt, args, 10_000, args[0] === 'auto-collect' ? body : undefined);
        expect(r.timedOut, `${args.join(' ')} still running after 10 s`).toBe(false);
        expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(74);
        expect(r.stderr, args.join(' ')).toMatch(/read-only/);
        expect(snapshotFiles(root), args.join(' ')).toEqual(before);
      }
    } finally {
      expect(sh('mount', ['-o', 'remount,rw', mnt]).ok).toBe(true);
    }
  });
});
