import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { table } from '../../src/markdown/build.js';
import { DocEditor, shiftSpan } from '../../src/markdown/editor.js';
import { plainText } from '../../src/markdown/locate.js';
import { parseMarkdown } from '../../src/markdown/parse.js';
import { serializeNode } from '../../src/markdown/serialize.js';
import { openView } from '../../src/markdown/view.js';
import { rowLine } from '../../src/views/tables.js';

describe('DocEditor', () => {
  it('shifts later regions and keeps inserted blocks in order', () => {
    const e = new DocEditor('# T\n\n## A\n\n## B\n', {});
    e.insert('a1', 9, '', '\n\n');
    e.insert('a2', e.span('a1')[1], '', '\n\n');
    e.replace('a2', 'second');
    e.replace('a1', 'first');
    expect(e.text).toBe('# T\n\n## A\n\nfirst\n\nsecond\n\n## B\n');
  });

  it('appending a row does not grow the row before it', () => {
    const e = new DocEditor('| a |\n| - |\n| 1 |\n', { t: [0, 17], 't/1': [12, 17] });
    e.appendTo('t', '\n| 2 |');
    expect(e.span('t/1')).toEqual([12, 17]);
    e.replace('t/1', '| 9 |');
    expect(e.text).toBe('| a |\n| - |\n| 9 |\n| 2 |\n');
  });
});

/** The eager editor the lazy one replaced: every splice shifts every region at once. */
class EagerEditor {
  text: string;
  regions: Record<string, [number, number]> = {};
  constructor(text: string, regions: Record<string, [number, number]>) {
    this.text = text;
    for (const [k, [a, b]] of Object.entries(regions)) this.regions[k] = [a, b];
  }
  private splice(start: number, end: number, content: string, self: string | null): void {
    const delta = content.length - (end - start);
    this.text = this.text.slice(0, start) + content + this.text.slice(end);
    for (const [name, span] of Object.entries(this.regions)) if (name !== self) this.regions[name] = shiftSpan(span, { start, end, delta });
  }
  replace(name: string, content: string): void {
    const [start, end] = this.regions[name]!;
    this.splice(start, end, content, name);
    this.regions[name] = [start, start + content.length];
  }
  insert(name: string, at: number, content: string, leading: string, trailing: string): void {
    this.splice(at, at, leading + content + trailing, null);
    this.regions[name] = [at + leading.length, at + leading.length + content.length];
  }
  appendTo(name: string, content: string): void {
    const [start, end] = this.regions[name]!;
    this.splice(end, end, content, name);
    this.regions[name] = [start, end + content.length];
  }
}

describe('DocEditor shifts regions lazily', () => {
  it('ends with the text and regions an eager editor ends with (property)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('replace' as const), name: fc.integer({ min: 0, max: 5 }), content: fc.string({ maxLength: 6 }) }),
      fc.record({ kind: fc.constant('append' as const), name: fc.integer({ min: 0, max: 5 }), content: fc.string({ maxLength: 6 }) }),
      fc.record({ kind: fc.constant('insert' as const), name: fc.integer({ min: 6, max: 9 }), at: fc.nat(), content: fc.string({ maxLength: 4 }), lead: fc.constantFrom('', '\n'), trail: fc.constantFrom('', '\n') }),
      fc.record({ kind: fc.constant('delete' as const), name: fc.integer({ min: 0, max: 9 }) }),
    );
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 6, maxLength: 6 }), fc.array(op, { maxLength: 12 }), (text, raw, ops) => {
        // Regions as a parse gives them: inside the text, not overlapping each other.
        const cuts = raw.flat().map((n) => n % (text.length + 1)).sort((a, b) => a - b);
        const regions: Record<string, [number, number]> = {};
        for (let i = 0; i < 6; i++) regions[`r${i}`] = [cuts[i * 2]!, cuts[i * 2 + 1]!];
        const given = structuredClone(regions);
        const lazy = new DocEditor(text, regions);
        const eager = new EagerEditor(text, regions);
        for (const o of ops) {
          const name = `r${o.name}`;
          if (o.kind === 'delete') {
            lazy.deleteRegion(name);
            delete eager.regions[name];
          } else if (o.kind === 'insert') {
            const at = o.at % (eager.text.length + 1);
            lazy.insert(name, at, o.content, o.lead, o.trail);
            eager.insert(name, at, o.content, o.lead, o.trail);
          } else if (name in eager.regions) {
            if (o.kind === 'replace') {
              lazy.replace(name, o.content);
              eager.replace(name, o.content);
            } else {
              lazy.appendTo(name, o.content);
              eager.appendTo(name, o.content);
            }
          }
          expect(lazy.text).toBe(eager.text);
        }
        expect(lazy.regions).toEqual(eager.regions);
        expect(regions).toEqual(given); // the cached spans handed in are not changed
      }),
      { numRuns: 3000 },
    );
  });
});

describe('views', () => {
  it('inserts missing blocks below what a person wrote in the section', async () => {
    const doc = '# X\n\n## Usage Summary\n\nmy words\n\n## Other\n\nkeep\n';
    const v = await openView({ text: doc, stamp: '' }, null, [{ name: 't', section: 'Usage Summary', kind: 'table', header: ['A'] }, { name: 'p', section: 'Usage Summary', kind: 'paragraph', label: 'Total' }], 'x.md', () => '');
    v.editor.replace('t', '| A |\n| - |');
    v.editor.replace('p', '**Total**: 1');
    expect(v.editor.text).toBe('# X\n\n## Usage Summary\n\nmy words\n\n| A |\n| - |\n\n**Total**: 1\n\n## Other\n\nkeep\n');
  });

  it('reports a table a person broke with its file and line, and writes nothing', async () => {
    const doc = '# X\n\n## Usage Summary\n\n| A | Z |\n| - | - |\n';
    await expect(openView({ text: doc, stamp: '' }, null, [{ name: 't', section: 'Usage Summary', kind: 'table', header: ['A', 'B'] }], 'j.md', () => '')).rejects.toThrow(/j\.md:5/);
  });

  it('any cell text stays one cell and round-trips through the parser (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ maxLength: 40 }), (a, b) => {
        const header = ['One', 'Two', 'Three'];
        const md = `${serializeNode(table(header, []), { alignTables: false })}\n${rowLine(header, [a, b, 'end'])}\n`;
        const tree = parseMarkdown(md);
        const t = tree.children[0];
        expect(t?.type).toBe('table');
        if (t?.type !== 'table') return;
        const cells = t.children[1]!.children.map((c) => plainText(c));
        const flat = (s: string): string => s.replace(/\r\n|\r|\n/g, ' ');
        expect(cells).toHaveLength(3);
        // GFM trims cell padding (the serializer may keep an all-space cell as an entity),
        // so compare trimmed text.
        expect(cells[0]?.trim()).toBe(flat(a).trim());
        expect(cells[1]?.trim()).toBe(flat(b).trim());
        expect(cells[2]).toBe('end');
      }),
      { numRuns: 300 },
    );
  });
});

describe('rowLines', () => {
  it('joins escaped cells exactly as the serializer does, row for row (property)', async () => {
    const { rowLines } = await import('../../src/views/tables.js');
    fc.assert(
      fc.property(fc.array(fc.array(fc.oneof(
              fc.string({ maxLength: 12 }),
              fc.array(fc.constantFrom(...'abw09 ,.:;()/+%$=\'"?-@_'), { maxLength: 12 }).map((c) => c.join('')),
              fc.constantFrom('', ' ', '|', 'a|b', '*x*', '<b>', '1,500', '$0.01', 'www.x.io', '\\', '1.', '2026-11-24 09:00:00 UTC', '~1,500', '<$0.0001', '$0.0118'),
              fc.nat().map((n) => n.toLocaleString('en-US')),
              fc.tuple(fc.nat(), fc.nat({ max: 99999 })).map(([a, b]) => `$${a.toLocaleString('en-US')}.${b}`),
              fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} UTC`),
            ), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 8 }), (rows) => {
        const header = ['One', 'Two', 'Three'];
        // The reference: each row serialized alone by the serializer.
        const reference = rows.map((cells) => serializeNode(table(header, [cells]), { alignTables: false }).split('\n')[2]);
        expect(rowLines(rows)).toEqual(reference);
        expect(rows.map((cells) => rowLine(header, cells))).toEqual(reference);
      }),
      { numRuns: 1000 },
    );
  });
});
