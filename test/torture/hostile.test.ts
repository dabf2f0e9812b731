/**
 * Hostile text in every free-text field (model and provider names, notes, agent names,
 * operations, labels, request ids, finalize notes and errors, model names inside provider
 * payloads): pipes, backticks, newlines, HTML, javascript: links, entities, RTL overrides,
 * emoji, 100k-character strings. Tables stay tables (same cell count in every row, read back
 * through the GFM parser), nothing becomes HTML or a link (mdast, and rendered to HTML with
 * micromark + GFM when available), and the ledger and `record --json` hold the exact strings.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Nodes, Root } from 'mdast';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../helpers.js';
import { parseMarkdown } from '../../src/markdown/parse.js';
import { plainText } from '../../src/markdown/locate.js';
import { allTables, compareWithLedger, doctor, ledgerCalls, listIn, scanLedgerFiles, tokj, toolTable } from './support.js';

/** What the tool shows for a free-text value: one line (its newlines become spaces). */
const shown = (value: string): string => value.replace(/\r\n|\r|\n/g, ' ').trim();

const H = {
  pipe: 'a | b || c |',
  ticks: '`code` ``double`` ```triple',
  lines: 'line one\nline two\r\nline three\rline four',
  script: '<script>alert(1)</script>',
  link: '[click](javascript:alert(1)) ![img](javascript:alert(2)) <javascript:alert(3)> [ref]',
  img: '<img src=x onerror=alert(1)>',
  entity: '&lt;script&gt; &#60;b&#62; &amp;',
  backslash: 'ends with a backslash \\',
  rtl: '\u202Eevil\u202C שלום עולם مرحبا',
  emoji: '😀 👩‍👩‍👧‍👦 🏳️‍🌈',
  markup: '*em* **strong** ~~del~~ # not a heading <!-- comment -->',
};
const all = Object.values(H).join(' ');

/** Every node of a tree. */
function* walk(node: Nodes): Generator<Nodes> {
  yield node;
  if ('children' in node) for (const c of node.children as Nodes[]) yield* walk(c);
}

/** The one link the tool writes itself: a month's log, from the Monthly Summary (log/YYYY-MM.md). */
const isMonthLogLink = (n: Nodes): boolean => n.type === 'link' && /^log\/\d{4}-\d\d\.md$/.test(n.url) && plainText(n) === n.url;

/** Markup that must not come from the tool's text: raw HTML, links, images, references. */
function dangerous(root: Root): string[] {
  const out: string[] = [];
  for (const n of walk(root)) {
    if (n.type === 'html' || (n.type === 'link' && !isMonthLogLink(n)) || n.type === 'image' || n.type === 'linkReference' || n.type === 'imageReference') {
      out.push(`${n.type} at line ${n.position?.start.line}: ${JSON.stringify('value' in n ? n.value : 'url' in n ? n.url : '')}`);
    }
  }
  return out;
}

/** Every table of the file has the same number of cells in every row as in its header. */
function raggedTables(root: Root): string[] {
  return allTables(root)
    .filter((t) => t.children.some((r) => r.children.length !== t.children[0]!.children.length))
    .map((t) => `table at line ${t.position?.start.line}: rows of ${[...new Set(t.children.map((r) => r.children.length))].join('/')} cells`);
}

/**
 * micromark with GFM, raw HTML allowed through (as a renderer that trusts the file would).
 * micromark is not a dependency of ours but of mdast-util-from-markdown, so npm ci always
 * installs it.
 */
function render(markdown: string): string {
  return micromark(markdown, { allowDangerousHtml: true, allowDangerousProtocol: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
}

function checkRendered(text: string, label: string): void {
  // The tool's own links to the month logs (Monthly Summary) are the only anchors allowed.
  const html = render(text).replace(/<a href="log\/\d{4}-\d\d\.md">log\/\d{4}-\d\d\.md<\/a>/g, 'month log');
  for (const tag of ['<script', '<img', '<a ', '<!--', 'href=']) expect(html.includes(tag), `${label} renders ${tag}`).toBe(false);
}

describe('hostile text', () => {
  it('in every free-text field: tables stay tables, no HTML or links, exact strings in the ledger and --json', async () => {
    const cwd = tempDir('tokj-torture-hostile-');
    const root = path.join(cwd, '.ai_workflow');
    const provider = `open|ai ${H.ticks}`;
    const model = `gpt|4o ${H.script} ${H.rtl}`;
    const agent = `${H.img}\n${H.lines}`;
    const labelKey = `k|${H.ticks}`;
    const labelValue = `${H.link}\n${H.emoji}`;
    const init = await tokj(cwd, ['init', 'h1', provider, model, '--agent', agent, '--label', `${labelKey}=${labelValue}`, '-q']);
    expect(init.exitCode, init.stderr).toBe(0);
    // A person's link definition for [ref]: an unescaped "[ref]" in a cell would become a link.
    appendFileSync(path.join(root, 'monitoring/sessions/h1.md'), '\n[ref]: javascript:alert(4)\n');

    const calls = [
      { note: all, operation: `${H.pipe} ${H.lines}`, agent: `${H.emoji}|${H.rtl}`, requestId: `req|${H.script}` },
      { note: `${H.markup}\n${H.backslash}`, operation: H.entity, agent: undefined, requestId: undefined },
      { note: H.backslash, operation: undefined, agent: H.ticks, requestId: `${H.rtl}` },
    ];
    const printed: Array<Record<string, unknown>> = [];
    for (const c of calls) {
      const args = ['record', '100', '50', '--note', c.note, '--label', `${H.pipe}=${H.lines}`, '--json'];
      if (c.operation) args.push('--operation', c.operation);
      if (c.agent) args.push('--agent', c.agent);
      if (c.requestId) args.push('--request-id', c.requestId);
      const r = await tokj(cwd, args);
      expect(r.exitCode, r.stderr).toBe(0);
      printed.push(JSON.parse(r.stdout) as Record<string, unknown>);
    }
    // A hostile model name arriving inside a provider payload (with a NUL and a newline).
    const payloadModel = `evil\u0000model\n${H.script}|${H.link}`;
    const body = { ...JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/responses/openai-chat-basic.json'), 'utf8')), model: payloadModel, id: `chatcmpl-${H.img}` };
    const ac = await tokj(cwd, ['auto-collect', '--json', '--note', H.img], { input: JSON.stringify(body) });
    expect(ac.exitCode, ac.stderr).toBe(0);
    printed.push(JSON.parse(ac.stdout) as Record<string, unknown>);
    const fin = await tokj(cwd, ['finalize', `${H.script}\n${H.link}`, '--status', 'failed', '--error', `${H.img}|${H.lines}`, '--error', H.emoji]);
    expect(fin.exitCode, fin.stderr).toBe(0);

    // Exact strings in --json and in the ledger.
    calls.forEach((c, i) => {
      expect(printed[i]).toMatchObject({ provider, model, note: c.note, operation: c.operation ?? null, agent: c.agent ?? agent, request_id: c.requestId ?? null });
      expect(printed[i]!.labels).toEqual({ [labelKey]: labelValue, [H.pipe]: H.lines });
    });
    // Names read from a payload have control characters replaced (src/providers/counts.ts,
    // documented there): the NUL and the newline become U+FFFD, the rest is kept exactly.
    const storedPayloadModel = payloadModel.replace(/[\u0000\n]/g, '\uFFFD');
    expect(printed[3]).toMatchObject({ model: storedPayloadModel, note: H.img, request_id: `chatcmpl-${H.img}` });
    expect(ledgerCalls(root)).toEqual(printed);
    const start = scanLedgerFiles(root).entries.find((e) => e.type === 'session_start')!;
    expect(start).toMatchObject({ provider, model, agent, labels: { [labelKey]: labelValue } });
    const end = scanLedgerFiles(root).entries.find((e) => e.type === 'session_end')!;
    expect(end).toMatchObject({ notes: `${H.script}\n${H.link}`, errors: [`${H.img}|${H.lines}`, H.emoji] });

    const sessionText = readFileSync(path.join(root, 'monitoring/sessions/h1.md'), 'utf8');
    const session = parseMarkdown(sessionText);
    expect(raggedTables(session)).toEqual([]);
    expect(dangerous(session)).toEqual([]);
    checkRendered(sessionText, 'the session file');

    // The cells read back as the text (one line), not as markup.
    const rows = toolTable(session, 'Usage Tracking', 'Call').slice(1);
    expect(rows).toHaveLength(4);
    rows.forEach((r) => expect(r).toHaveLength(11));
    expect(rows.map((r) => [r[2], r[3]])).toEqual([...calls.map(() => [shown(provider), shown(model)]), [String(printed[3]!.provider), shown(storedPayloadModel)]]);
    expect(rows.map((r) => r[10])).toEqual([
      `${shown(calls[0]!.note)}; op: ${shown(calls[0]!.operation!)}`,
      `${shown(calls[1]!.note)}; op: ${shown(calls[1]!.operation!)}`,
      shown(calls[2]!.note),
      shown(H.img),
    ]);
    expect(listIn(session, 'Session Information')).toMatchObject({ 'Model Provider': shown(provider), 'Model Name': shown(model), Agent: shown(agent) });
    expect(listIn(session, 'Session Completion')).toMatchObject({ Notes: shown(`${H.script}\n${H.link}`), 'Error 1 of 2': shown(`${H.img}|${H.lines}`), 'Error 2 of 2': H.emoji });
    const breakdown = toolTable(session, 'Cost Breakdown', 'Provider').slice(1);
    expect(breakdown.map((r) => [r[0], r[1]])).toContainEqual([shown(provider), shown(model)]);

    const journalText = readFileSync(path.join(root, 'work_journal/token_usage.md'), 'utf8');
    const journal = parseMarkdown(journalText);
    expect(raggedTables(journal)).toEqual([]);
    expect(dangerous(journal)).toEqual([]);
    checkRendered(journalText, 'the journal');
    expect(toolTable(journal, 'Usage Summary', 'Provider').slice(1).map((r) => [r[0], r[1]])).toContainEqual([shown(provider), shown(model)]);
    expect(toolTable(journal, 'Recent Sessions', 'Session')[1]![3]).toBe(`${shown(provider)}/${shown(model)} +1 more`);

    expect(compareWithLedger(root)).toEqual([]);
    expect((await doctor(cwd)).exitCode).toBe(0);
  });

  it('100k-character notes, agents and labels: one table row, exact in the ledger', async () => {
    const cwd = tempDir('tokj-torture-hostile-long-');
    const root = path.join(cwd, '.ai_workflow');
    expect((await tokj(cwd, ['init', 'long', 'openai', 'gpt-4o', '-q'])).exitCode).toBe(0);
    // ~100k characters (under the 128 KiB limit of one argv string): pipes, HTML, newlines.
    const unit = `${H.pipe}${H.script}\n${H.ticks}é`;
    const long = unit.repeat(Math.ceil(100_000 / unit.length)).slice(0, 100_000);
    const r = await tokj(cwd, ['record', '10', '5', '--note', long, '--agent', long.slice(0, 60_000), '--label', `k=${long.slice(0, 60_000)}`, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const [call] = ledgerCalls(root);
    expect(call).toMatchObject({ note: long, agent: long.slice(0, 60_000), labels: { k: long.slice(0, 60_000) } });
    expect(JSON.parse(r.stdout)).toEqual(call);
    expect((await tokj(cwd, ['record', '20', '5', '--note', 'short'])).exitCode).toBe(0);
    const session = parseMarkdown(readFileSync(path.join(root, 'monitoring/sessions/long.md'), 'utf8'));
    expect(raggedTables(session)).toEqual([]);
    expect(dangerous(session)).toEqual([]);
    const rows = toolTable(session, 'Usage Tracking', 'Call').slice(1);
    expect(rows.map((row) => row.length)).toEqual([11, 11]);
    expect(rows[0]![10]).toBe(shown(long));
    expect(rows[1]![10]).toBe('short');
    expect(compareWithLedger(root)).toEqual([]);
    expect((await doctor(cwd)).exitCode).toBe(0);
  });

  // REGRESSION (was a product bug, fixed) (minor): GFM autolink literals are not escaped, so a note such as
  // "www.evil.example" or "x@evil.example" renders as a clickable link in the session table
  // (http://www.evil.example, mailto:x@evil.example). src/markdown/build.ts promises that "a
  // note or a model name can never become markup, a link"; src/markdown/serialize.ts
  // serializes without the gfm-autolink-literal unsafe patterns, so "www." and "@" are left
  // as they are.
  it('autolink literals in a note do not become links', async () => {
    const cwd = tempDir('tokj-torture-hostile-auto-');
    const root = path.join(cwd, '.ai_workflow');
    expect((await tokj(cwd, ['init', 'a', 'openai', 'gpt-4o', '-q'])).exitCode).toBe(0);
    expect((await tokj(cwd, ['record', '1', '1', '--note', 'see www.evil.example or write to x@evil.example or https://evil.example/p'])).exitCode).toBe(0);
    // GitHub (cmark-gfm) finds autolink literals while tokenizing, so the serializer's escapes
    // (www\\., \\@, https\\:) stop them; micromark's HTML compiler works the same way. (The
    // mdast utility finds them in already-unescaped text afterwards, so it is not the judge.)
    const html = render(readFileSync(path.join(root, 'monitoring/sessions/a.md'), 'utf8'));
    expect(html).toContain('see www.evil.example or write to x@evil.example or https://evil.example/p');
    expect(html).not.toContain('<a ');
  });
});
