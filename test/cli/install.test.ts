/**
 * The package as users get it: `npm pack`, then `npm install -g` of the tarball (into a temp
 * prefix), and the installed `tokj` run from its bin directory on PATH. Nothing reaches the
 * network or the developer's npm setup: npm runs with a new empty cache and empty config
 * files, and resolves the tarball's dependencies from a registry on 127.0.0.1 serving this
 * checkout's node_modules (test/npm-registry.ts).
 */
import { execa } from 'execa';
import { readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { journalFileName } from '../../src/app/layout.js';
import { ledgerLines, repoRoot, tempDir } from '../helpers.js';
import { type LocalRegistry, packDirectories, productionDependencyDirs, serveRegistry } from '../npm-registry.js';

/** Every file under dir, relative to it, with / separators. */
function filesUnder(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel)).flatMap((name) => {
    const child = path.posix.join(rel, name);
    return statSync(path.join(dir, child)).isDirectory() ? filesUnder(dir, child) : [child];
  });
}

let work: string;
let prefix: string;
let registry: LocalRegistry | undefined;
/** npm's environment for the tests: empty config, its own cache, the loopback registry. */
let npmEnv: Record<string, string | undefined>;
/** The tarball's entries, without the leading package/. */
let packed: string[];

/** The environment of the installed tokj: its prefix's bin first on PATH, no inherited TOKJ_*. */
function userEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, VITEST: undefined, TOKJ_HOST: 'test', PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH ?? ''}` };
  for (const key of Object.keys(env)) if (key.startsWith('TOKJ_') && key !== 'TOKJ_HOST') delete env[key];
  return { ...env, ...extra };
}

async function installed(cwd: string, args: string[], extra: Record<string, string> = {}) {
  const r = await execa('tokj', args, { cwd, env: userEnv(extra), extendEnv: false, reject: false });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

beforeAll(async () => {
  work = tempDir();
  prefix = path.join(work, 'prefix');
  // Empty config files: nothing from the developer's ~/.npmrc or npm's global one.
  const userrc = path.join(work, 'user-npmrc');
  const globalrc = path.join(work, 'global-npmrc');
  writeFileSync(userrc, '');
  writeFileSync(globalrc, '');
  // npm's own settings only: none of the caller's npm_config_* (npm test exports its own).
  const base: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_config_/i.test(key)) base[key] = value;
  npmEnv = {
    ...base,
    npm_config_cache: path.join(work, 'npm-cache'),
    npm_config_userconfig: userrc,
    npm_config_globalconfig: globalrc,
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    // The loopback registry is reached directly; a proxy the caller set still applies elsewhere.
    npm_config_noproxy: '127.0.0.1',
  };
  // Packing needs nothing from a registry: offline, so that any attempt fails.
  const offline = { ...npmEnv, npm_config_offline: 'true' };
  await execa('npm', ['pack', '--pack-destination', work], { cwd: repoRoot, env: offline, extendEnv: false });
  const tarball = path.join(work, `${pkg.name}-${pkg.version}.tgz`);
  packed = String((await execa('tar', ['-tzf', tarball])).stdout)
    .split('\n')
    .filter(Boolean)
    .map((entry) => entry.replace(/^package\//, ''));

  const deps = path.join(work, 'deps');
  // The registry serves tokenjournal itself too, as the npm registry does: `npm i -g tokenjournal`.
  const self = { manifest: JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as typeof pkg, tarball };
  registry = await serveRegistry([...(await packDirectories(productionDependencyDirs(repoRoot), deps, offline)), self]);
  npmEnv.npm_config_registry = `${registry.url}/`;
  const install = await execa('npm', ['install', '-g', '--prefix', prefix, tarball], { env: npmEnv, extendEnv: false, reject: false });
  expect(install.exitCode, String(install.stderr)).toBe(0);
  expect(registry.misses).toEqual([]);
}, 300_000);

afterAll(async () => {
  await registry?.close();
});

describe('the npm package', () => {
  it('holds every template file, the bundles (reader threads included), the bin and the price table', () => {
    const wanted = [
      ...filesUnder(path.join(repoRoot, 'templates')).map((f) => `templates/${f}`),
      ...filesUnder(path.join(repoRoot, 'pricing')).map((f) => `pricing/${f}`),
      ...filesUnder(path.join(repoRoot, 'bin')).map((f) => `bin/${f}`),
      ...['tokj.cjs', 'full.cjs', 'parse.cjs', 'cc-worker.cjs', 'report-worker.cjs'].map((f) => `dist/${f}`),
      'package.json',
      'README.md',
    ];
    expect(wanted.filter((f) => !packed.includes(f))).toEqual([]);
  });
});

describe('tokj installed globally from the tarball', () => {
  it('is the installed package on PATH', async () => {
    const r = await installed(tempDir(), ['--version']);
    expect(r.stdout).toBe(pkg.version);
    expect(realpathSync(path.join(prefix, 'bin', 'tokj'))).toBe(path.join(realpathSync(prefix), 'lib', 'node_modules', pkg.name, 'bin', 'tokj.cjs'));
  });

  it('init, record, report, rebuild and doctor in a git repository; .state/ is ignored', async () => {
    const cwd = tempDir();
    await execa('git', ['init', '-q'], { cwd });
    const init = await installed(cwd, ['init', 'g', 'openai', 'gpt-4o', '-q']);
    expect(init.exitCode, init.stderr).toBe(0);
    expect(init.stdout).toBe('g');
    const root = path.join(cwd, '.ai_workflow');
    // The templates' dotfiles, stored without the dot (npm never packs a .gitignore).
    for (const rel of ['gitattributes', 'monitoring/gitignore']) {
      const journalRel = path.join(path.dirname(rel), journalFileName(path.basename(rel)));
      expect(journalRel).toMatch(/(^|\/)\.git(attributes|ignore)$/);
      expect(readFileSync(path.join(root, journalRel), 'utf8'), journalRel).toBe(readFileSync(path.join(repoRoot, 'templates', 'workflow', rel), 'utf8'));
    }

    const rec = await installed(cwd, ['record', '1500', '800']);
    expect(rec.exitCode, rec.stderr).toBe(0);
    expect(rec.stdout).toContain('$0.01175');
    const report = await installed(cwd, ['report', '--format', 'json'], { TOKJ_REPORT_WORKERS: '2' });
    expect(report.exitCode, report.stderr).toBe(0);
    expect(JSON.parse(report.stdout).summary).toMatchObject({ calls: 1, input_tokens: 1500, output_tokens: 800, total_cost_usd: '0.01175' });
    const rebuild = await installed(cwd, ['rebuild']);
    expect(rebuild.exitCode, rebuild.stderr).toBe(0);
    const doctor = await installed(cwd, ['doctor']);
    expect(doctor.exitCode, doctor.stdout + doctor.stderr).toBe(0);

    const check = await execa('git', ['check-ignore', '-q', '.ai_workflow/monitoring/.state/x'], { cwd, reject: false });
    expect(check.exitCode, 'git check-ignore .ai_workflow/monitoring/.state/x').toBe(0);
    const status = String((await execa('git', ['status', '--porcelain', '--untracked-files=all'], { cwd })).stdout);
    expect(status).toContain('.ai_workflow/monitoring/sessions/g.md');
    expect(status).not.toContain('.state/');
  });

  it('runs the demo from any directory', async () => {
    const demo = await installed(tempDir(), ['demo']);
    expect(demo.exitCode, demo.stderr).toBe(0);
    expect(demo.stdout).toContain('Total: 2 sessions');
  });

  it('imports Claude Code logs and reports them on its reader threads (the bundles in the package)', async () => {
    const lib = path.join(prefix, 'lib', 'node_modules', pkg.name, 'dist');
    for (const script of ['cc-worker.cjs', 'report-worker.cjs']) expect(statSync(path.join(lib, script)).isFile(), script).toBe(true);
    const cwd = tempDir();
    const claude = path.join(repoRoot, 'test', 'importers', 'fixtures', 'claude');
    // TOKJ_REQUIRE_WORKERS: a missing worker bundle fails instead of reading in-process; the trace proves the threads ran.
    const imported = await installed(cwd, ['import', '--from', 'claude-code', claude, '--json'], { TOKJ_IMPORT_WORKERS: '2', TOKJ_REQUIRE_WORKERS: '1', TOKJ_TRACE: '1' });
    expect(imported.exitCode, imported.stderr).toBe(0);
    expect(imported.stderr).toContain('transcripts read on 2 worker threads');
    expect(JSON.parse(imported.stdout)).toMatchObject({ imported: 10, sessions: 3 });
    expect(ledgerLines(path.join(cwd, '.ai_workflow')).filter((l) => l.type === 'call')).toHaveLength(10);
    const threaded = await installed(cwd, ['report', '--format', 'json', '--by', 'model'], { TOKJ_REPORT_WORKERS: '2', TOKJ_REQUIRE_WORKERS: '1' });
    const onePass = await installed(cwd, ['report', '--format', 'json', '--by', 'model'], { TOKJ_REPORT_WORKERS: '0' });
    expect(threaded.exitCode, threaded.stderr).toBe(0);
    expect(JSON.parse(threaded.stdout).summary.calls).toBe(10);
    expect(threaded.stdout).toBe(onePass.stdout);
    const doctor = await installed(cwd, ['doctor']);
    expect(doctor.exitCode, doctor.stdout + doctor.stderr).toBe(0);
  });
});

/** The README's Install section, command by command (the registry being the loopback one). */
describe('the README install commands', () => {
  const npm = (cwd: string, args: string[], env: Record<string, string> = {}) => execa('npm', args, { cwd, env: { ...npmEnv, ...env }, extendEnv: false, reject: false });
  const npx = (cwd: string, args: string[]) => execa('npx', args, { cwd, env: npmEnv, extendEnv: false, reject: false });

  it('npm i -g tokenjournal puts tokj on PATH (npm_config_prefix as the README says)', async () => {
    const other = path.join(tempDir(), 'prefix');
    const r = await npm(tempDir(), ['i', '-g', 'tokenjournal'], { npm_config_prefix: other });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const version = await execa('tokj', ['--version'], { env: { ...process.env, PATH: `${path.join(other, 'bin')}${path.delimiter}${process.env.PATH ?? ''}` }, extendEnv: false });
    expect(String(version.stdout)).toBe(pkg.version);
  });

  it('npx tokj runs the tokj of a project that depends on tokenjournal', async () => {
    const project = tempDir();
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'agent-project', version: '1.0.0', private: true }));
    const installed = await npm(project, ['i', '-D', 'tokenjournal']);
    expect(installed.exitCode, String(installed.stderr)).toBe(0);
    const r = await npx(project, ['--offline', 'tokj', '--version']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stdout)).toBe(pkg.version);
  });

  it('elsewhere, npx -p tokenjournal tokj runs it; a bare npx tokj asks for a package named tokj instead', async () => {
    const cwd = tempDir();
    const r = await npx(cwd, ['--yes', '-p', 'tokenjournal', 'tokj', '--version']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stdout)).toBe(pkg.version);
    const bare = await npx(cwd, ['--yes', 'tokj', '--version']);
    expect(bare.exitCode).not.toBe(0);
    expect(registry!.misses).toContain('GET /tokj');
  });
});
