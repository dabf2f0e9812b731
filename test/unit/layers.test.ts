/**
 * The folder map of README's "How it is built", checked against the imports in src/: each
 * folder imports only the folders it lists (core/errors.ts, the error class and exit codes,
 * from anywhere), and only io/ and cli/ import node:fs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers.js';

const ALLOWED: Record<string, string[]> = {
  cli: ['app', 'reconcile', 'metrics', 'report', 'importers', 'views', 'markdown', 'ingest', 'providers', 'pricing', 'core', 'ledger', 'io'],
  app: ['reconcile', 'metrics', 'report', 'importers', 'views', 'markdown', 'ingest', 'providers', 'pricing', 'core', 'ledger', 'io'],
  reconcile: ['report', 'views', 'markdown', 'pricing', 'core', 'ledger'],
  metrics: ['report', 'ledger', 'core'],
  report: ['views', 'markdown', 'pricing', 'ledger', 'io', 'core'],
  importers: ['markdown', 'providers', 'io', 'core'],
  views: ['markdown', 'ledger', 'core'],
  markdown: ['io', 'core'],
  ingest: ['providers', 'core'],
  providers: ['core'],
  pricing: ['io', 'core'],
  core: ['ledger'],
  ledger: ['io'],
  io: [],
};

const src = path.join(repoRoot, 'src');
const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
const importsOf = (file: string): string[] => [...readFileSync(path.join(src, file), 'utf8').matchAll(/^(?:import|export)\b[^;]*?from '([^']+)'/gms)].map((m) => m[1]!);

describe('the layers of src/', () => {
  it('every folder is on the map', () => {
    const folders = new Set(files.filter((f) => f.includes(path.sep)).map((f) => f.split(path.sep)[0]!));
    expect([...folders].sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it('each folder imports only the folders below it', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = file.split(path.sep)[0]!;
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = path.relative(src, path.resolve(src, path.dirname(file), spec));
        const to = target.split(path.sep)[0]!;
        if (to === from || target.startsWith('..') || target === path.join('core', 'errors.js')) continue;
        if (!ALLOWED[from]?.includes(to)) wrong.push(`${file} -> ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('only io/ and cli/ touch the file system', () => {
    const touching = files.filter((f) => importsOf(f).some((spec) => spec === 'node:fs' || spec === 'node:fs/promises' || spec === 'fs'));
    expect(touching.filter((f) => !f.startsWith(`io${path.sep}`) && !f.startsWith(`cli${path.sep}`))).toEqual([]);
  });
});
