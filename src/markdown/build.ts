/**
 * Small constructors for the mdast nodes the tool writes. Cell and item text is always a
 * `text` node: the serializer escapes `|`, `*`, `<`, `[` and friends, so a note or a model
 * name can never become markup, a link or a broken table.
 */
import type { AlignType, Heading, List, ListItem, Paragraph, PhrasingContent, Table, TableCell, TableRow } from 'mdast';

/** Table cells and list items are one line: newlines in user text become spaces. */
export function oneLine(value: string): string {
  return value.replace(/\r\n|\r|\n/g, ' ');
}

export const text = (value: string): PhrasingContent => ({ type: 'text', value: oneLine(value) });
export const strong = (value: string): PhrasingContent => ({ type: 'strong', children: [text(value)] });

export function cell(value: string | PhrasingContent[]): TableCell {
  return { type: 'tableCell', children: typeof value === 'string' ? (value === '' ? [] : [text(value)]) : value };
}

export function row(values: Array<string | PhrasingContent[]>): TableRow {
  return { type: 'tableRow', children: values.map(cell) };
}

export function table(header: string[], rows: Array<Array<string | PhrasingContent[]>>, align?: AlignType[]): Table {
  return { type: 'table', align: align ?? header.map(() => null), children: [row(header), ...rows.map(row)] };
}

export function paragraph(children: PhrasingContent[]): Paragraph {
  return { type: 'paragraph', children };
}

/**
 * A `**Label**: value` list, the shape of the reference design's info and summary lists.
 * `after` makes the node that follows a label (`: value`): one line of text unless the
 * caller wraps it (wrap.ts wrappedLabelledList, for reports).
 */
export function labelledList(items: Array<[label: string, value: string]>, after: (label: string, rest: string) => PhrasingContent = (_, rest) => text(rest)): List {
  return {
    type: 'list',
    ordered: false,
    spread: false,
    children: items.map(([label, value]): ListItem => ({
      type: 'listItem',
      spread: false,
      children: [paragraph([strong(label), after(label, `: ${value}`)])],
    })),
  };
}

export function bulletList(items: PhrasingContent[][]): List {
  return {
    type: 'list',
    ordered: false,
    spread: false,
    children: items.map((children): ListItem => ({ type: 'listItem', spread: false, children: [paragraph(children)] })),
  };
}

export function heading(depth: 1 | 2 | 3, value: string): Heading {
  return { type: 'heading', depth, children: [text(value)] };
}
