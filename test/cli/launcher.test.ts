/**
 * The product as users run it: `node bin/tokj.cjs …` with the compile cache on (never
 * TOKJ_NO_COMPILE_CACHE), each test with its own TMPDIR so the cache starts cold, each case
 * run twice: cold cache, then warm. On Node 20 the launcher compiles the bundles through
 * vm.Script with V8's code cache, which is where these used to break: an import() with no
 * loader (tokj init), and bytecode of another install or build run for this one.
 */
import { appendFileSync, cpSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import nodeModule from 'node:module';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BUILD_ID_FILE, buildId } from '../../scripts/build-id.mjs';
import { ledgerLines, repoRoot, tempDir } from '../helpers.js';

const SESSION_ID = /^session_\d{8}_\d{6}_[0-9a-f]{6}$/;
/** Node >= 22.1 caches compiled code itself (module.enableCompileCache); Node 20 takes the launcher's vm.Script path. */
const launcherCache = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache !== 'function';
const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The environment of a user's shell: no TOKJ_* settings (so no TOKJ_NO_COMPILE_CACHE), TMPDIR our own. */
function userEnv(tmp: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('TOKJ_') && key !== 'VITEST') env[key] = value;
  return { ...env, TOKJ_HOST: 'test', TMPDIR: tmp, ...extra };
}

async function run(file: string, args: string[], opts: { cwd: string; tmp: string; env?: Record<string, string> }): Promise<Run> {
  const r = await execa(file, args, { cwd: opts.cwd, env: userEnv(opts.tmp, opts.env), extendEnv: false, reject: false, stripFinalNewline: true });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** `node BIN args` (BIN: this repository's bin/tokj.cjs unless given). */
function tokj(args: string[], opts: { cwd: string; tmp: string; env?: Record<string, string>; bin?: string }): Promise<Run> {
  return run('node', [opts.bin ?? path.join(repoRoot, 'bin', 'tokj.cjs'), ...args], opts);
}

/** Every file of a compile cache under tmp (the launcher's, or Node's own on Node >= 22), with its inode. */
function cacheFiles(tmp: string): Map<string, number> {
  const files = new Map<string, number>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else files.set(p, st.ino);
    }
  };
  for (const name of readdirSync(tmp)) if (name === `tokj-compile-cache-${uid}` || name === 'node-compile-cache') walk(path.join(tmp, name));
  return files;
}

/**
 * Runs `step` with a cold cache, then with the cache that run left: the first run must have
 * written one, and (on the launcher's own path) the second must have used it as it was,
 * not rejected and rewritten it.
 */
async function coldThenWarm(tmp: string, step: (round: 'cold' | 'warm') => Promise<void>): Promise<void> {
  expect(cacheFiles(tmp).size).toBe(0);
  await step('cold');
  const cold = cacheFiles(tmp);
  expect(cold.size).toBeGreaterThan(0);
  await step('warm');
  if (launcherCache) {
    const warm = cacheFiles(tmp);
    for (const [file, ino] of cold) expect(warm.get(file), `${path.basename(file)} was rewritten: the warm run rejected it`).toBe(ino);
  }
}

/** A journal with one session (s1, openai/gpt-4o), set up without the compile cache so the case under test starts cold. */
async function journal(cwd: string, tmp: string): Promise<void> {
  const r = await tokj(['init', 's1', 'openai', 'gpt-4o', '--quiet'], { cwd, tmp, env: { TOKJ_NO_COMPILE_CACHE: '1' } });
  expect(r.exitCode, r.stderr).toBe(0);
}

describe('bin/tokj.cjs with the compile cache, cold then warm', () => {
  it('tokj init without a session id prints a generated id', async () => {
    const [cwd, tmp] = [tempDir(), tempDir('tokj-tmpdir-')];
    const ids: string[] = [];
    await coldThenWarm(tmp, async (round) => {
      const r = await tokj(['init'], { cwd, tmp });
      expect(r.exitCode, `${round}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(SESSION_ID);
      ids.push(r.stdout);
    });
    expect(new Set(ids).size).toBe(2);
  });

  it('eval "$(tokj init --export)" in bash sets TOKJ_SESSION, and a record goes into that session', async () => {
    const [cwd, tmp] = [tempDir(), tempDir('tokj-tmpdir-')];
    const script = 'eval "$(node "$TOKJ_BIN" init --export)"; echo "$TOKJ_SESSION"; node "$TOKJ_BIN" record 100 10 openai gpt-4o';
    const sessions: string[] = [];
    await coldThenWarm(tmp, async (round) => {
      const r = await run('bash', ['-c', script], { cwd, tmp, env: { TOKJ_BIN: path.join(repoRoot, 'bin', 'tokj.cjs') } });
      expect(r.exitCode, `${round}: ${r.stderr}`).toBe(0);
      const [session, recorded] = r.stdout.split('\n');
      expect(session).toMatch(SESSION_ID);
      expect(recorded).toMatch(/^Recorded 100 in \/ 10 out on gpt-4o: \$0\.00035 \(session total \$0\.00035\)$/);
      sessions.push(session!);
    });
    const calls = ledgerLines(path.join(cwd, '.ai_workflow')).filter((l) => l.type === 'call');
    expect(calls.map((c) => c.session)).toEqual(sessions);
  });

  it('tokj record', async () => {
    const [cwd, tmp] = [tempDir(), tempDir('tokj-tmpdir-')];
    await journal(cwd, tmp);
    const totals = ['$0.00035', '$0.0007'];
    await coldThenWarm(tmp, async (round) => {
      const r = await tokj(['record', '100', '10'], { cwd, tmp });
      expect(r.exitCode, `${round}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toBe(`Recorded 100 in / 10 out on gpt-4o: $0.00035 (session total ${totals.shift()})`);
    });
  });

  it('tokj status', async () => {
    const [cwd, tmp] = [tempDir(), tempDir('tokj-tmpdir-')];
    await journal(cwd, tmp);
    await coldThenWarm(tmp, async (round) => {
      const r = await tokj(['status', '--json'], { cwd, tmp });
      expect(r.exitCode, `${round}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ session: 's1', status: 'active', totals: { calls: 0 } });
    });
  });

  it('tokj report --format json (the full bundle)', async () => {
    const [cwd, tmp] = [tempDir(), tempDir('tokj-tmpdir-')];
    await journal(cwd, tmp);
    expect((await tokj(['record', '100', '10'], { cwd, tmp, env: { TOKJ_NO_COMPILE_CACHE: '1' } })).exitCode).toBe(0);
    await coldThenWarm(tmp, async (round) => {
      const r = await tokj(['report', '--format', 'json'], { cwd, tmp });
      expect(r.exitCode, `${round}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout).summary).toMatchObject({ calls: 1, input_tokens: 100, output_tokens: 10, total_cost_usd: '0.00035' });
    });
  });

  it('tokj rebuild (the full bundle and the markdown parser)', async () => {
    const [cwd, tmp] = [tempDir(), tempDir('tokj-tmpdir-')];
    await journal(cwd, tmp);
    const sessionFile = path.join(cwd, '.ai_workflow', 'monitoring', 'sessions', 's1.md');
    await coldThenWarm(tmp, async (round) => {
      // A view a person changed is parsed (one the tool wrote is read at cached spans).
      appendFileSync(sessionFile, `\nA note written by hand before the ${round} run.\n`);
      const r = await tokj(['rebuild'], { cwd, tmp });
      expect(r.exitCode, `${round}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toBe('Rebuilt 1 session view and the journal from the ledger.');
      expect(readFileSync(sessionFile, 'utf8')).toContain(`A note written by hand before the ${round} run.`);
    });
    if (launcherCache) expect([...cacheFiles(tmp).keys()].map((f) => path.basename(f).split('-')[0]).sort()).toEqual(['full.cjs', 'parse.cjs', 'tokj.cjs']);
  });
});

describe('the compile cache covers every command it has run', () => {
  it('a cache first made by another command is extended once by the first record, then used as it is', async () => {
    const [cwd, tmp] = [tempDir(), tempDir('tokj-tmpdir-')];
    await journal(cwd, tmp);
    // --version first, as a new user might: the cache it leaves holds little of record's code.
    expect((await tokj(['--version'], { cwd, tmp })).exitCode).toBe(0);
    const entry = (): string => [...cacheFiles(tmp).keys()].find((f) => path.basename(f).startsWith('tokj.cjs-'))!;
    const covered = (): string[] => readFileSync(entry(), 'utf8').split('\n')[1]!.split(',');
    if (launcherCache) expect(covered()).toEqual(['']);
    const before = launcherCache ? statSync(entry()) : null;
    const first = await tokj(['record', '100', '10'], { cwd, tmp });
    expect(first.exitCode, first.stderr).toBe(0);
    if (launcherCache) {
      expect(covered()).toEqual(['', 'record']);
      const after = statSync(entry());
      // What the first record compiled is now in the cache with what --version left.
      expect(after.size).toBeGreaterThan(before!.size);
      const again = await tokj(['record', '100', '10'], { cwd, tmp });
      expect(again.exitCode, again.stderr).toBe(0);
      expect(statSync(entry()).ino, 'a covered command rewrote the cache').toBe(after.ino);
    }
    expect(ledgerLines(path.join(cwd, '.ai_workflow')).filter((l) => l.type === 'call')).toHaveLength(launcherCache ? 2 : 1);
  });
});

describe('what the record path loads', () => {
  it('tokj record loads no node:crypto, streams or worker_threads (tokj init without an id loads crypto, when it makes the id)', async () => {
    const [cwd, tmp] = [tempDir(), tempDir('tokj-tmpdir-')];
    await journal(cwd, tmp);
    // Node's own list of the built-in modules this process loaded, written as it exits.
    const list = path.join(tmp, 'modules.cjs');
    writeFileSync(list, "process.on('exit', () => require('node:fs').writeFileSync(process.env.MODULES_OUT, process.moduleLoadList.join('\\n')));\n");
    const loads = async (args: string[]): Promise<string[]> => {
      const out = path.join(tmp, `modules-${args[0]}.txt`);
      const r = await run('node', ['--require', list, path.join(repoRoot, 'bin', 'tokj.cjs'), ...args], { cwd, tmp, env: { MODULES_OUT: out } });
      expect(r.exitCode, r.stderr).toBe(0);
      return readFileSync(out, 'utf8').split('\n');
    };
    const heavy = /^NativeModule (crypto|internal\/crypto\/.*|stream|internal\/streams\/readable|worker_threads|internal\/worker)$/;
    for (const round of ['cold', 'warm']) {
      expect((await loads(['record', '100', '10'])).filter((m) => heavy.test(m)), round).toEqual([]);
    }
    expect(await loads(['init'])).toContain('NativeModule internal/crypto/random');
  });
});

/** A copy of the package as npm installs it (node_modules linked to this repository's). */
function install(): string {
  const dir = tempDir('tokj-install-');
  for (const item of ['package.json', 'bin', 'dist', 'templates', 'pricing']) cpSync(path.join(repoRoot, item), path.join(dir, item), { recursive: true });
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

const RECORD_HELP = "record one model call's usage into the session";

/**
 * Changes one letter of `tokj record --help`'s description in an install's dist/tokj.cjs,
 * keeping its length, and updates the install's build id as the build computes it. The
 * letter is one the launcher's former cache key never read (it hashed every
 * floor(length/4096)th character): V8 itself checks only a cached script's length.
 */
function editRecordHelp(dir: string): string {
  const file = path.join(dir, 'dist', 'tokj.cjs');
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf(RECORD_HELP);
  expect(at).toBeGreaterThan(0);
  expect(text.indexOf(RECORD_HELP, at + 1)).toBe(-1);
  const step = Math.max(1, Math.floor(text.length / 4096));
  let i = RECORD_HELP.length - 1;
  while ((at + i) % step === 0 || !/[a-z]/.test(RECORD_HELP[i]!)) i -= 1;
  const edited = `${RECORD_HELP.slice(0, i)}${RECORD_HELP[i]!.toUpperCase()}${RECORD_HELP.slice(i + 1)}`;
  const next = text.slice(0, at) + edited + text.slice(at + RECORD_HELP.length);
  expect(next.length).toBe(text.length);
  writeFileSync(file, next);
  const idsFile = path.join(dir, 'dist', BUILD_ID_FILE);
  const ids = JSON.parse(readFileSync(idsFile, 'utf8')) as Record<string, string>;
  writeFileSync(idsFile, JSON.stringify({ ...ids, 'tokj.cjs': buildId(next) }));
  return edited;
}

describe('the compile cache never runs another build', () => {
  it('two installs whose bundles differ at equal length, one shared TMPDIR: each prints its own text', async () => {
    const [a, b] = [install(), install()];
    const edited = editRecordHelp(b);
    const [cwd, tmp] = [tempDir(), tempDir('tokj-tmpdir-')];
    const help = async (dir: string): Promise<string> => {
      const r = await tokj(['record', '--help'], { cwd, tmp, bin: path.join(dir, 'bin', 'tokj.cjs') });
      expect(r.exitCode, r.stderr).toBe(0);
      return r.stdout.split('\n')[2]!;
    };
    for (const round of ['cold', 'warm']) {
      expect(await help(a), `${round}: install A`).toBe(RECORD_HELP);
      expect(await help(b), `${round}: install B`).toBe(edited);
    }
  });

  it('a rebuild in place at equal length runs the new code, and drops the old build from the cache', async () => {
    const dir = install();
    const [cwd, tmp] = [tempDir(), tempDir('tokj-tmpdir-')];
    const help = async (): Promise<string> => {
      const r = await tokj(['record', '--help'], { cwd, tmp, bin: path.join(dir, 'bin', 'tokj.cjs') });
      expect(r.exitCode, r.stderr).toBe(0);
      return r.stdout.split('\n')[2]!;
    };
    await coldThenWarm(tmp, async () => expect(await help()).toBe(RECORD_HELP));
    const edited = editRecordHelp(dir);
    expect(await help()).toBe(edited);
    expect(await help()).toBe(edited);
    if (launcherCache) expect([...cacheFiles(tmp).keys()].filter((f) => path.basename(f).startsWith('tokj.cjs-'))).toHaveLength(1);
  });
});
