#!/usr/bin/env node
// Starts the bundled CLI with V8's code cache. Compiling the bundle's functions is most of
// tokj's start-up, and `tokj record` runs after every model call. Node >= 22.1 does this
// itself (module.enableCompileCache); on Node 20 we keep the cache: each bundle is compiled
// through vm.Script with its cached data, and after a run whose cache was missing or
// rejected, or the first run of a command the cache does not cover yet, the data V8 produced
// (including functions compiled lazily during the run) is saved for the next one, in the OS
// temp dir, under the bundle's build id and real path.
// TOKJ_NO_COMPILE_CACHE=1 turns it off.
// CommonJS on purpose: an ES module entry point costs Node's ESM loader, ~5 ms a run.
'use strict';
const { mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, unlinkSync, writeFileSync } = require('node:fs');
const nodeModule = require('node:module');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');

const entry = path.join(__dirname, '..', 'dist', 'tokj.cjs');
const cacheDir = path.join(os.tmpdir(), `tokj-compile-cache-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`);
const loaded = new Map();
/** The command this run is (a word like record or auto-collect; anything else counts as ''). */
const COMMAND = /^[a-z][a-z-]{0,31}$/.test(process.argv[2] ?? '') ? process.argv[2] : '';
const MAX_COVERED = 40;

// No importModuleDynamically option: a bundle must not use import() at all (the build
// refuses one that does, scripts/bundle-check.mjs). vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER
// (Node >= 20.12) makes import() work only in a run that compiles the bundle from source:
// V8 keeps a script's host-defined options in its code cache (V8 issue 10284, see
// nodejs/node#35375), so in a run from the cache import() still throws
// ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING (seen on Node 20.20), and every use prints an
// ExperimentalWarning.

/**
 * The build ids scripts/build.mjs writes next to the bundles (dist/build-id.json: the SHA-256
 * of each bundle by file name), or null when there are none (a bundle built otherwise).
 * Read before the bundle: the build writes it after the bundles (see there why).
 */
const buildIds = new Map();
function buildIdOf(file) {
  const dir = path.dirname(file);
  if (!buildIds.has(dir)) {
    let ids = null;
    try {
      ids = JSON.parse(readFileSync(path.join(dir, 'build-id.json'), 'utf8'));
    } catch {
      // no ids: no code cache
    }
    buildIds.set(dir, ids);
  }
  const id = buildIds.get(dir)?.[path.basename(file)];
  return typeof id === 'string' && /^[0-9a-f]{64}$/.test(id) ? id : null;
}

/** A short hash of a path for a file name (FNV-1a, 64 bits as two halves); the cache file's header holds the path itself. */
function pathHash(text) {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
    h2 = (h2 ^ (h2 >>> 15)) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

/**
 * require() for one of our CommonJS bundles, compiled with a code cache. V8 accepts cached
 * data for any source of the same length, so the cache entry is keyed by what identifies the
 * code exactly: the bundle's build id (a hash of all of it) and its real path (two installs
 * of one version never share an entry, nor does an upgrade in place reuse the old one). The
 * file name carries the Node version, the id and a hash of the path; the file's first line
 * holds the id and the path themselves and must match before its data is used, and its
 * second line the commands whose runs the data covers.
 */
function requireCached(file) {
  if (loaded.has(file)) return loaded.get(file).exports;
  const buildId = buildIdOf(file);
  if (buildId === null) return require(file);
  const source = readFileSync(file, 'utf8');
  const realFile = realpathSync.native(file);
  const prefix = `${path.basename(file)}-${process.version}-`;
  const cacheName = `${prefix}${buildId.slice(0, 16)}-${pathHash(realFile)}.bin`;
  const cacheFile = path.join(cacheDir, cacheName);
  const header = Buffer.from(`tokj code cache\0${buildId}\0${realFile}\n`, 'utf8');
  let cachedData;
  let covered = [];
  try {
    const data = readFileSync(cacheFile);
    const end = data.length > header.length && data.subarray(0, header.length).equals(header) ? data.indexOf(10, header.length) : -1;
    if (end > 0) {
      covered = data.toString('utf8', header.length, end).split(',');
      cachedData = data.subarray(end + 1);
    }
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const fresh = cachedData === undefined || script.cachedDataRejected;
  // V8 saves the functions compiled by the time of the save: data made by a run of `tokj
  // init` lacks most of record's, which every later record would compile again. So the
  // entry lists the commands whose runs it covers, and the first run of another command saves
  // it again (what the cache held plus what this run compiled), a few dozen times at most.
  if (fresh || (!covered.includes(COMMAND) && covered.length < MAX_COVERED)) {
    const commands = fresh ? [COMMAND] : [...covered, COMMAND];
    process.once('exit', () => {
      try {
        mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, Buffer.concat([header, Buffer.from(`${commands.join(',')}\n`, 'utf8'), script.createCachedData()]));
        renameSync(tmp, cacheFile);
        // This install's entries for its earlier builds will not be read again.
        const mine = `-${pathHash(realFile)}.bin`;
        for (const name of readdirSync(cacheDir)) {
          if (name !== cacheName && name.startsWith(prefix) && name.endsWith(mine)) unlinkSync(path.join(cacheDir, name));
        }
      } catch {
        // A cache we cannot write only means the next start compiles again.
      }
    });
  }
  const mod = { exports: {} };
  loaded.set(file, mod);
  script.runInThisContext()(mod.exports, nodeModule.createRequire(file), mod, file, path.dirname(file));
  return mod.exports;
}

if (process.env.TOKJ_NO_COMPILE_CACHE === '1') {
  require(entry);
} else if (typeof nodeModule.enableCompileCache === 'function') {
  nodeModule.enableCompileCache();
  require(entry);
} else {
  globalThis.__tokjRequireCached = requireCached;
  requireCached(entry);
}
