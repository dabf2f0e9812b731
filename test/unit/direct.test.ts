import fc from 'fast-check';
import type { AlignType } from 'mdast';
import { describe, expect, it } from 'vitest';
import { heading, labelledList, strong, table } from '../../src/markdown/build.js';
import { alignedTableText, compactHeaderText, headingText, isPlainText, labelledListText, type DirectCell } from '../../src/markdown/direct.js';
import { serializeNode } from '../../src/markdown/serialize.js';

// Every character the direct path accepts, plus the ones that make markup or autolinks.
const SAFE = [...'abcwWxyzAZ0189', ' ', ...",.:;()/+%$='\"?-"];
const TRICKY = [...'_*~|\\[]<>!&#^`@', '\t', '\n', '  '];
const textArb = (chars: string[]) => fc.array(fc.constantFrom(...chars), { minLength: 0, maxLength: 14 }).map((c) => c.join(''));
const anyText = textArb([...SAFE, ...SAFE, ...TRICKY]);
const safeText = textArb(SAFE);

describe('direct rendering equals the serializer', () => {
  it('labelled lists (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(anyText, safeText), fc.oneof(anyText, safeText)), { minLength: 1, maxLength: 6 }), (items) => {
        expect(labelledListText(items)).toBe(serializeNode(labelledList(items)));
      }),
      { numRuns: 4000 },
    );
  });

  it('headings (property)', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, safeText), fc.constantFrom<1 | 2 | 3>(1, 2, 3), (title, depth) => {
        expect(headingText(depth, title)).toBe(serializeNode(heading(depth, title)));
      }),
      { numRuns: 2000 },
    );
  });

  it('aligned tables with a bold cell and a link cell (property)', () => {
    const alignArb = fc.constantFrom<AlignType>(null, 'left', 'right', 'center');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.array(fc.oneof(anyText, safeText, fc.constantFrom('<$0.0001', '$0.0118', '$1,234.5000')), { minLength: 5, maxLength: 5 }), { maxLength: 4 }), fc.array(alignArb, { minLength: 5, maxLength: 5 }), fc.boolean(), fc.option(fc.oneof(safeText, anyText, fc.constantFrom('log/2026-12.md', 'https://x.example/a'))), (width, body, align, bold, link) => {
        const header = ['Provider', 'Model', 'Calls', 'Cost', 'Share'].slice(0, width);
        const rows: DirectCell[][] = body.map((r) => r.slice(0, width));
        if (bold && rows.length > 0) rows[rows.length - 1]![0] = { strong: 'TOTAL' };
        if (link !== null && link !== '' && rows.length > 0) rows[0]![width - 1] = { link };
        const phrasing = (c: DirectCell) => (typeof c === 'string' ? c : 'strong' in c ? [strong(c.strong)] : [{ type: 'link' as const, url: c.link, children: [{ type: 'text' as const, value: c.link }] }]);
        const node = table(header, rows.map((r) => r.map(phrasing)), align.slice(0, width));
        expect(alignedTableText(header, rows, align.slice(0, width))).toBe(serializeNode(node));
      }),
      { numRuns: 3000 },
    );
  });

  it('compact table headers (property)', () => {
    const alignArb = fc.constantFrom<AlignType>(null, 'left', 'right', 'center');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(anyText, safeText), alignArb), { minLength: 1, maxLength: 6 }), (columns) => {
        const header = columns.map(([h]) => h);
        const align = columns.map(([, a]) => a);
        expect(compactHeaderText(header, align)).toBe(serializeNode(table(header, [], align), { alignTables: false }));
      }),
      { numRuns: 2000 },
    );
  });

  it('takes the direct path for the values the tool writes', () => {
    for (const v of ['claude-sonnet-4-5-20250929', '$0.01175', '8,554,417 read, 85,556 written', '2026-07-04 09:16:57 UTC', '155.29 : 1', 'imported from Claude Code logs (/tmp/cc-tree-1m)', '100.0%', '6m 46s']) {
      expect(isPlainText(v), v).toBe(true);
    }
    for (const v of ['', ' x', 'x ', 'see www.example.com', 'https://example.com', 'a@b.co', 'snake_case', 'a|b', '**x**']) expect(isPlainText(v), v).toBe(false);
  });
});
