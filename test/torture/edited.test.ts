/**
 * Journals edited by people and tools: prettier over every file, sections moved, prose,
 * lists and tables added around the tool's blocks, a section deleted. The tool keeps
 * working, loses nothing, keeps what people (and their formatter) wrote byte for byte, and
 * regenerates what was deleted. A table broken beyond reading stops `record` with exit 3
 * naming the file and line, every file unchanged.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Root, RootContent } from 'mdast';
import { describe, expect, it } from 'vitest';
import { repoRoot, snapshotFiles, tempDir } from '../helpers.js';
import { parseMarkdown } from '../../src/markdown/parse.js';
import { compareWithLedger, doctor, ledgerCalls, listIn, plainText, readMd, tableIn, tokj, toolTable } from './support.js';

const prettier = path.join(repoRoot, 'node_modules/.bin/prettier');
// A provider response for a model the journal has priced already (gpt-4o).
const openaiBody = JSON.stringify({ ...JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/responses/openai-chat-basic.json'), 'utf8')), model: 'gpt-4o' });

/** The tool's sections; the first block of the right shape in each is the tool's. */
const TOOL_BLOCKS: Array<{ section: string; kind: 'table' | 'list' | 'paragraph'; first?: string }> = [
  { section: 'Session Information', kind: 'list' },
  { section: 'Usage Tracking', kind: 'table', first: 'Call' },
  { section: 'Session Summary', kind: 'list' },
  { section: 'Session Completion', kind: 'list' },
  { section: 'Cost Breakdown', kind: 'table', first: 'Provider' },
  { section: 'Efficiency Metrics', kind: 'list' },
  { section: 'Usage Summary', kind: 'table', first: 'Provider' },
  { section: 'Usage Summary', kind: 'paragraph', first: 'Total Estimated Cost' },
  { section: 'Monthly Summary', kind: 'table', first: 'Month' },
  { section: 'Recent Sessions', kind: 'table', first: 'Session' },
  { section: 'Usage Analysis', kind: 'list' },
  { section: 'Alerts', kind: 'table', first: 'Time' },
];
const TOOL_SECTIONS = new Set(TOOL_BLOCKS.map((b) => b.section));

function isToolShape(node: RootContent, spec: (typeof TOOL_BLOCKS)[number]): boolean {
  if (spec.kind === 'table') return node.type === 'table' && plainText(node.children[0]!.children[0]!).trim() === spec.first;
  if (spec.kind === 'paragraph') return node.type === 'paragraph' && node.children[0]?.type === 'strong' && plainText(node.children[0]).trim() === spec.first;
  return node.type === 'list' && !node.ordered && node.children.every((i) => i.children[0]?.type === 'paragraph' && i.children[0].children[0]?.type === 'strong');
}

/**
 * What people wrote: the source text of every top-level node that is neither a tool
 * section's heading nor one of the tool's blocks, in order.
 */
function humanParts(text: string): string[] {
  const root: Root = parseMarkdown(text);
  const owned = new Set<RootContent>();
  let section = '';
  const claimed = new Set<string>();
  for (const node of root.children) {
    if (node.type === 'heading') {
      section = plainText(node).trim();
      if (node.depth >= 2 && TOOL_SECTIONS.has(section)) owned.add(node);
      continue;
    }
    const spec = TOOL_BLOCKS.find((b) => b.section === section && !claimed.has(`${b.section}/${b.kind}`) && isToolShape(node, b));
    if (spec) {
      claimed.add(`${spec.section}/${spec.kind}`);
      owned.add(node);
    }
  }
  return root.children.filter((n) => !owned.has(n)).map((n) => text.slice(n.position!.start.offset!, n.position!.end.offset!));
}

const HUMAN_SESSION_NOTES = [
  '',
  '## Reviewer notes',
  '',
  '* star bullet that prettier turns into a dash',
  '* with __underscored bold__ and *starred emphasis*',
  '',
  '| who   |what|',
  '|--|--|',
  '|me|   a   table of my own |',
  '',
  'A paragraph with trailing spaces   ',
  'and a hard line break.',
  '',
].join('\n');

async function journalWithCalls(): Promise<{ cwd: string; root: string }> {
  const cwd = tempDir('tokj-torture-edit-');
  const root = path.join(cwd, '.ai_workflow');
  expect((await tokj(cwd, ['init', 's', 'openai', 'gpt-4o', '-q'])).exitCode).toBe(0);
  expect((await tokj(cwd, ['init', 't', 'anthropic', 'claude-sonnet-4-20250514', '-q'])).exitCode).toBe(0);
  for (const [args, session] of [
    [['1500', '800', '--note', 'first | call'], 's'],
    [['1200', '300', 'anthropic', 'claude-sonnet-4-20250514'], 's'],
    [['10', '5'], 't'],
  ] as const) {
    const r = await tokj(cwd, ['record', ...args, '--session', session]);
    expect(r.exitCode, r.stderr).toBe(0);
  }
  return { cwd, root };
}

const sessionFile = (root: string, id: string): string => path.join(root, 'monitoring/sessions', `${id}.md`);
const journalFile = (root: string): string => path.join(root, 'work_journal/token_usage.md');

describe('edited by people and tools', () => {
  it('prettier --write over every file, then record: nothing lost, totals right, prettier formatting of human text kept', async () => {
    const { cwd, root } = await journalWithCalls();
    for (const file of [sessionFile(root, 's'), journalFile(root)]) writeFileSync(file, readFileSync(file, 'utf8') + HUMAN_SESSION_NOTES);
    execFileSync(prettier, ['--write', '.ai_workflow/**/*.md'], { cwd, stdio: 'pipe' });
    const formatted = readFileSync(sessionFile(root, 's'), 'utf8');
    // prettier did reformat the person's text (and the tool's tables: padded).
    expect(formatted).toContain('- star bullet that prettier turns into a dash');
    expect(formatted).toContain('**underscored bold**');
    expect(formatted).toMatch(/\| Call \| Timestamp +\|/);
    const human = { s: humanParts(formatted), t: humanParts(readFileSync(sessionFile(root, 't'), 'utf8')), j: humanParts(readFileSync(journalFile(root), 'utf8')) };

    for (const [args, session] of [
      [['700', '70'], 's'],
      [['20', '10'], 't'],
      [['30', '10', '--note', 'after | prettier'], 's'],
    ] as const) {
      const r = await tokj(cwd, ['record', ...args, '--session', session]);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    expect(humanParts(readFileSync(sessionFile(root, 's'), 'utf8'))).toEqual(human.s);
    expect(humanParts(readFileSync(sessionFile(root, 't'), 'utf8'))).toEqual(human.t);
    expect(humanParts(readFileSync(journalFile(root), 'utf8'))).toEqual(human.j);
    const rows = tableIn(readMd(sessionFile(root, 's')), 'Usage Tracking').slice(1);
    expect(rows.map((r) => [r[4], r[10]])).toEqual([
      ['1,500', 'first | call'],
      ['1,200', ''],
      ['700', ''],
      ['30', 'after | prettier'],
    ]);
    expect(listIn(readMd(sessionFile(root, 's')), 'Session Summary')).toMatchObject({ 'Total Calls': '4', 'Total Input Tokens': '3,430' });
    expect(tableIn(readMd(journalFile(root)), 'Usage Summary').at(-1)!.slice(0, 6)).toEqual(['TOTAL', '', '2', '6', '3,460', '1,195']);
    expect(compareWithLedger(root)).toEqual([]);
    expect((await doctor(cwd)).exitCode).toBe(0);

    // prettier again over the tool's fresh output, and once more a record: still all there.
    execFileSync(prettier, ['--write', '.ai_workflow/**/*.md'], { cwd, stdio: 'pipe' });
    expect((await tokj(cwd, ['record', '1', '1', '--session', 't'])).exitCode).toBe(0);
    expect(compareWithLedger(root)).toEqual([]);
    expect((await doctor(cwd)).exitCode).toBe(0);
  });

  it('sections reordered, prose, lists and tables added, Recent Sessions deleted: all kept, the deleted section regenerated', async () => {
    const { cwd, root } = await journalWithCalls();
    const sFile = sessionFile(root, 's');
    let text = readFileSync(sFile, 'utf8');
    const usageAt = text.indexOf('## Usage Tracking');
    const summaryAt = text.indexOf('## Session Summary');
    const usage = text.slice(usageAt, summaryAt);
    const summary = text.slice(summaryAt);
    text =
      text.slice(0, usageAt) +
      summary.trimEnd() +
      '\n\nMy prose right after the summary, *kept as typed*.\n\n' +
      usage.replace('| Call |', 'Before the table: a list and a table of mine.\n\n1. first\n2. second\n\n| Mine | Not the tool\'s |\n| --- | --- |\n| 1 | 2 |\n\n| Call |') +
      '\n## Appendix\n\n- **Looks like**: a labelled list, but in my own section\n\n| Call | Timestamp |\n| --- | --- |\n| a table | with the tool\'s first header, in my section |\n';
    writeFileSync(sFile, text);
    const jFile = journalFile(root);
    const journal = readFileSync(jFile, 'utf8');
    const logAt = journal.indexOf('## Recent Sessions');
    const nextAt = journal.indexOf('\n## ', logAt + 5) + 1;
    writeFileSync(jFile, `${journal.slice(0, logAt)}${journal.slice(nextAt)}\nClosing words of the journal's reader.\n`);
    const humanS = humanParts(readFileSync(sFile, 'utf8'));
    const humanJ = humanParts(readFileSync(jFile, 'utf8'));

    for (const [args, session] of [
      [['111', '11'], 's'],
      [['222', '22'], 't'],
    ] as const) {
      const r = await tokj(cwd, ['record', ...args, '--session', session]);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const after = readFileSync(sFile, 'utf8');
    expect(humanParts(after)).toEqual(humanS);
    // Still in the person's order: the summary above the usage table.
    expect(after.indexOf('## Session Summary')).toBeLessThan(after.indexOf('## Usage Tracking'));
    expect(after).toContain("| Mine | Not the tool's |\n| --- | --- |\n| 1 | 2 |\n");
    expect(after).toContain("| Call | Timestamp |\n| --- | --- |\n| a table | with the tool's first header, in my section |\n");
    const md = readMd(sFile);
    expect(toolTable(md, 'Usage Tracking', 'Call').slice(1).map((r) => r[4])).toEqual(['1,500', '1,200', '111']);
    expect(listIn(md, 'Session Summary')['Total Calls']).toBe('3');

    const j = readFileSync(jFile, 'utf8');
    // Whatever the person kept is kept; the deleted section is back with every session.
    expect(humanParts(j).filter((p) => !humanJ.includes(p))).toEqual([]);
    expect(humanParts(j)).toEqual(humanJ);
    expect(tableIn(readMd(jFile), 'Recent Sessions').slice(1).map((r) => [r[0], r[4]])).toEqual([
      ['s', '3'],
      ['t', '2'],
    ]);
    expect(tableIn(readMd(jFile), 'Usage Summary').at(-1)!.slice(0, 6)).toEqual(['TOTAL', '', '2', '5', '3,043', '1,138']);
    expect(compareWithLedger(root)).toEqual([]);
    const d = await doctor(cwd);
    expect(d.exitCode, d.out).toBe(0);
  });

  describe('a table broken beyond reading: record exits 3 naming file and line, every file unchanged', () => {
    const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;

    const cases: Array<{ name: string; file: (root: string) => string; rel: string; breakIt: (text: string) => { text: string; line: number } }> = [
      {
        name: 'Usage Tracking without its delimiter row',
        file: (root) => sessionFile(root, 's'),
        rel: 'monitoring/sessions/s.md',
        // The delimiter row right under the header, whatever its alignment colons.
        breakIt: (text) => ({ text: text.replace(/(\n\| Call \|[^\n]*)\n\|(?: :?-+:? \|)+\n/, '$1\n'), line: lineOf(text, '| Call |') }),
      },
      {
        name: 'Usage Tracking with a header cell renamed (Timestamp -> Time)',
        file: (root) => sessionFile(root, 's'),
        rel: 'monitoring/sessions/s.md',
        breakIt: (text) => ({ text: text.replace('| Call | Timestamp |', '| Call | Time |'), line: lineOf(text, '| Call |') }),
      },
      {
        name: 'Usage Tracking with a header cell removed',
        file: (root) => sessionFile(root, 's'),
        rel: 'monitoring/sessions/s.md',
        breakIt: (text) => ({ text: text.replace('| Cost | Note |', '| Cost |'), line: lineOf(text, '| Call |') }),
      },
      {
        name: 'Usage Summary without its delimiter row',
        file: journalFile,
        rel: 'work_journal/token_usage.md',
        breakIt: (text) => ({ text: text.replace(/\n\| -+ \| -+ \| -+: \|.*\n/, '\n'), line: lineOf(text, '| Provider ') }),
      },
      {
        name: 'Recent Sessions with a header cell renamed (Calls -> Requests)',
        file: journalFile,
        rel: 'work_journal/token_usage.md',
        breakIt: (text) => ({ text: text.replace('| Provider/Model | Calls |', '| Provider/Model | Requests |'), line: lineOf(text, '| Session | Started |') }),
      },
    ];

    for (const c of cases) {
      it(c.name, async () => {
        const { cwd, root } = await journalWithCalls();
        const file = c.file(root);
        const original = readFileSync(file, 'utf8');
        const broken = c.breakIt(original);
        expect(broken.text, 'the test broke the table').not.toBe(original);
        writeFileSync(file, broken.text);
        const before = snapshotFiles(root);
        for (const args of [['record', '5', '5', '--session', 's'], ['auto-collect', '--session', 's'], ['finalize', '--session', 's']]) {
          const r = await tokj(cwd, args, args[0] === 'auto-collect' ? { input: openaiBody } : {});
          expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(3);
          expect(r.stderr).toContain(`${c.rel}:${broken.line}:`);
          expect(snapshotFiles(root), args.join(' ')).toEqual(before);
        }
        // A model this journal has not priced yet: nothing in the journal may change either
        // (the price cache under .state/ aside: see the next test).
        const r = await tokj(cwd, ['record', '5', '5', 'openai', 'gpt-4o-mini', '--session', 's']);
        expect(r.exitCode, r.stderr).toBe(3);
        const { 'monitoring/.state/price-cache.json': _was, ...rest } = before;
        const { 'monitoring/.state/price-cache.json': _now, ...restAfter } = snapshotFiles(root);
        expect(restAfter).toEqual(rest);
        expect(ledgerCalls(root)).toHaveLength(3);
        // Repaired by hand: works again, nothing lost.
        writeFileSync(file, original);
        const ok = await tokj(cwd, ['record', '5', '5', '--session', 's']);
        expect(ok.exitCode, ok.stderr).toBe(0);
        expect(compareWithLedger(root)).toEqual([]);
        expect((await doctor(cwd)).exitCode).toBe(0);
      });
    }

    // REGRESSION (was a product bug, fixed) (minor): a refused record (exit 3, "nothing was written") still rewrites
    // .state/price-cache.json when its model was not priced before: buildCallRecords() in
    // src/app/record.ts calls options.prices.save() before txn.preflight() finds the broken
    // table. The cache is derived (safe to delete), but exit 3 promises every file unchanged.
    it('a refused record of a model not priced before leaves .state/price-cache.json unchanged too', async () => {
      const { cwd, root } = await journalWithCalls();
      const file = sessionFile(root, 's');
      writeFileSync(file, readFileSync(file, 'utf8').replace('| Call | Timestamp |', '| Call | Time |'));
      const before = snapshotFiles(root);
      const r = await tokj(cwd, ['record', '5', '5', 'openai', 'gpt-4o-mini', '--session', 's']);
      expect(r.exitCode, r.stderr).toBe(3);
      expect(snapshotFiles(root)).toEqual(before);
    });

    // REGRESSION (was a product bug, fixed): renaming the FIRST header cell of a tool table ("Call" -> "Calls") is not
    // seen as a broken table: the tool decides the table is missing, inserts a second Usage
    // Tracking table below the person's, and keeps the old one with its stale rows, so the
    // file shows every earlier call twice. src/markdown/locate.ts brokenTableLine() only
    // recognises a damaged tool table by an unchanged first header cell.
    it('Usage Tracking with its first header cell renamed (Call -> Calls)', async () => {
      const { cwd, root } = await journalWithCalls();
      const file = sessionFile(root, 's');
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, original.replace('| Call | Timestamp |', '| Calls | Timestamp |'));
      const before = snapshotFiles(root);
      const r = await tokj(cwd, ['record', '5', '5', '--session', 's']);
      expect(r.exitCode, r.stderr).toBe(3);
      expect(r.stderr).toContain(`monitoring/sessions/s.md:${lineOf(original, '| Call |')}:`);
      expect(snapshotFiles(root)).toEqual(before);
    });
  });
});
