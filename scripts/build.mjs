// Builds the CLI into dist/: the record path runs after every model call, so startup is
// what we optimise (see bench/ and the README's Speed section):
// - one CommonJS bundle (dist/tokj.cjs): a single module graph loads far faster than
//   node_modules' hundreds of files, and bin/tokj.cjs can compile one CommonJS file with
//   V8's code cache, which skips recompiling the bundle on every run;
// - the markdown parser (micromark & co., about half the code) is a second bundle,
//   dist/parse.cjs, loaded only when a view must be parsed;
// - graceful-fs (pulled in by proper-lockfile) is replaced by node:fs: it only retries
//   EMFILE for programs opening thousands of files, and patching fs costs ~5 ms a run;
// - tiktoken (WASM) stays external and loads only where tokens are counted.
// What each bundle may contain is checked on esbuild's metafile (scripts/bundle-check.mjs):
// a build breaking a rule fails and leaves dist/ as it was. dist/build-id.json holds a hash
// of each bundle (scripts/build-id.mjs), which keys bin/tokj.cjs's code cache.
// `node scripts/build.mjs [--outdir DIR]` (default dist).
import { mkdirSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build as esbuild } from 'esbuild';
import { BUILD_ID_FILE, buildId } from './build-id.mjs';
import { checkMetafile } from './bundle-check.mjs';

const common = {
  // the repository, whatever the current directory (tests build from their own)
  absWorkingDir: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: process.env.TOKJ_BUILD_MINIFY !== "0",
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  alias: { 'graceful-fs': 'node:fs' },
  define: { 'import.meta.url': '__tokjModuleUrl', __TOKJ_BUNDLED__: 'true' },
  banner: { js: "const __tokjModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
};

/**
 * The bundles load each other at run time (by require from dist/); the dynamic imports in
 * the source, used when tests run it unbundled, must not pull the other bundle in.
 */
const separateBundles = {
  name: 'separate-bundles',
  setup(b) {
    const outside = { 'lazy-parse.ts': './parse.js', 'entry.ts': './main.js' };
    b.onResolve({ filter: /^\.\/(parse|main)\.js$/ }, (args) => {
      const importer = Object.keys(outside).find((name) => args.importer.endsWith(name));
      return importer && outside[importer] === args.path ? { path: args.path, external: true } : undefined;
    });
  },
};

/**
 * Node built-ins that dependencies require at load time but use rarely or never on the
 * record path (commander: child_process for executable subcommands; signal-exit, under
 * proper-lockfile: assert) are loaded on first use instead: each costs a millisecond or
 * more of start-up.
 */
const SHIMS = {
  // signal-exit 3 (under proper-lockfile) only checks its callback argument with assert.equal.
  assert: `function ok(value, message) { if (!value) throw new Error(message); }
ok.equal = (actual, expected, message) => ok(actual == expected, message);
module.exports = ok;`,
};

const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: /^(node:)?(child_process|assert)$/ }, (args) =>
      /node_modules\/(commander|signal-exit|proper-lockfile)\//.test(args.importer) ? { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: SHIMS[args.path] ?? `let real; const load = () => (real ??= require('node:${args.path}'));
module.exports = new Proxy(function () {}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  apply: (_, self, argv) => load().apply(self, argv),
});`,
      loader: 'js',
    }));
  },
};

const plugins = [separateBundles, lazyBuiltins];

/** The bundles, by output file name. */
export const BUNDLES = {
  // the core commands (init, record, finalize, status) and the dispatcher
  'tokj.cjs': { entryPoints: ['src/cli/entry.ts'], external: ['tiktoken'], plugins },
  // every command, loaded for anything but the core commands
  'full.cjs': { entryPoints: ['src/cli/main.ts'], external: ['tiktoken'], plugins },
  // a thread that reads Claude Code transcripts (import --from claude-code)
  'cc-worker.cjs': { entryPoints: ['src/importers/claude-code/worker.ts'] },
  // a thread that reads part of a big ledger for tokj report
  'report-worker.cjs': { entryPoints: ['src/report/worker.ts'] },
  // the markdown parser, loaded when a view must be parsed
  'parse.cjs': { entryPoints: ['src/markdown/parse.ts'] },
};

export class BundleCheckError extends Error {}

/**
 * Builds every bundle in memory, checks them (BundleCheckError listing every problem), and
 * only then writes them, each replacing its file atomically (temp + rename): a build never
 * leaves outdir half-written or missing under a tokj that is running (or a test suite using
 * it), and a build that fails a check writes nothing. build-id.json is written last: a
 * tokj that reads it before the bundles (bin/tokj.cjs does) and runs during a rebuild can
 * pair an old id with a new bundle, never a new id with an old bundle, so at worst it
 * caches the new code under the old id, which later runs do not ask for. Returns the
 * metafiles by bundle.
 */
export async function buildAll({ outdir = path.join(common.absWorkingDir, 'dist'), write = true } = {}) {
  outdir = path.resolve(outdir);
  const results = {};
  for (const [name, options] of Object.entries(BUNDLES)) {
    results[name] = await esbuild({ ...common, ...options, outfile: path.join(outdir, name), metafile: true, write: false });
  }
  const problems = Object.values(results).flatMap((r) => checkMetafile(r.metafile));
  if (problems.length > 0) throw new BundleCheckError(`the bundles break ${problems.length === 1 ? 'a rule' : `${problems.length} rules`} (scripts/bundle-check.mjs):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  if (write) {
    const ids = {};
    for (const [name, result] of Object.entries(results)) {
      for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
      ids[name] = buildId(result.outputFiles.find((file) => path.basename(file.path) === name).contents);
    }
    writeAtomically(path.join(outdir, BUILD_ID_FILE), `${JSON.stringify(ids, null, 2)}\n`);
  }
  return Object.fromEntries(Object.entries(results).map(([name, r]) => [name, r.metafile]));
}

function writeAtomically(file, contents) {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  const at = process.argv.indexOf('--outdir');
  if (at > 0 && !process.argv[at + 1]) {
    console.error('usage: node scripts/build.mjs [--outdir DIR]');
    process.exit(2);
  }
  try {
    await buildAll(at > 0 ? { outdir: process.argv[at + 1] } : {});
  } catch (error) {
    if (!(error instanceof BundleCheckError)) throw error;
    console.error(`build failed: ${error.message}`);
    process.exit(1);
  }
}
