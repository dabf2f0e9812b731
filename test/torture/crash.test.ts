/**
 * Crash torture: SIGKILL `record`, `auto-collect` and `finalize` at a random moment after
 * spawn (seeded; the seed is printed), including in the middle of the transaction. After
 * each kill every file still reads (markdown parses with the tool's tables, state is JSON,
 * the ledger has no bad line except possibly a torn last one), and once the next command
 * has run each call is either recorded everywhere or nowhere, and `tokj doctor` is clean.
 */
import { existsSync, mkdirSync, readFileSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tableIn, readMd, tempDir } from '../helpers.js';
import { checkFilesReadable, compareWithLedger, diagnoseInProcess, doctor, ledgerCalls, listFiles, prng, runAndKill, scanLedgerFiles, seedFor, tokj } from './support.js';

const TRIALS = 60;
const openaiBody = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/responses/openai-chat-basic.json'), 'utf8')) as Record<string, unknown>;

type Phase = 'before-append' | 'mid-commit' | 'after-commit' | 'not-killed';

/** Files a killed writer may leave that are not part of the layout (temp files of an interrupted whole-file replacement). */
function strayFiles(root: string): string[] {
  return listFiles(root).filter((f) => !/\.(md|json|jsonl|log|tsv)$/.test(f) && !/(^|\/)\.(gitignore|gitattributes|markdownlint\.jsonc)$/.test(f) && !f.includes('.tokj.lock'));
}

describe('crash torture (SIGKILL at random moments)', () => {
  let cwd: string;
  let root: string;
  let maxDelay = 120;

  beforeAll(async () => {
    cwd = tempDir('tokj-torture-crash-');
    root = path.join(cwd, '.ai_workflow');
    expect((await tokj(cwd, ['init', 'k1', 'openai', 'gpt-4o', '-q'])).exitCode).toBe(0);
    // Calibrate the kill window to this machine: a whole `record`, spawn to exit.
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      expect((await tokj(cwd, ['record', '10', '5', '--session', 'k1', '--note', `warmup-${i}`])).exitCode).toBe(0);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    maxDelay = Math.min(400, Math.max(120, Math.round(times[1]! * 1.1)));
    console.log(`[torture] crash: a record takes ~${Math.round(times[1]!)} ms here; kill delays drawn from 0..${maxDelay} ms`);
  });

  it(`${TRIALS} kills of record / auto-collect / finalize leave a journal the next command completes`, async () => {
    const random = prng(seedFor('crash'));
    const phases: Record<Phase, number> = { 'before-append': 0, 'mid-commit': 0, 'after-commit': 0, 'not-killed': 0 };
    const byCommand: Record<string, Record<Phase, number>> = {};
    let session = 'k1';
    let sessions = 1;
    let staleLocks = 0;
    let tornTails = 0;
    let fixNeeded = 0;
    const strays = new Set<string>();
    // The kill window follows the machine's current speed: 1.1 × the median of the last
    // five unkilled records (other test files share the two cores), within 120..400 ms.
    const recent: number[] = [maxDelay / 1.1];
    const window = (): number => {
      const last = recent.slice(-5).sort((a, b) => a - b);
      return Math.min(400, Math.max(120, Math.round(last[Math.floor(last.length / 2)]! * 1.1)));
    };

    for (let t = 0; t < TRIALS; t++) {
      const pick = random();
      const command = pick < 0.55 ? 'record' : pick < 0.85 ? 'auto-collect' : 'finalize';
      const tag = `kill-${t}`;
      let args: string[];
      let input: string | undefined;
      if (command === 'record') {
        args = ['record', String(100 + t), String(10 + t), '--session', session, '--note', tag, '--request-id', tag];
      } else if (command === 'auto-collect') {
        args = ['auto-collect', '--session', session, '--note', tag];
        input = ['a', 'b', 'c'].map((x) => JSON.stringify({ ...openaiBody, id: `${tag}-${x}` })).join('\n') + '\n';
      } else {
        args = ['finalize', `closing ${tag}`, '--session', session];
      }
      const before = scanLedgerFiles(root).entries.length;
      // Half the kills anywhere in the window, half in its last 45%, where the lock is held
      // and the ledger append and the view writes happen (a few ms on a fast machine).
      const w = window();
      const delay = Math.floor(random() < 0.5 ? random() * (w + 1) : w * (0.55 + 0.45 * random()));
      const r = await runAndKill(cwd, args, delay, input);
      const context = `trial ${t}: ${command} killed after ${delay} ms`;

      // Right after the kill: every file still reads.
      expect(checkFilesReadable(root), context).toEqual([]);
      const after = scanLedgerFiles(root);
      if (after.tornTail !== '') tornTails += 1;
      const appended = after.entries.length > before;
      let phase: Phase;
      if (!r.killed) {
        expect(r.exitCode, `${context}: finished on its own but failed: ${r.stderr}`).toBe(0);
        expect(appended, context).toBe(true);
        phase = 'not-killed';
      } else if (!appended) phase = 'before-append';
      // Killed after the append: the doctor's checks tell whether the views had caught up.
      else phase = (await diagnoseInProcess(root)).length === 0 ? 'after-commit' : 'mid-commit';
      phases[phase] += 1;
      (byCommand[command] ??= { 'before-append': 0, 'mid-commit': 0, 'after-commit': 0, 'not-killed': 0 })[phase] += 1;
      // A batch is one write: all of its calls or none.
      const landed = ledgerCalls(root).filter((c) => c.note === tag).length;
      if (command === 'record') expect([0, 1], context).toContain(landed);
      if (command === 'auto-collect') expect([0, 3], context).toContain(landed);
      for (const f of strayFiles(root)) strays.add(f);

      // A killed process cannot release its lock: age it as if the 10 s stale time had passed.
      const lock = path.join(root, 'monitoring/.tokj.lock');
      if (existsSync(lock)) {
        staleLocks += 1;
        const old = new Date(Date.now() - 60_000);
        utimesSync(lock, old, old);
      }

      // The next command: a record (into a fresh session when the kill finalized this one).
      const ended = scanLedgerFiles(root).entries.some((e) => e.type === 'session_end' && e.session === session);
      if (ended) {
        session = `k${++sessions}`;
        const init = await tokj(cwd, ['init', session, 'openai', 'gpt-4o', '-q']);
        expect(init.exitCode, `${context}: init after: ${init.stderr}`).toBe(0);
      }
      const t0 = performance.now();
      const next = await tokj(cwd, ['record', '7', '3', '--session', session, '--note', `next-${t}`]);
      recent.push(performance.now() - t0);
      expect(next.exitCode, `${context}: next record: ${next.stderr}`).toBe(0);

      // Each call of the killed process is in the session table iff it is in the ledger.
      expect(compareWithLedger(root), context).toEqual([]);
      const owner = command === 'finalize' ? null : args[args.indexOf('--session') + 1]!;
      if (owner) {
        const rows = tableIn(readMd(path.join(root, `monitoring/sessions/${owner}.md`)), 'Usage Tracking').filter((row) => row[10] === tag);
        expect(rows.length, context).toBe(landed);
      }
      // The doctor's checks after every trial; the real `tokj doctor` binary every 10th.
      const problems = await diagnoseInProcess(root);
      const d = problems.length > 0 || t % 10 === 9 ? await doctor(cwd) : { exitCode: 0, out: '' };
      expect(d.exitCode === 0, `${context}: in-process doctor and tokj doctor disagree: ${problems.join('; ')} / ${d.out}`).toBe(problems.length === 0);
      if (d.exitCode !== 0) {
        fixNeeded += 1;
        console.log(`[torture] ${context}: doctor after the next record:\n${d.out}`);
        const fixed = await doctor(cwd, true);
        expect(fixed.exitCode, `${context}: doctor --fix: ${fixed.out}`).toBe(0);
        expect((await doctor(cwd)).exitCode, context).toBe(0);
      }
    }

    console.log(`[torture] crash: ${TRIALS} trials; phases ${JSON.stringify(phases)}; by command ${JSON.stringify(byCommand)}`);
    console.log(`[torture] crash: stale locks aged ${staleLocks}, torn ledger tails ${tornTails}, doctor --fix needed ${fixNeeded}, stray files left: ${[...strays].join(', ') || 'none'}`);
    const killedBefore = phases['before-append'];
    const killedAfter = phases['mid-commit'] + phases['after-commit'];
    expect(killedBefore, 'kills before the ledger append').toBeGreaterThan(0);
    expect(killedAfter, 'kills after the ledger append').toBeGreaterThan(0);
    // The next command alone repairs a crash; doctor --fix is never needed.
    expect(fixNeeded).toBe(0);
    const final = await doctor(cwd);
    expect(final.exitCode, final.out).toBe(0);
  }, 240_000);

  it('a lock left behind by a killed process is taken over once stale (real wait, no aging)', async () => {
    const dir = tempDir('tokj-torture-lock-');
    const r0 = await tokj(dir, ['init', 's', 'openai', 'gpt-4o', '-q']);
    expect(r0.exitCode).toBe(0);
    const lock = path.join(dir, '.ai_workflow/monitoring/.tokj.lock');
    mkdirSync(lock);
    // Left 7 s ago by a process that no longer exists: stale 3 s from now (10 s rule).
    const old = new Date(Date.now() - 7_000);
    utimesSync(lock, old, old);
    const r = await tokj(dir, ['record', '10', '5']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(lock)).toBe(false);
    expect(ledgerCalls(path.join(dir, '.ai_workflow'))).toHaveLength(1);
    expect((await doctor(dir)).exitCode).toBe(0);
  });
});
