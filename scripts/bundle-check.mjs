// What the bundles may contain, checked on esbuild's metafile by scripts/build.mjs: a build
// that breaks a rule fails and writes nothing. The rules keep start-up cheap where it
// matters (the record path) and keep every bundle loadable by bin/tokj.cjs.

/**
 * Packages dist/tokj.cjs (init, record, finalize, status and the dispatcher) must not
 * contain, each with where it belongs instead. `name-*` matches every package whose name
 * starts with `name-`. To forbid another package, add a line.
 */
export const RECORD_PATH_FORBIDDEN = [
  // The markdown parser is about half the code: it is dist/parse.cjs, loaded only when a
  // view must be parsed. (micromark-util-* helpers are fine: the serializer uses them.)
  { packages: ['micromark', 'micromark-core-commonmark', 'micromark-extension-*', 'micromark-factory-*', 'mdast-util-from-markdown', 'remark-parse'], why: 'the markdown parser belongs in dist/parse.cjs' },
  // remark-gfm registers the GFM parser extension along with the serializer's: the record
  // path serializes through src/markdown/remark-gfm-to-markdown.ts, the serializing half only.
  { packages: ['remark-gfm'], why: 'it brings the GFM parser; serialize with src/markdown/remark-gfm-to-markdown.ts' },
  { packages: ['yaml'], why: 'YAML output (report --format yaml) belongs in dist/full.cjs' },
  { packages: ['csv-stringify', 'csv'], why: 'CSV output (report --format csv) belongs in dist/full.cjs' },
  { packages: ['tiktoken'], why: 'tiktoken (WASM) loads only where tokens are counted (count, --estimate)' },
];

/** Rules per bundle, by its file name. */
export const BUNDLE_RULES = { 'tokj.cjs': RECORD_PATH_FORBIDDEN };

/** The package a bundled file belongs to (after its last node_modules/), or null for our own. */
export function packageOfInput(file) {
  const at = file.lastIndexOf('node_modules/');
  return at < 0 ? null : packageOfSpecifier(file.slice(at + 'node_modules/'.length));
}

/** The package a bare import specifier names (`yaml`, `@scope/name/sub`), or null for a relative path or `node:` built-in. */
export function packageOfSpecifier(spec) {
  if (/^[./]/.test(spec) || spec.includes(':')) return null;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const matches = (name, pattern) => (pattern.endsWith('-*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern);

/**
 * The problems of a build, one message each (empty when it is fine): a package a bundle must
 * not contain, bundled (an input of the output) or left for require at load time (an
 * external import of the output); and, in every bundle, a dynamic import() kept in the
 * output: on Node 20 bin/tokj.cjs runs bundles through vm.Script with V8's code cache, where
 * import() has no loader (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING; bin/tokj.cjs says why).
 * Load a built-in or another bundle lazily with createRequire(import.meta.url) instead.
 */
export function checkMetafile(metafile) {
  const problems = [];
  for (const [output, info] of Object.entries(metafile.outputs)) {
    if (!output.endsWith('.cjs')) continue;
    const bundle = output.split('/').pop();
    for (const { packages, why } of BUNDLE_RULES[bundle] ?? []) {
      const found = new Map();
      for (const input of Object.keys(info.inputs ?? {})) {
        const name = packageOfInput(input);
        if (name && packages.some((p) => matches(name, p)) && !found.has(name)) found.set(name, `bundles ${input}`);
      }
      for (const imp of info.imports ?? []) {
        const name = packageOfSpecifier(imp.path);
        if (imp.external && name && packages.some((p) => matches(name, p)) && !found.has(name)) found.set(name, `imports ${imp.path} (${imp.kind})`);
      }
      for (const [name, how] of found) problems.push(`${output} must not contain ${name}: it ${how}; ${why}`);
    }
    for (const imp of info.imports ?? []) {
      if (imp.kind === 'dynamic-import') problems.push(`${output} keeps a dynamic import(${JSON.stringify(imp.path)}): bin/tokj.cjs runs bundles through vm.Script, where import() has no loader; load it with createRequire(import.meta.url) instead`);
    }
  }
  return problems;
}
