/**
 * mdast -> markdown through remark's processor: remark-stringify with the GFM toMarkdown
 * extensions (remark-gfm-to-markdown.ts; remark-gfm itself would bring the parser along).
 * One frozen processor per option set, built on first use.
 */
import remarkStringify from 'remark-stringify';
import { unified } from 'unified';
import type { Nodes, Root } from 'mdast';
import { remarkGfmToMarkdown } from './remark-gfm-to-markdown.js';

export interface SerializeOptions {
  /** Pad cells so columns line up in an editor. Off for tables that grow row by row. */
  alignTables?: boolean;
}

function stringifier(tablePipeAlign: boolean) {
  return unified()
    .use(remarkStringify, { bullet: '-', emphasis: '_', strong: '*', listItemIndent: 'one', rule: '-' })
    .use(remarkGfmToMarkdown, { tablePipeAlign })
    .freeze();
}

let aligned: ReturnType<typeof stringifier> | undefined;
let compact: ReturnType<typeof stringifier> | undefined;

/** Serializes one node (or a root) without a trailing newline. */
export function serializeNode(node: Nodes, options: SerializeOptions = {}): string {
  const processor = (options.alignTables ?? true) ? (aligned ??= stringifier(true)) : (compact ??= stringifier(false));
  // The processor takes a whole document: a block on its own is the only child of a root,
  // which serializes to the same bytes as the block (test/unit/serialize.test.ts).
  const root: Root = node.type === 'root' ? node : { type: 'root', children: [node] };
  return processor.stringify(root).replace(/\n+$/, '');
}
