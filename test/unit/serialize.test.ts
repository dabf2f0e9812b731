/**
 * src/markdown/serialize.ts serializes through remark's processor (remark-stringify and
 * the GFM toMarkdown extensions registered by remark-gfm-to-markdown.ts), a block wrapped
 * in a root. Before, it called mdast-util-to-markdown on the node itself; that call is kept
 * here, and both must write the same bytes for the blocks the tool writes and for any
 * other mdast, with hostile text in every place.
 */
import fc from 'fast-check';
import type { AlignType, BlockContent, Nodes, PhrasingContent, Root, RootContent, Table, TableCell } from 'mdast';
import { gfmAutolinkLiteralToMarkdown } from 'mdast-util-gfm-autolink-literal';
import { gfmStrikethroughToMarkdown } from 'mdast-util-gfm-strikethrough';
import { gfmTableToMarkdown } from 'mdast-util-gfm-table';
import { toMarkdown } from 'mdast-util-to-markdown';
import { describe, expect, it } from 'vitest';
import { bulletList, heading, labelledList, paragraph, strong, table, text } from '../../src/markdown/build.js';
import { serializeNode } from '../../src/markdown/serialize.js';

/** The serializer as src/markdown/serialize.ts called it before remark's processor. */
function serializeDirectly(node: Nodes, alignTables = true): string {
  const out = toMarkdown(node, {
    bullet: '-',
    emphasis: '_',
    strong: '*',
    listItemIndent: 'one',
    rule: '-',
    extensions: [gfmTableToMarkdown({ tablePipeAlign: alignTables }), gfmStrikethroughToMarkdown(), gfmAutolinkLiteralToMarkdown()],
  });
  return out.replace(/\n+$/, '');
}

// Plain characters, and every one that can start markup, an escape, an entity or a GFM autolink.
const PLAIN = [...'abcwWxyzAZ0189', ' ', ...",.:;()/+%$='\"?-"];
const TRICKY = [...'_*~|\\[]<>!&#^`@{}', '\t', '\n', '\r\n', '  ', '1.', '1)', '- ', '+ ', '> ', '---', '===', '```', '~~~', 'www.', 'https://', 'a@b.co', '<script>', '&amp;', '&#60;', '[^1]', '[x] ', '😀', '\u202E', '\u00A0'];
const hostile = fc.array(fc.constantFrom(...PLAIN, ...PLAIN, ...TRICKY), { maxLength: 12 }).map((c) => c.join(''));
const align = fc.constantFrom<AlignType>(null, 'left', 'right', 'center');

/** Text nodes as the tool builds them (one line), and raw ones (newlines kept). */
const textNode = fc.oneof(hostile.map(text), hostile.map((value): PhrasingContent => ({ type: 'text', value })));

const phrasing: fc.Arbitrary<PhrasingContent> = fc.oneof(
  { weight: 4, arbitrary: textNode },
  hostile.map((value) => strong(value)),
  textNode.map((child): PhrasingContent => ({ type: 'emphasis', children: [child] })),
  textNode.map((child): PhrasingContent => ({ type: 'delete', children: [child] })),
  hostile.map((value): PhrasingContent => ({ type: 'inlineCode', value })),
  fc.tuple(hostile, textNode).map(([url, child]): PhrasingContent => ({ type: 'link', url, children: [child] })),
  fc.constant<PhrasingContent>({ type: 'break' }),
);
const phrasings = fc.array(phrasing, { minLength: 1, maxLength: 4 });

const tableNode: fc.Arbitrary<Table> = fc
  .tuple(fc.integer({ min: 1, max: 5 }), fc.array(fc.array(fc.oneof(hostile, phrasings), { minLength: 5, maxLength: 5 }), { maxLength: 4 }), fc.array(align, { minLength: 5, maxLength: 5 }), fc.array(hostile, { minLength: 5, maxLength: 5 }))
  .map(([width, rows, aligns, header]) => table(header.slice(0, width), rows.map((r) => r.slice(0, width)), aligns.slice(0, width)));

/** A table whose rows have other cell counts than its header (a person's table, read back). */
const raggedTable: fc.Arbitrary<Table> = fc.tuple(fc.array(fc.array(phrasings, { maxLength: 4 }), { minLength: 1, maxLength: 4 }), fc.array(align, { maxLength: 4 })).map(([rows, aligns]) => ({
  type: 'table',
  align: aligns,
  children: rows.map((cells) => ({ type: 'tableRow', children: cells.map((children): TableCell => ({ type: 'tableCell', children })) })),
}));

const block: fc.Arbitrary<BlockContent> = fc.oneof(
  { weight: 3, arbitrary: tableNode },
  raggedTable,
  phrasings.map(paragraph),
  fc.tuple(fc.integer({ min: 1, max: 6 }), phrasings).map(([depth, children]): BlockContent => ({ type: 'heading', depth: depth as 1, children })),
  fc.array(fc.tuple(hostile, hostile), { minLength: 1, maxLength: 5 }).map(labelledList),
  fc.array(phrasings, { minLength: 1, maxLength: 4 }).map(bulletList),
  fc.tuple(fc.boolean(), fc.boolean(), fc.array(phrasings, { minLength: 1, maxLength: 3 })).map(([ordered, spread, items]): BlockContent => ({ type: 'list', ordered, spread, children: items.map((p) => ({ type: 'listItem', spread, children: [paragraph(p)] })) })),
  phrasings.map((p): BlockContent => ({ type: 'blockquote', children: [paragraph(p)] })),
  fc.tuple(fc.option(hostile, { nil: undefined }), hostile).map(([lang, value]): BlockContent => ({ type: 'code', lang: lang === '' ? undefined : lang, value })),
  hostile.map((value): BlockContent => ({ type: 'html', value })),
  fc.constant<BlockContent>({ type: 'thematicBreak' }),
);

const root: fc.Arbitrary<Root> = fc.array(block, { minLength: 1, maxLength: 5 }).map((children) => ({ type: 'root', children }));

function same(node: Nodes, alignTables: boolean): void {
  expect(serializeNode(node, { alignTables })).toBe(serializeDirectly(node, alignTables));
}

describe('serializing through remark-stringify writes the bytes of the direct call', () => {
  it('the blocks the tool writes, with plain values', () => {
    const blocks: Array<[Nodes, string]> = [
      [table(['Provider', 'Cost'], [['openai', '$0.01'], [[strong('TOTAL')], '$0.01']], [null, 'right']), '| Provider  |  Cost |\n| --------- | ----: |\n| openai    | $0.01 |\n| **TOTAL** | $0.01 |'],
      [paragraph([strong('Total Estimated Cost'), text(': $1.50')]), '**Total Estimated Cost**: $1.50'],
      [labelledList([['Model', 'gpt-4o']]), '- **Model**: gpt-4o'],
      [heading(2, 'Alerts'), '## Alerts'],
    ];
    for (const [node] of blocks) {
      same(node, true);
      same(node, false);
    }
    expect(blocks.map(([node]) => serializeNode(node))).toEqual(blocks.map(([, expected]) => expected));
    expect(serializeNode(table(['a', 'bb'], [['ccc', 'd']]), { alignTables: false })).toBe('| a | bb |\n| - | - |\n| ccc | d |');
  });

  it('tables, aligned or not (property)', () => {
    fc.assert(
      fc.property(fc.oneof(tableNode, raggedTable), fc.boolean(), (node, alignTables) => same(node, alignTables)),
      { numRuns: 1000 },
    );
  });

  it('any block (property)', () => {
    fc.assert(
      fc.property(block, fc.boolean(), (node, alignTables) => same(node, alignTables)),
      { numRuns: 1500 },
    );
  });

  it('whole documents, as the report writes them (property)', () => {
    fc.assert(
      fc.property(root, fc.boolean(), (node, alignTables) => same(node, alignTables)),
      { numRuns: 500 },
    );
  });

  it('phrasing on its own (property)', () => {
    fc.assert(
      fc.property(phrasing, fc.boolean(), (node: RootContent, alignTables) => same(node, alignTables)),
      { numRuns: 1000 },
    );
  });
});
