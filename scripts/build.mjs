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
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build as esbuild } from 'esbuild';

/**
 * Each output replaces its file atomically (temp + rename): a build never leaves dist/
 * half-written or missing under a tokj that is running (or a test suite using it).
 */
async function build(options) {
  const result = await esbuild({ ...options, write: false });
  for (const file of result.outputFiles) {
    mkdirSync(path.dirname(file.path), { recursive: true });
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
}

const common = {
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
 * record path (commander: child_process for executable subcommands; write-file-atomic:
 * worker_threads for a temp-file name; signal-exit: assert) are loaded on first use
 * instead: each costs a millisecond or more of start-up.
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
// dist/tokj.cjs: the core commands (init, record, finalize, status) and the dispatcher.
await build({ ...common, entryPoints: ['src/cli/entry.ts'], outfile: 'dist/tokj.cjs', external: ['tiktoken'], plugins });
// dist/full.cjs: every command, loaded for anything but the core commands.
await build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/full.cjs', external: ['tiktoken'], plugins });
// dist/cc-worker.cjs: a thread that reads Claude Code transcripts (import --from claude-code).
await build({ ...common, entryPoints: ['src/importers/claude-code/worker.ts'], outfile: 'dist/cc-worker.cjs' });
// dist/report-worker.cjs: a thread that reads part of a big ledger for tokj report.
await build({ ...common, entryPoints: ['src/report/worker.ts'], outfile: 'dist/report-worker.cjs' });
// dist/parse.cjs: the markdown parser, loaded when a view must be parsed.
await build({ ...common, entryPoints: ['src/markdown/parse.ts'], outfile: 'dist/parse.cjs' });
