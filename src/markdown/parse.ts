/**
 * Markdown -> mdast with GitHub Flavored Markdown through remark's processor (unified +
 * remark-parse + remark-gfm), frozen once. Loaded lazily (see lazy-parse.ts): it is the
 * separate bundle dist/parse.cjs, and the record path never parses when views are current.
 */
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import type { Root } from 'mdast';

const processor = unified().use(remarkParse).use(remarkGfm).freeze();

export function parseMarkdown(text: string): Root {
  return processor.parse(text);
}
