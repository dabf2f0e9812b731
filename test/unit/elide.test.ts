import fc from 'fast-check';
import type { Nodes, Root } from 'mdast';
import { describe, expect, it } from 'vitest';
import { cutsInsideTables, elidedRows, elideLongTables, restorePositions } from '../../src/markdown/elide.js';
import { parseMarkdownLazily } from '../../src/markdown/lazy-parse.js';
import { parseMarkdown } from '../../src/markdown/parse.js';
import { TokjError } from '../../src/core/errors.js';
import { locateBlocks, parseOptionsFor } from '../../src/markdown/locate.js';
import { JOURNAL_BLOCKS } from '../../src/views/journal-view.js';
import { SESSION_BLOCKS, USAGE_HEADER } from '../../src/views/session-view.js';

/** Every node outside table rows, with its span and lines; a table with its row count. */
function shape(root: Root): string[] {
  const out: string[] = [];
  const visit = (node: Nodes, depth: number): void => {
    const p = node.position;
    const rows = node.type === 'table' ? ` rows=${node.children.length - 1 + elidedRows(node)}` : '';
    out.push(`${'  '.repeat(depth)}${node.type} ${p?.start.offset}-${p?.end.offset} L${p?.start.line}-${p?.end.line}${rows}`);
    if (node.type === 'table') return;
    if ('children' in node) for (const child of node.children as Nodes[]) visit(child, depth + 1);
  };
  visit(root, 0);
  return out;
}

const row = fc.array(fc.constantFrom('a', '1,500', '$0.01', '', 'x|y'.replace('|', '\\|'), '**b**', '`c`'), { minLength: 1, maxLength: 3 }).map((cells) => `| ${cells.join(' | ')} |`);
const table = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.array(row, { maxLength: 12 }), fc.constantFrom('| -: | - | :-: |', '| --- | --- |', '|-|', '| - |')).map(([n, rows, delimiter]) => [`| ${Array.from({ length: n }, (_, i) => `H${i}`).join(' | ')} |`, delimiter, ...rows].join('\n'));
const block = fc.oneof(
  table,
  table,
  fc.constantFrom('## Usage Tracking', '# Title', 'Some text a person wrote.', '- **Label**: value\n- **Other**: 2', '- item\n| lazy | line |', '```\n| a | b |\n| - | - |\n| 1 | 2 |\n| 3 | 4 |\n```', '> | quoted | table |\n> | - | - |\n> | 1 | 2 |', '| not | a table |\n| 1 | 2 |', '    | indented | code |', 'Paragraph line\n| - | - |\n| 1 | 2 |', '<div>\n| in | html |\n| - | - |\n| 1 | 2 |\n</div>'),
);
const doc = fc.array(fc.tuple(block, fc.constantFrom('\n\n', '\n', '\r\n\r\n')), { minLength: 1, maxLength: 8 }).map((parts) => parts.map(([b, sep]) => b + sep).join(''));

describe('elideLongTables', () => {
  it('parses to the same tree, positions and row counts, with fewer rows held (property)', async () => {
    let cutRuns = 0;
    await fc.assert(
      fc.asyncProperty(doc, fc.integer({ min: 2, max: 6 }), async (text, minRows) => {
        expect(shape(await parseMarkdownLazily(text, { elideRowsFrom: minRows }))).toEqual(shape(parseMarkdown(text)));
        const short = elideLongTables(text, minRows);
        if (short.cuts.length > 0 && cutsInsideTables(parseMarkdown(short.text), short.cuts)) cutRuns++;
      }),
      { numRuns: 3000 },
    );
    // The shortened parse was the one used in many of the runs, not only the fallback.
    expect(cutRuns).toBeGreaterThan(300);
  });

  it('cuts a long table down to its first and last rows', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `| ${i + 1} | x |`);
    const text = `# T\n\n| Call | Note |\n| -: | - |\n${rows.join('\n')}\n\nAfter.\n`;
    const short = elideLongTables(text, 256);
    expect(short.text).toBe(`# T\n\n| Call | Note |\n| -: | - |\n| 1 | x |\n| 1000 | x |\n\nAfter.\n`);
    const root = parseMarkdown(short.text);
    restorePositions(root, short.cuts);
    const tableNode = root.children[1]!;
    expect(text.slice(tableNode.position!.start.offset, tableNode.position!.end.offset)).toBe(`| Call | Note |\n| -: | - |\n${rows.join('\n')}`);
    expect(elidedRows(tableNode)).toBe(998);
    expect(root.children[2]!.position!.start.line).toBe(1006);
  });
});

describe('an elided table in locateBlocks', () => {
  const usageText = (n: number): string => {
    const rows = Array.from({ length: n }, (_, i) => `| ${[String(i + 1), ...USAGE_HEADER.slice(1).map(() => 'x')].join(' | ')} |`);
    return `# Session\n\n## Session Information\n\n- **Status**: active\n\n## Usage Tracking\n\n| ${USAGE_HEADER.join(' | ')} |\n| ${USAGE_HEADER.map(() => '-').join(' | ')} |\n${rows.join('\n')}\n\n## Session Summary\n\n- **Total Calls**: ${n}\n`;
  };

  it('is declared by the session view: the usage table from 256 rows, nothing else', () => {
    expect(parseOptionsFor(SESSION_BLOCKS)).toEqual({ elideRowsFrom: 256 });
    expect(parseOptionsFor(JOURNAL_BLOCKS)).toEqual({});
  });

  it('counts its rows but refuses its cells (a bug error, exit 70); a table parsed whole gives them', async () => {
    for (const [n, elided] of [
      [300, true],
      [255, false],
    ] as const) {
      const text = usageText(n);
      const located = locateBlocks(await parseMarkdownLazily(text, parseOptionsFor(SESSION_BLOCKS)), SESSION_BLOCKS, 'session.md', text);
      expect(located.rowCounts.usage).toBe(n);
      if (elided) {
        const error = (() => {
          try {
            located.rowCells.rows('usage');
          } catch (e) {
            return e;
          }
          return null;
        })();
        expect(error).toBeInstanceOf(TokjError);
        expect(error).toMatchObject({ exitCode: 70, code: 'elided_rows' });
      } else {
        const rows = located.rowCells.rows('usage')!;
        expect(rows).toHaveLength(n);
        expect(rows[n - 1]![0]).toBe(String(n));
      }
      expect(located.rowCells.rows('breakdown')).toBeUndefined();
    }
  });
});
