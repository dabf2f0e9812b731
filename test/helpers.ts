/** Test helpers: run the built binary in temp dirs, read journals back through a GFM parser. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type Options } from 'execa';
import type { Root, Table } from 'mdast';
import { parseMarkdown } from '../src/markdown/parse.js';
import { plainText } from '../src/markdown/locate.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const bin = path.join(repoRoot, 'bin', 'tokj.cjs');

/** A new temp dir, removed after the run (test/global-setup.ts) by its run id. */
export function tempDir(prefix = 'tokj-test-'): string {
  const run = process.env.TOKJ_TEST_RUN;
  return mkdtempSync(path.join(tmpdir(), run ? `${prefix}${run}-` : prefix));
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `tokj ARGS` in cwd with a clean environment (no inherited TOKJ_*). */
export async function tokj(cwd: string, args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<RunResult> {
  const env: Record<string, string | undefined> = { ...process.env, TOKJ_SESSION: undefined, TOKJ_DIR: undefined, TOKJ_NOW: undefined, VITEST: undefined, TOKJ_HOST: 'test', ...options.env };
  const execOptions: Options = { cwd, env, extendEnv: false, reject: false, stripFinalNewline: true, ...(options.input !== undefined ? { input: options.input } : {}) };
  const r = await execa('node', [bin, ...args], execOptions);
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Every file under dir with its bytes, for "nothing changed" assertions. */
export function snapshotFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const p = path.join(d, name);
      // A file may vanish mid-walk (a temp file being renamed): skip it.
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else {
        try {
          out[path.relative(dir, p)] = readFileSync(p).toString('base64');
        } catch {
          // gone between stat and read
        }
      }
    }
  };
  walk(dir);
  return out;
}

export function readMd(file: string): Root {
  return parseMarkdown(readFileSync(file, 'utf8'));
}

/** The first table under the heading `section`, as rows of cell texts (header first). */
export function tableIn(root: Root, section: string): string[][] {
  const start = root.children.findIndex((n) => n.type === 'heading' && plainText(n).trim() === section);
  if (start < 0) throw new Error(`no section ${section}`);
  for (let i = start + 1; i < root.children.length; i++) {
    const n = root.children[i]!;
    if (n.type === 'heading' && n.depth <= 2) break;
    if (n.type === 'table') return (n as Table).children.map((r) => r.children.map((c) => plainText(c)));
  }
  throw new Error(`no table in ${section}`);
}

/**
 * Every session row of a journal's month logs (`work_journal/log/YYYY-MM.md`, oldest month
 * first), header left out: the full Detailed Usage Log. `root` is the `.ai_workflow` folder.
 */
export function monthLogRows(root: string): string[][] {
  const dir = path.join(root, 'work_journal', 'log');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^\d{4}-\d\d\.md$/.test(name))
    .sort()
    .flatMap((name) => tableIn(readMd(path.join(dir, name)), 'Detailed Usage Log').slice(1));
}

/** `**Label**: value` items of the first list under `section`. */
export function listIn(root: Root, section: string): Record<string, string> {
  const start = root.children.findIndex((n) => n.type === 'heading' && plainText(n).trim() === section);
  if (start < 0) throw new Error(`no section ${section}`);
  for (let i = start + 1; i < root.children.length; i++) {
    const n = root.children[i]!;
    if (n.type === 'heading' && n.depth <= 2) break;
    if (n.type === 'list') {
      const out: Record<string, string> = {};
      for (const item of n.children) {
        const p = item.children[0];
        if (p?.type !== 'paragraph') continue;
        const [label, ...rest] = p.children;
        if (label?.type === 'strong') out[plainText(label)] = rest.map((c) => plainText(c)).join('').replace(/^:\s*/, '');
      }
      return out;
    }
  }
  throw new Error(`no list in ${section}`);
}

export function ledgerLines(root: string): Array<Record<string, unknown>> {
  const dir = path.join(root, 'monitoring', 'ledger');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
