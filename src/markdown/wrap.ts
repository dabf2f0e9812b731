/**
 * Prose the tool writes, wrapped to the line length the journal's markdownlint config checks
 * (templates/workflow/markdownlint.jsonc, MD013: 100; tables and code are exempt there). Used
 * for text written once (the reports); the journal's and session files' lists stay one line
 * per item, as their readers expect.
 */
import type { List, PhrasingContent } from 'mdast';
import { labelledList, oneLine } from './build.js';

/** MD013's line_length in the shipped config (a test holds the two equal). */
export const LINE_LENGTH = 100;

/**
 * Characters the serializer may escape with a backslash: counted twice, so an escaped line
 * still fits. The first character of a line counts twice too (a `-`, `+`, `#` or `1.` there
 * is escaped so it cannot start a list or heading).
 */
const ESCAPABLE = /[\\`*_[\]<>#|&!~]/g;
const width = (s: string, atLineStart: boolean): number => s.length + (s.match(ESCAPABLE)?.length ?? 0) + (atLineStart ? 1 : 0);

/**
 * `value` on one line, then broken at spaces so that the first line takes at most `first`
 * columns and every other line at most `rest`. A word longer than a line stays whole.
 */
export function wrapLines(value: string, first: number, rest: number): string {
  const words = oneLine(value).split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const limit = lines.length === 0 ? first : rest;
    const candidate = line === '' ? word : `${line} ${word}`;
    if (line !== '' && width(candidate, lines.length > 0) > limit) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  lines.push(line);
  return lines.join('\n');
}

/** A text node wrapped to LINE_LENGTH: `used` columns of its first line are taken already, continuation lines are indented `indent`. */
export function wrappedText(value: string, used: number, indent = 0): PhrasingContent {
  return { type: 'text', value: wrapLines(value, LINE_LENGTH - used, LINE_LENGTH - indent) };
}

/** `- **Label**: value` items (build.ts labelledList), each value wrapped after its label: `- **` and `**` take 6 columns. */
export function wrappedLabelledList(items: Array<[label: string, value: string]>): List {
  return labelledList(items, (label, rest) => wrappedText(rest, 2 + label.length + 4, 2));
}
