/**
 * The worker-thread paths (import --from claude-code, report over a big ledger) fall back to
 * in-process work when their bundle is missing; TOKJ_REQUIRE_WORKERS=1 makes that an error
 * (exit 70, naming the bundle), so a test of the threaded path cannot pass on the other one.
 * Run from a copy of the package with the bundle missing or broken, never by touching the real
 * dist/ (other tests run it).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir, tokj, type RunResult } from '../helpers.js';

/** bin/, dist/ (but `worker`, or `worker` replaced by `broken`), templates/, pricing/. */
function packageCopy(worker: string, broken?: string): string {
  const dir = tempDir('tokj-pkg-');
  for (const name of ['bin', 'templates', 'pricing', 'package.json']) cpSync(path.join(repoRoot, name), path.join(dir, name), { recursive: true });
  mkdirSync(path.join(dir, 'dist'));
  for (const name of readdirSync(path.join(repoRoot, 'dist'))) {
    if (name.endsWith('.cjs') && name !== worker) cpSync(path.join(repoRoot, 'dist', name), path.join(dir, 'dist', name));
  }
  if (broken !== undefined) writeFileSync(path.join(dir, 'dist', worker), broken);
  return dir;
}

/** `tokj ARGS` of a package copy, with the environment helpers.tokj gives the real one. */
async function tokjOf(pkg: string, cwd: string, args: string[], env: Record<string, string>): Promise<RunResult> {
  const r = await execa('node', [path.join(pkg, 'bin', 'tokj.cjs'), ...args], {
    cwd,
    env: { ...process.env, TOKJ_SESSION: undefined, TOKJ_DIR: undefined, TOKJ_NOW: undefined, VITEST: undefined, TOKJ_HOST: 'test', ...env },
    extendEnv: false,
    reject: false,
    stripFinalNewline: true,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

const REQUIRE = { TOKJ_REQUIRE_WORKERS: '1' };
const TRACE = { TOKJ_TRACE: '1' };

describe('tokj report without its worker bundle', () => {
  const env = { TOKJ_REPORT_WORKERS: '2', TZ: 'UTC', TOKJ_NOW: '2026-11-24T09:00:00Z' };
  const args = ['report', '--format', 'json', '--by', 'model'];
  let cwd: string;
  let onePass: RunResult;

  beforeAll(async () => {
    cwd = tempDir();
    await tokj(cwd, ['init', 's', 'openai', 'gpt-4o', '-q']);
    for (const [i, o, model] of [['1500', '800', 'gpt-4o'], ['900', '20', 'gpt-4o-mini'], ['12000', '300', 'gpt-4o']] as const) await tokj(cwd, ['record', i, o, '--model', model]);
    onePass = await tokj(cwd, args, { env: { ...env, TOKJ_REPORT_WORKERS: '0' } });
    expect(onePass.exitCode, onePass.stderr).toBe(0);
    // The real package does run it on threads.
    const real = await tokj(cwd, args, { env: { ...env, ...REQUIRE, ...TRACE } });
    expect(real.stderr).toContain('ledger read on 2 worker threads');
    expect(real.stdout).toBe(onePass.stdout);
  });

  it('TOKJ_REQUIRE_WORKERS=1: fails, naming the missing bundle, exit 70', async () => {
    const pkg = packageCopy('report-worker.cjs');
    const r = await tokjOf(pkg, cwd, args, { ...env, ...REQUIRE });
    expect(r.exitCode).toBe(70);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`tokj: TOKJ_REQUIRE_WORKERS=1 and this job is to run on worker threads, but ${path.join(pkg, 'dist', 'report-worker.cjs')} is missing (npm run build makes it)`);
  });

  it('without it: reads in one pass, the same report', async () => {
    const r = await tokjOf(packageCopy('report-worker.cjs'), cwd, args, { ...env, ...TRACE });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('worker threads');
    expect(r.stdout).toBe(onePass.stdout);
  });

  it('a worker that fails to start is an error, required or not', async () => {
    const pkg = packageCopy('report-worker.cjs', 'throw new Error("broken bundle");\n');
    for (const extra of [REQUIRE, {}]) {
      const r = await tokjOf(pkg, cwd, args, { ...env, ...extra });
      expect(r.exitCode).toBe(70);
      expect(r.stderr).toContain('a report worker thread failed: Error: broken bundle');
    }
  });
});

describe('tokj import --from claude-code without its worker bundle', () => {
  const claude = path.join(repoRoot, 'test', 'importers', 'fixtures', 'claude');
  const args = ['import', '--from', 'claude-code', claude, '--json'];
  const env = { TOKJ_IMPORT_WORKERS: '2' };

  it('TOKJ_REQUIRE_WORKERS=1: fails, naming the missing bundle, exit 70, nothing written', async () => {
    const pkg = packageCopy('cc-worker.cjs');
    const cwd = tempDir();
    const r = await tokjOf(pkg, cwd, args, { ...env, ...REQUIRE });
    expect(r.exitCode).toBe(70);
    expect(r.stderr).toContain(`tokj: TOKJ_REQUIRE_WORKERS=1 and this job is to run on worker threads, but ${path.join(pkg, 'dist', 'cc-worker.cjs')} is missing`);
    expect(existsSync(path.join(cwd, '.ai_workflow'))).toBe(false);
  });

  it('without it: reads in-process, the same import', async () => {
    const inProcessDir = tempDir();
    const inProcess = await tokj(inProcessDir, args, { env: { TOKJ_IMPORT_WORKERS: '0' } });
    expect(inProcess.exitCode, inProcess.stderr).toBe(0);
    const threaded = await tokj(tempDir(), args, { env: { ...env, ...REQUIRE, ...TRACE } });
    expect(threaded.stderr).toContain('transcripts read on 2 worker threads');
    const cwd = tempDir();
    const r = await tokjOf(packageCopy('cc-worker.cjs'), cwd, args, { ...env, ...TRACE });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('worker threads');
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(inProcess.stdout));
    expect(JSON.parse(r.stdout)).toMatchObject({ imported: 10, sessions: 3 });
    const report = async (dir: string): Promise<string> => (await tokj(dir, ['report', '--format', 'json', '--period', 'session', '--by', 'model'], { env: { TZ: 'UTC', TOKJ_NOW: '2026-11-24T09:00:00Z' } })).stdout;
    expect(await report(cwd)).toBe(await report(inProcessDir));
  });
});
