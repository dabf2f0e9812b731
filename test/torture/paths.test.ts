/**
 * Paths that try to escape: session ids and --dir / TOKJ_DIR values like `../x`,
 * `/etc/passwd`, `a/b`, `.` are refused with exit 2 and nothing written anywhere (not
 * even a directory; `..`, a project holding .ai_workflow, means that journal); a symlink planted inside .ai_workflow pointing outside is refused or
 * contained, never written through: its target stays byte for byte as it was.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { compareWithLedger, doctor, ledgerCalls, tokj, treeSnapshot } from './support.js';

const BAD_SESSION_IDS = ['../x', '/etc/passwd', 'a/b', '.', '..', '../../etc/cron.d/x', 'a\\b', 'x'.repeat(129), 'sess\n2', ''];

/** base/proj/.ai_workflow is a journal with one call; base/proj/work is an empty working dir. */
async function project(): Promise<{ base: string; proj: string; work: string; root: string }> {
  const base = tempDir('tokj-torture-paths-');
  const proj = path.join(base, 'proj');
  const work = path.join(proj, 'work');
  mkdirSync(work, { recursive: true });
  for (const args of [['init', 's', 'openai', 'gpt-4o', '-q'], ['record', '10', '5']]) {
    const r = await tokj(proj, args);
    expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  }
  return { base, proj, work, root: path.join(proj, '.ai_workflow') };
}

const etcPasswd = (): { bytes: string; mtime: number } => ({ bytes: readFileSync('/etc/passwd', 'utf8'), mtime: statSync('/etc/passwd').mtimeMs });

describe('session ids that try to escape', () => {
  it('are refused with exit 2 by init, record, finalize and status (flag and TOKJ_SESSION), nothing written', async () => {
    const { base, proj } = await project();
    const before = treeSnapshot(base);
    const passwd = etcPasswd();
    for (const id of BAD_SESSION_IDS) {
      const runs: Array<{ args: string[]; env?: Record<string, string> }> = [
        { args: ['init', id, 'openai', 'gpt-4o'] },
        { args: ['record', '1', '1', '--session', id] },
        { args: ['finalize', '--session', id] },
        { args: ['status', '--session', id] },
      ];
      if (id !== '') runs.push({ args: ['record', '1', '1'], env: { TOKJ_SESSION: id } }, { args: ['status'], env: { TOKJ_SESSION: id } });
      for (const run of runs) {
        const label = `${JSON.stringify(id)}: ${run.args.join(' ')}${run.env ? ' (TOKJ_SESSION)' : ''}`;
        const r = await tokj(proj, run.args, run.env ? { env: run.env } : {});
        expect(r.exitCode, `${label}: ${r.stderr}`).toBe(2);
        expect(r.stderr, label).toMatch(/session id/);
        expect(treeSnapshot(base), label).toEqual(before);
      }
    }
    expect(etcPasswd()).toEqual(passwd);
  });

  it('are refused by init in a directory without a journal: no .ai_workflow is created', async () => {
    const base = tempDir('tokj-torture-paths-empty-');
    for (const id of BAD_SESSION_IDS) {
      const r = await tokj(base, ['init', id, 'openai', 'gpt-4o']);
      expect(r.exitCode, `${JSON.stringify(id)}: ${r.stderr}`).toBe(2);
      expect(readdirSync(base), JSON.stringify(id)).toEqual([]);
    }
  });
});

describe('--dir and TOKJ_DIR values that are not a journal', () => {
  const commands = [['record', '1', '1'], ['status'], ['finalize'], ['doctor']];

  /** Runs every command with the value as --dir and as TOKJ_DIR from base/proj/work. */
  async function refusedEverywhere(value: string): Promise<void> {
    const { base, work, root } = await project();
    const before = treeSnapshot(base);
    const passwd = etcPasswd();
    for (const args of commands) {
      for (const how of ['--dir', 'TOKJ_DIR'] as const) {
        const label = `${how} ${value}: ${args.join(' ')}`;
        const r = how === '--dir' ? await tokj(work, [...args, '--dir', value]) : await tokj(work, args, { env: { TOKJ_DIR: value } });
        expect(r.exitCode, `${label}: ${r.stderr}`).toBe(2);
        expect(r.stderr.length, label).toBeGreaterThan(10);
        expect(treeSnapshot(base), label).toEqual(before);
      }
    }
    expect(etcPasswd()).toEqual(passwd);
    expect(ledgerCalls(root)).toHaveLength(1);
  }

  it('../x (no such directory)', async () => refusedEverywhere('../x'));
  it('a/b (no such directory)', async () => refusedEverywhere('a/b'));

  // REGRESSION (was a product bug, fixed): a --dir (or TOKJ_DIR) naming an existing directory that is not a journal
  // ("." or "..", here base/proj/work and base/proj) is accepted as one: record, status and
  // finalize exit 2 ("no active session") but have already created <dir>/monitoring/ (and
  // the lock under it) — "nothing written" is broken, and `tokj record --dir /some/dir`
  // litters any directory it is pointed at. src/cli/context.ts existingLayout() checks only
  // that the directory exists; src/io/lock.ts withLock() then runs ensureDir(monitoring).
  // It should refuse a directory without the journal's layout (no monitoring/, no
  // work_journal/) with exit 2 before writing anything.
  it('. (an existing directory that is not a journal)', async () => refusedEverywhere('.'));
  // `..` here is base/proj, the project directory holding .ai_workflow. It used to be refused
  // like `.`; a --dir / TOKJ_DIR naming a project now means the project's journal
  // (src/io/paths.ts journalAt), and still nothing is created in the project itself.
  it('.. (the project directory, which holds .ai_workflow) means that journal; nothing lands in the project itself', async () => {
    const { proj, work, root } = await project();
    for (const how of ['--dir', 'TOKJ_DIR'] as const) {
      const r = how === '--dir' ? await tokj(work, ['record', '1', '1', '--dir', '..']) : await tokj(work, ['record', '1', '1'], { env: { TOKJ_DIR: '..' } });
      expect(r.exitCode, `${how} ..: ${r.stderr}`).toBe(0);
    }
    expect(ledgerCalls(root)).toHaveLength(3);
    expect(readdirSync(proj).sort()).toEqual(['.ai_workflow', 'work']);
    expect(readdirSync(work)).toEqual([]);
  });

  // REGRESSION (was a product bug, fixed) (minor): --dir /etc/passwd (a file) is reported as exit 74 "the file system
  // refused a write ... ENOTDIR" (record, status, finalize; init says EEXIST), not as a usage
  // error (exit 2: not a journal directory). Nothing is written (it cannot be). Same cause as
  // above: src/cli/context.ts existingLayout() accepts any existing path.
  it('/etc/passwd (a file)', async () => {
    await refusedEverywhere('/etc/passwd');
    const passwd = etcPasswd();
    const r = await tokj(tempDir(), ['init', 'x', '--dir', '/etc/passwd']);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(etcPasswd()).toEqual(passwd);
  });
});

describe('symlinks planted inside .ai_workflow pointing outside', () => {
  /**
   * Moves `rel` (inside the journal) out to base/outside/target and leaves a symlink to it in
   * its place; then a record must not write through the link.
   */
  async function plant(rel: string | ((root: string) => string)): Promise<{ base: string; proj: string; root: string; outside: string; r: { exitCode: number; stderr: string } }> {
    const { base, proj, root } = await project();
    const outside = path.join(base, 'outside');
    mkdirSync(outside);
    const relPath = typeof rel === 'string' ? rel : rel(root);
    renameSync(path.join(root, relPath), path.join(outside, 'target'));
    symlinkSync(path.join(outside, 'target'), path.join(root, relPath));
    const before = treeSnapshot(outside);
    const r = await tokj(proj, ['record', '20', '5', '--note', 'through a link?']);
    expect(treeSnapshot(outside), `${relPath}: the target outside changed (exit ${r.exitCode}: ${r.stderr})`).toEqual(before);
    return { base, proj, root, outside, r };
  }

  const segment = (root: string): string => {
    const files = readdirSync(path.join(root, 'monitoring/ledger')).filter((f) => f.endsWith('.jsonl'));
    expect(files).toHaveLength(1);
    return path.join('monitoring/ledger', files[0]!);
  };

  for (const rel of ['monitoring/sessions', 'monitoring/sessions/s.md', 'monitoring/.state', 'monitoring/.state/sessions', 'monitoring/.state/sessions/s.json', 'monitoring']) {
    it(`${rel} -> outside: refused (exit 2, the link named), the target unchanged`, async () => {
      const { r } = await plant(rel);
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toContain('symbolic link');
    });
  }

  it('monitoring/sessions/new.md -> outside file, then `init new`: refused, the file outside unchanged', async () => {
    const { base, proj } = await project();
    const outside = path.join(base, 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'victim.md'), '# precious\n');
    symlinkSync(path.join(outside, 'victim.md'), path.join(proj, '.ai_workflow/monitoring/sessions/new.md'));
    const r = await tokj(proj, ['init', 'new', 'openai', 'gpt-4o']);
    expect(r.exitCode, r.stderr).not.toBe(0);
    expect(readFileSync(path.join(outside, 'victim.md'), 'utf8')).toBe('# precious\n');
  });

  // Whole-file replacements rename a temp file over the path, which replaces a link rather
  // than writing through it: contained.
  for (const rel of ['work_journal/token_usage.md', 'monitoring/.state/journal.json']) {
    it(`${rel} -> outside file: refused or contained, the target unchanged`, async () => {
      const { r } = await plant(rel);
      expect([0, 2], r.stderr).toContain(r.exitCode);
    });
  }

  // REGRESSION (was a product bug, fixed): only the session file and session state paths are checked for symlinks
  // (src/app/layout.ts sessionMdPath/sessionStatePath go through inside() in
  // src/io/paths.ts). The journal's directory, the ledger directory and the ledger segments
  // are plain path.join()s in layoutOf(): with work_journal/ or monitoring/ledger/ linked to a
  // directory outside, a record exits 0 and writes the journal / appends the ledger line
  // there; with a segment linked to a file outside, src/io/fs.ts appendBytes() opens it with
  // 'a' (following the link) and appends to the outside file.
  for (const rel of ['work_journal', 'monitoring/ledger']) {
    it(`${rel} -> outside directory: refused or contained, the target unchanged`, async () => {
      await plant(rel);
    });
  }
  it('the ledger segment -> outside file: refused or contained, the target unchanged', async () => {
    await plant(segment);
  });

  it('a refused link leaves the journal usable once the link is removed', async () => {
    const { proj, root } = await plant('monitoring/sessions/s.md');
    const link = path.join(root, 'monitoring/sessions/s.md');
    renameSync(path.join(path.dirname(root), '..', 'outside', 'target'), `${link}.real`);
    renameSync(`${link}.real`, link);
    const r = await tokj(proj, ['record', '30', '5']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(ledgerCalls(root).map((c) => c.input_tokens)).toEqual([10, 30]);
    expect(compareWithLedger(root)).toEqual([]);
    expect((await doctor(proj)).exitCode).toBe(0);
  });
});
