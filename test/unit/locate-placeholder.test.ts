/** A table block that is a sentence while it has no rows (BlockSpec.placeholder: the journal's "No alerts."). */
import { describe, expect, it } from 'vitest';
import { locateBlocks, type BlockSpec } from '../../src/markdown/locate.js';
import { parseMarkdown } from '../../src/markdown/parse.js';

const SPEC: BlockSpec = { name: 'alerts', section: 'Alerts', kind: 'table', header: ['Time', 'Kind'], owned: true, placeholder: 'No alerts.' };
const locate = (text: string) => locateBlocks(parseMarkdown(text), [SPEC], 'token_usage.md', text);
const at = (text: string, span: [number, number] | undefined): string => (span ? text.slice(span[0], span[1]) : '(none)');

describe('a block that is a table or its placeholder sentence', () => {
  it('is found as the sentence, after a person’s paragraph', () => {
    const text = '## Alerts\n\nHigh usage alerts, newest last.\n\nNo alerts.\n';
    const doc = locate(text);
    expect(at(text, doc.regions.alerts)).toBe('No alerts.');
    expect(doc.rowCells.rows("alerts")).toEqual([]);
    expect(doc.missing).toEqual([]);
  });

  it('is found as the table once it has rows', () => {
    const text = '## Alerts\n\nNo alerts. (said a person, in their own paragraph)\n\n| Time | Kind |\n| - | - |\n| t | high_usage |\n';
    const doc = locate(text);
    expect(at(text, doc.regions.alerts)).toBe('| Time | Kind |\n| - | - |\n| t | high_usage |');
    const table = '## Alerts\n\n| Time | Kind |\n| - | - |\n| t | high_usage |\n';
    expect(at(table, locate(table).regions.alerts)).toBe('| Time | Kind |\n| - | - |\n| t | high_usage |');
    expect(locate(table).rowCells.rows("alerts")).toEqual([['t', 'high_usage']]);
  });

  it('gives a line a person typed right under the sentence back to the person', () => {
    const text = '## Alerts\n\nNo alerts.\nchecked on Monday\n';
    const doc = locate(text);
    expect(at(text, doc.regions.alerts)).toBe('No alerts.\nchecked on Monday');
    expect(doc.foreign.alerts?.map((s) => text.slice(s[0], s[1]))).toEqual(['\nchecked on Monday']);
  });

  it('is missing when the section holds neither (the caller inserts it)', () => {
    const doc = locate('## Alerts\n\nSome other text.\n');
    expect(doc.missing.map((s) => s.name)).toEqual(['alerts']);
  });
});
