/**
 * src/markdown/parse.ts parses through remark's processor (unified + remark-parse +
 * remark-gfm). Before, it called the layers beneath directly; that call is kept here, and
 * both must give the same tree, positions included, on every markdown file the tool writes
 * or ships, on hostile documents and on random markdown-ish text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../src/markdown/parse.js';
import { repoRoot } from '../helpers.js';

/** The parser as src/markdown/parse.ts called it before remark's processor. */
function parseDirectly(text: string): Root {
  return fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.md'))
    .map((e) => path.relative(repoRoot, path.join(e.parentPath, e.name)))
    .sort();
}

/** Text the tool's tables and lists must survive, and markup GFM reads in its own ways. */
const HOSTILE = [
  '',
  '\uFEFF# BOM first\n',
  'no newline at the end',
  '# Title\r\n\r\n| a | b |\r\n| - | - |\r\n| 1 | 2 |\r\n',
  '# CR only\r\rtext\r',
  '| a | b |\n| :- | -: |\n| x \\| y | `a|b` |\n| ragged |\n| too | many | cells |\nlazy line\n',
  '| a |\n| --- |\n| <script>alert(1)</script> |\n| [click](javascript:alert(1)) |\n| ![i](x) |\n',
  '|not|a\n|-|\n',
  '| a |\n|---|\n\n| b |\n| :-: |\n|',
  '- [ ] task\n- [x] done\n  - nested\n    1. ordered\n       > quote\n',
  'Footnote[^1] and [^missing].\n\n[^1]: The note\n    continued.\n',
  '~one~ ~~two~~ ~~~three~~~ www.example.com https://x.y/z?a=b. user@host.co mailto:a@b.c xmpp:a@b.c',
  '<div>\n| a |\n| - |\n</div>\n\n<!-- comment\n| b |\n-->\n',
  '```md\n| a |\n| - |\n```\n\n~~~\nunclosed fence',
  '    indented code\n\tand a tab\n',
  'Setext\n===\n\nAnother\n---\n\n***\n___\n',
  'a line ending in a backslash \\\nhard  \nbreak',
  '&lt;b&gt; &#60; &#x3C; &nbsp; &bogus; &amp',
  '\u202Eevil\u202C שלום مرحبا 😀 👩‍👩‍👧‍👦 \u0000 nul',
  '[ref]\n\n[ref]: https://example.com "title"\n',
  '- **Label**: value\n- **Other**: `x` _y_ *z*\n\n1) one\n2) two\n',
  `${'> '.repeat(40)}deep\n`,
  `${Array.from({ length: 30 }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n')}\n`,
  `| n | v |\n| -: | - |\n${Array.from({ length: 400 }, (_, i) => `| ${i} | row ${i} \\| ${'x'.repeat(i % 7)} |`).join('\n')}\n`,
];

describe('parsing through remark-parse + remark-gfm gives the tree of the direct call', () => {
  const files = [...markdownFiles(path.join(repoRoot, '.ai_workflow')), ...markdownFiles(path.join(repoRoot, 'templates')), ...markdownFiles(path.join(repoRoot, 'test/fixtures'))];

  it('finds the journal, the templates and the fixtures', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        '.ai_workflow/work_journal/token_usage.md',
        '.ai_workflow/work_journal/log/2026-11.md',
        '.ai_workflow/monitoring/sessions/demo-refactor.md',
        '.ai_workflow/monitoring/token_collection_config.md',
        'templates/session.md',
        'templates/month-log.md',
        'templates/workflow/work_journal/token_usage.md',
        'test/fixtures/journal-v3/.ai_workflow/work_journal/token_usage.md',
      ]),
    );
  });

  it.each(files)('%s', (file) => {
    const text = readFileSync(path.join(repoRoot, file), 'utf8');
    const tree = parseMarkdown(text);
    expect(tree.children.length).toBeGreaterThan(0);
    expect(tree).toStrictEqual(parseDirectly(text));
  });

  it.each(HOSTILE.map((text, i) => [i, text] as const))('hostile document %i', (_, text) => {
    expect(parseMarkdown(text)).toStrictEqual(parseDirectly(text));
  });

  it('random markdown-ish text (property)', () => {
    const piece = fc.constantFrom(...'ab1 _*~|\\[]()<>!&#^`@:.-+=\t\n', '\n\n', '| ', ' |', '| - |', '|:-:|', '- ', '1. ', '> ', '```', '~~', 'www.', 'https://', 'x@y.z', '[^1]', '[ ] ', '\r\n', '    ', '<b>', '&amp;', '**', '😀');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => {
        const text = pieces.join('');
        expect(parseMarkdown(text)).toStrictEqual(parseDirectly(text));
      }),
      { numRuns: 1000 },
    );
  });
});
