/**
 * The build's rules on what the bundles contain (scripts/bundle-check.mjs), on made-up
 * metafiles and on the real build's, and the build ids it writes (scripts/build-id.mjs).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAll } from '../../scripts/build.mjs';
import { BUILD_ID_FILE, buildId } from '../../scripts/build-id.mjs';
import { checkMetafile, type Metafile } from '../../scripts/bundle-check.mjs';
import { repoRoot, tempDir } from '../helpers.js';

type Output = Metafile['outputs'][string];

const OWN = { 'src/cli/entry.ts': {}, 'src/cli/record.ts': {}, 'node_modules/commander/lib/command.js': {}, 'node_modules/micromark-util-character/index.js': {} };

function metafile(outputs: Record<string, Partial<Output>>): Metafile {
  return { outputs: Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name, { inputs: OWN, imports: [], ...o }])) };
}

describe('checkMetafile on made-up builds', () => {
  it('accepts a record-path bundle of our code, commander and the serializer helpers', () => {
    expect(checkMetafile(metafile({ 'dist/tokj.cjs': {} }))).toEqual([]);
  });

  it.each([
    ['micromark', 'node_modules/micromark/lib/parse.js'],
    ['micromark-core-commonmark', 'node_modules/micromark-core-commonmark/lib/list.js'],
    ['micromark-extension-gfm-table', 'node_modules/micromark-extension-gfm-table/lib/syntax.js'],
    ['mdast-util-from-markdown', 'node_modules/mdast-util-from-markdown/lib/index.js'],
    ['remark-parse', 'node_modules/remark-parse/lib/index.js'],
    ['remark-gfm', 'node_modules/remark-gfm/lib/index.js'],
    ['yaml', 'node_modules/yaml/dist/index.js'],
    ['csv-stringify', 'node_modules/csv-stringify/dist/cjs/sync.cjs'],
    ['csv', 'node_modules/csv/dist/cjs/index.cjs'],
    ['tiktoken', 'node_modules/tiktoken/tiktoken.cjs'],
    ['yaml', 'node_modules/.pnpm/yaml@2.9.1/node_modules/yaml/dist/compose/composer.js'],
  ])('rejects dist/tokj.cjs bundling %s (%s)', (name, input) => {
    const problems = checkMetafile(metafile({ 'dist/tokj.cjs': { inputs: { ...OWN, [input]: {} } } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`dist/tokj.cjs must not contain ${name}: it bundles ${input}`);
  });

  it('rejects dist/tokj.cjs requiring tiktoken at load time (an external import)', () => {
    const problems = checkMetafile(metafile({ 'dist/tokj.cjs': { imports: [{ path: 'tiktoken', kind: 'require-call', external: true }] } }));
    expect(problems).toEqual([expect.stringContaining('dist/tokj.cjs must not contain tiktoken: it imports tiktoken (require-call)')]);
  });

  it('names every problem at once', () => {
    const inputs = { ...OWN, 'node_modules/yaml/dist/index.js': {}, 'node_modules/micromark/lib/parse.js': {}, 'node_modules/micromark/lib/create-tokenizer.js': {} };
    expect(checkMetafile(metafile({ 'dist/tokj.cjs': { inputs } }))).toEqual([expect.stringContaining('micromark'), expect.stringContaining('yaml')]);
  });

  it('lets the other bundles contain them', () => {
    const inputs = { ...OWN, 'node_modules/yaml/dist/index.js': {}, 'node_modules/csv-stringify/dist/cjs/sync.cjs': {} };
    expect(checkMetafile(metafile({ 'dist/full.cjs': { inputs }, 'dist/parse.cjs': { inputs: { 'node_modules/micromark/lib/parse.js': {} } } }))).toEqual([]);
  });

  it('rejects a dynamic import() kept in any bundle', () => {
    const problems = checkMetafile(metafile({ 'dist/full.cjs': { imports: [{ path: 'node:crypto', kind: 'dynamic-import', external: true }] } }));
    expect(problems).toEqual([expect.stringContaining('dist/full.cjs keeps a dynamic import("node:crypto")')]);
  });

  it('looks only at the bundles, not their source maps', () => {
    expect(checkMetafile(metafile({ 'dist/tokj.cjs.map': { inputs: { 'node_modules/yaml/dist/index.js': {} } } }))).toEqual([]);
  });
});

describe('the real build', () => {
  let outdir: string;
  let metafiles: Record<string, Metafile>;
  beforeAll(async () => {
    outdir = tempDir('tokj-build-');
    metafiles = await buildAll({ outdir });
  });

  it('passes the check, and its tokj.cjs is the record path without the parser', () => {
    const tokj = Object.entries(metafiles['tokj.cjs']!.outputs).find(([name]) => name.endsWith('tokj.cjs'))![1];
    const inputs = Object.keys(tokj.inputs ?? {});
    expect(inputs).toEqual(expect.arrayContaining(['src/cli/entry.ts', 'src/cli/record.ts']));
    expect(inputs.some((i) => i.includes('node_modules/micromark/'))).toBe(false);
    // it serializes through remark's processor: remark-stringify, without remark-gfm
    expect(inputs).toEqual(expect.arrayContaining(['src/markdown/remark-gfm-to-markdown.ts', 'node_modules/remark-stringify/lib/index.js', 'node_modules/unified/lib/index.js']));
    expect(inputs.some((i) => i.includes('node_modules/remark-gfm/'))).toBe(false);
    for (const m of Object.values(metafiles)) expect(checkMetafile(m)).toEqual([]);
    // the parser is there, in its own bundle
    const parse = Object.entries(metafiles['parse.cjs']!.outputs).find(([name]) => name.endsWith('parse.cjs'))![1];
    expect(Object.keys(parse.inputs ?? {}).some((i) => i.includes('node_modules/micromark/'))).toBe(true);
    expect(Object.keys(parse.inputs ?? {})).toEqual(expect.arrayContaining(['node_modules/remark-parse/lib/index.js', 'node_modules/remark-gfm/lib/index.js']));
  });

  it('is refused once tokj.cjs contains a forbidden package', () => {
    const real = metafiles['tokj.cjs']!;
    const [name, output] = Object.entries(real.outputs).find(([n]) => n.endsWith('tokj.cjs'))!;
    const spoiled = { ...real, outputs: { ...real.outputs, [name]: { ...output, inputs: { ...output.inputs, 'node_modules/yaml/dist/index.js': {} } } } };
    expect(checkMetafile(spoiled)).toEqual([expect.stringContaining('must not contain yaml')]);
  });

  it('writes build-id.json: the SHA-256 of each bundle', () => {
    const ids = JSON.parse(readFileSync(path.join(outdir, BUILD_ID_FILE), 'utf8')) as Record<string, string>;
    expect(Object.keys(ids).sort()).toEqual(['cc-worker.cjs', 'full.cjs', 'parse.cjs', 'report-worker.cjs', 'tokj.cjs']);
    for (const [name, id] of Object.entries(ids)) expect(id).toBe(buildId(readFileSync(path.join(outdir, name))));
  });

  it('node scripts/build.mjs --outdir DIR builds there and exits 0', async () => {
    const dir = tempDir('tokj-build-');
    const r = await execa('node', [path.join(repoRoot, 'scripts', 'build.mjs'), '--outdir', dir], { cwd: dir, reject: false });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, BUILD_ID_FILE), 'utf8'))['tokj.cjs']).toBe(buildId(readFileSync(path.join(dir, 'tokj.cjs'))));
  });
});
