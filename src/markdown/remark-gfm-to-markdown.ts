/**
 * A remark plugin registering only the serializing half of GFM: the toMarkdown extensions
 * for tables, strikethrough and autolink literals. remark-gfm registers these the same way
 * (on the processor's data, `toMarkdownExtensions`, which remark-stringify reads), but also
 * registers the micromark parser extension, and importing it would pull the parser into
 * the record path's bundle (scripts/bundle-check.mjs forbids it). Footnotes and task list
 * items are left out: the tool writes neither, and their extensions would add escaping
 * rules the serializer has never applied to its output.
 */
import { gfmAutolinkLiteralToMarkdown } from 'mdast-util-gfm-autolink-literal';
import { gfmStrikethroughToMarkdown } from 'mdast-util-gfm-strikethrough';
import { gfmTableToMarkdown, type Options as GfmTableOptions } from 'mdast-util-gfm-table';
import type {} from 'remark-stringify';
import type { Processor } from 'unified';

export type RemarkGfmToMarkdownOptions = GfmTableOptions;

export function remarkGfmToMarkdown(this: Processor, options: RemarkGfmToMarkdownOptions = {}): undefined {
  const data = this.data();
  const toMarkdownExtensions = data.toMarkdownExtensions ?? (data.toMarkdownExtensions = []);
  // The unsafe patterns of strikethrough and autolink literals make the serializer escape
  // what GitHub would turn into strikethrough or a link (www.…, user@host, https://…).
  toMarkdownExtensions.push(gfmTableToMarkdown(options), gfmStrikethroughToMarkdown(), gfmAutolinkLiteralToMarkdown());
}
