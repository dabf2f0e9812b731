/**
 * The tool's markdown renders well: markdownlint-cli2 finds nothing with the config the tool
 * ships in .ai_workflow/ (templates/workflow/markdownlint.jsonc), and GitHub's renderer,
 * cmark-gfm, keeps every table whole — each table of a file renders with as many rows and
 * columns as its source has. Over the demo journal, a session file, the Alerts block with
 * alerts in it, and a report of every period (by hand and --due).
 */
import { execa } from 'execa';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LINE_LENGTH } from '../../src/markdown/wrap.js';
import { repoRoot, tempDir, tokj } from '../helpers.js';
import { requirement } from '../requirements.js';

const hasCmark = (await execa('cmark-gfm', ['--version'], { reject: false })).exitCode === 0;
const cmark = requirement('the cmark-gfm rendering test', hasCmark ? null : 'cmark-gfm is not installed (Debian: apt-get install -y cmark-gfm)');
const lintBin = path.join(repoRoot, 'node_modules', 'markdownlint-cli2', 'markdownlint-cli2-bin.mjs');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === '.state' ? [] : markdownFiles(p);
    return name.endsWith('.md') ? [p] : [];
  });
}

/** Rows (header included) and columns of each table in markdown source: a pipe line followed by a delimiter row. */
function sourceTables(text: string): Array<{ rows: number; columns: number }> {
  const lines = text.split('\n');
  const out: Array<{ rows: number; columns: number }> = [];
  const inFence = (i: number): boolean => lines.slice(0, i).filter((l) => l.startsWith('```')).length % 2 === 1;
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i]!.startsWith('|') || !/^\|(?:\s*:?-+:?\s*\|)+$/.test(lines[i + 1]!) || inFence(i)) continue;
    const columns = lines[i + 1]!.split('|').length - 2;
    let end = i + 2;
    while (end < lines.length && lines[end]!.startsWith('|')) end++;
    out.push({ rows: end - i - 1, columns });
    i = end - 1;
  }
  return out;
}

/** Rows of each table in cmark-gfm's HTML, as their cell counts. */
function htmlTables(html: string): number[][] {
  return [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((t) => [...t[1]!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => r[1]!.match(/<t[hd][ >]/g)?.length ?? 0));
}

/** How cmark-gfm's tables differ from the file's source tables (none: every table intact). */
async function tableMismatches(file: string): Promise<string[]> {
  const want = sourceTables(readFileSync(file, 'utf8'));
  const got = htmlTables((await execa('cmark-gfm', ['-e', 'table', '-e', 'strikethrough', '-e', 'autolink', '-e', 'tagfilter', file])).stdout);
  if (got.length !== want.length) return [`${want.length} tables in the source, ${got.length} rendered`];
  return want.flatMap((t, i) => {
    const rows = got[i]!;
    const bad = rows.length !== t.rows ? [`table ${i + 1}: ${t.rows} rows in the source, ${rows.length} rendered`] : [];
    return [...bad, ...rows.flatMap((cells, r) => (cells === t.columns ? [] : [`table ${i + 1} row ${r + 1}: ${t.columns} columns in the source, ${cells} rendered`]))];
  });
}

describe('the markdown the tool writes', () => {
  const cwd = tempDir();
  const root = path.join(cwd, '.ai_workflow');
  const env = { TOKJ_NOW: '2026-11-24T09:00:00Z', TZ: 'UTC' };
  let files: string[] = [];

  beforeAll(async () => {
    expect((await tokj(cwd, ['demo', '.'], { env })).exitCode).toBe(0);
    // Two alerts: a token spike and a day over its budget.
    expect((await tokj(cwd, ['monitor', '52000'], { env })).exitCode).toBe(1);
    expect((await tokj(cwd, ['config', 'set', 'budget.daily', '0.05'], { env })).exitCode).toBe(0);
    expect((await tokj(cwd, ['budget', 'check', '--period', 'day'], { env })).exitCode).toBe(1);
    for (const period of ['daily', 'weekly', 'monthly']) {
      const r = await tokj(cwd, ['report', '--due', '--period', period, '--suggestions'], { env: { ...env, TOKJ_NOW: '2026-12-01T09:00:00Z' } });
      expect(r.stdout, r.stderr).toMatch(new RegExp(`usage_report_\\d{8}_${period}\\.md$`));
    }
    for (const period of ['daily', 'weekly', 'monthly', 'session']) {
      const r = await tokj(cwd, ['report', '--period', period, '--suggestions', '--output', `.ai_workflow/monitoring/reports/by-hand-${period}.md`], { env });
      expect(r.exitCode, r.stderr).toBe(0);
    }
    files = markdownFiles(root);
  }, 120_000);

  it('covers the journal, its month log, both session files, the config, the README and seven reports', () => {
    expect(files.map((f) => path.relative(root, f)).sort()).toEqual([
      'README.md',
      'monitoring/reports/by-hand-daily.md',
      'monitoring/reports/by-hand-monthly.md',
      'monitoring/reports/by-hand-session.md',
      'monitoring/reports/by-hand-weekly.md',
      'monitoring/reports/usage_report_20261101_monthly.md',
      'monitoring/reports/usage_report_20261123_weekly.md',
      'monitoring/reports/usage_report_20261124_daily.md',
      'monitoring/sessions/demo-flaky-search.md',
      'monitoring/sessions/demo-refactor.md',
      'monitoring/token_collection_config.md',
      'work_journal/log/2026-11.md',
      'work_journal/token_usage.md',
    ]);
    const journal = readFileSync(path.join(root, 'work_journal', 'token_usage.md'), 'utf8');
    expect(journal).toContain('| 2026-11-24 09:00:00 UTC | high_usage | demo-flaky-search | gemini-2.5-flash | 52,000 tokens (1405.3% of average) | 11,101 tokens | 3,700 tokens |');
    expect(journal).toContain('| 2026-11-24 09:00:00 UTC | budget_exceeded | | | $0.0691 (138.3% of budget) | $0.0500 | |');
  });

  it('ships the markdownlint config from templates/, checking prose at the line length the tool wraps at', () => {
    const shipped = readFileSync(path.join(root, '.markdownlint.jsonc'), 'utf8');
    expect(shipped).toBe(readFileSync(path.join(repoRoot, 'templates', 'workflow', 'markdownlint.jsonc'), 'utf8'));
    const config = JSON.parse(shipped.replace(/^\s*\/\/.*$/gm, '')) as { MD013: { line_length: number; tables: boolean; code_blocks: boolean } };
    expect(config.MD013).toEqual({ line_length: LINE_LENGTH, tables: false, code_blocks: false });
  });

  it('passes markdownlint-cli2 with that config: no errors', async () => {
    const r = await execa('node', [lintBin, '**/*.md'], { cwd: root, reject: false });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Linting: ${files.length} file(s)`);
    expect(r.stdout).toContain('Summary: 0 error(s)');
    expect(r.exitCode).toBe(0);
  });

  it('a lint error is found (the check can fail)', async () => {
    const dir = tempDir();
    const { writeFileSync, copyFileSync } = await import('node:fs');
    copyFileSync(path.join(root, '.markdownlint.jsonc'), path.join(dir, '.markdownlint.jsonc'));
    writeFileSync(path.join(dir, 'bad.md'), `# Title\n\n${'word '.repeat(30).trim()}\n`);
    const r = await execa('node', [lintBin, '**/*.md'], { cwd: dir, reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('MD013/line-length');
  });

  it.skipIf(cmark.skip)('renders with cmark-gfm, every table with the rows and columns of its source', async () => {
    cmark.check();
    const tables: Record<string, number> = {};
    for (const file of files) {
      const name = path.relative(root, file);
      expect(await tableMismatches(file), name).toEqual([]);
      tables[name] = sourceTables(readFileSync(file, 'utf8')).length;
    }
    // Reports: by period, by model, provider and agent, top sessions, and the alerts of 2026-11-24.
    const report = 6;
    expect(tables).toEqual({
      'README.md': 0,
      'monitoring/reports/by-hand-daily.md': report,
      'monitoring/reports/by-hand-monthly.md': report,
      'monitoring/reports/by-hand-session.md': report,
      'monitoring/reports/by-hand-weekly.md': report,
      'monitoring/reports/usage_report_20261101_monthly.md': report,
      'monitoring/reports/usage_report_20261123_weekly.md': report,
      'monitoring/reports/usage_report_20261124_daily.md': report,
      'monitoring/sessions/demo-flaky-search.md': 2,
      'monitoring/sessions/demo-refactor.md': 2,
      'monitoring/token_collection_config.md': 2,
      'work_journal/log/2026-11.md': 1,
      'work_journal/token_usage.md': 4,
    });
  });

  it.skipIf(cmark.skip)('finds a table that does not render whole (the check can fail)', async () => {
    cmark.check();
    const { writeFileSync } = await import('node:fs');
    const file = path.join(tempDir(), 'broken.md');
    writeFileSync(file, '# Broken\n\n| a | b |\n| - |\n| 1 | 2 |\n\n| c | d |\n| - | - |\n| 3 | 4 |\n');
    expect(await tableMismatches(file)).toEqual(['2 tables in the source, 1 rendered']);
  });

  it('counts source tables by their delimiter rows, not by pipes in code or prose', () => {
    expect(sourceTables('| a | b |\n| - | -: |\n| 1 | 2 |\n| 3 | 4 \\| 5 |\n\ntext | with pipe\n\n```\n| x |\n| - |\n```\n')).toEqual([{ rows: 3, columns: 2 }]);
  });
});
