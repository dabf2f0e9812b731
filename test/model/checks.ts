/**
 * The journal's central invariant, checked after every step: the ledger holds exactly what
 * was done, and every view (read independently, test/model/read.ts) shows exactly what the
 * model derives from it — in the intended order — while `report` totals it, `doctor` finds
 * it clean, people's lines stay, and a copy rebuilt from the ledger alone reads the same.
 *
 * Each problem names its check, file, section and the expected and actual text, so a shrunk
 * counterexample says what broke. TOKJ_MODEL_SKIP=check,check leaves checks out (exploring
 * past a known failure; never in CI).
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { HOST_LABEL, expectedJournal, expectedReportSummary, expectedSession, journalOf, ledgerProjection, nowOn, type Entry, type Host, type Items, type World } from './model.js';
import { Missing, readJournal, readMonthLog, readSession, type ToolBlocks, LOG_HEADER, MONTH_HEADER, SUMMARY_HEADER, USAGE_HEADER, BREAKDOWN_HEADER } from './read.js';
import { markdownFiles, rootOf, tokjOn, type Real } from './real.js';

export const CHECKS = ['ledger', 'journal', 'sessions', 'order', 'report', 'doctor', 'markers', 'rebuilt-copy', 'final-rebuild'] as const;
export type CheckName = (typeof CHECKS)[number];

const skipped = new Set((process.env.TOKJ_MODEL_SKIP ?? '').split(',').map((s) => s.trim()).filter(Boolean));

class Problems {
  readonly list: string[] = [];
  add(check: CheckName, message: string): void {
    if (!skipped.has(check)) this.list.push(`[${check}] ${message}`);
  }
  wants(check: CheckName): boolean {
    return !skipped.has(check);
  }
}

/** A failed check: the step it followed and every problem found. */
export class InvariantBroken extends Error {}

const q = (v: unknown): string => JSON.stringify(v);

// ---------------------------------------------------------------------------------------
// Entry points

/** After a step that touched A: every check on A; throws with all problems found. */
export async function verifyAfterStep(w: World, real: Real, step: string): Promise<void> {
  const problems = await verifyHost(w, real, 'A', { compareBytes: false });
  if (problems.length > 0) throw new InvariantBroken(`after ${step}:\n${problems.slice(0, 30).join('\n')}${problems.length > 30 ? `\n… and ${problems.length - 30} more` : ''}`);
}

/**
 * At the end of a sequence: `tokj rebuild` in A, then every check on A with the rebuilt copy
 * required to be byte for byte A's markdown; then every check on B.
 */
export async function verifyAtEnd(w: World, real: Real): Promise<void> {
  const problems: string[] = [];
  if (w.journalExists.A) {
    const rebuild = !skipped.has('final-rebuild');
    if (rebuild) {
      const r = await tokjOn(real, 'A', nowOn(w, 'A'), ['rebuild']);
      if (r.exitCode !== 0) problems.push(`[final-rebuild] tokj rebuild in A exited ${r.exitCode}: ${r.stderr}`);
      w.viewsBehind = false;
      w.stateMissing = false;
    }
    problems.push(...(await verifyHost(w, real, 'A', { compareBytes: rebuild })).map((p) => `A: ${p}`));
  }
  if (w.journalExists.B) problems.push(...(await verifyHost(w, real, 'B', { compareBytes: false })).map((p) => `B: ${p}`));
  if (problems.length > 0) throw new InvariantBroken(`at the end of the sequence (after tokj rebuild in A):\n${problems.slice(0, 30).join('\n')}`);
}

async function verifyHost(w: World, real: Real, host: Host, options: { compareBytes: boolean }): Promise<string[]> {
  const p = new Problems();
  if (!w.journalExists[host]) return [];
  const root = rootOf(real, host);
  const now = nowOn(w, host);
  const viewsCurrent = !(host === 'A' && w.viewsBehind);
  const doctorFair = viewsCurrent && !(host === 'A' && w.stateMissing);
  // The product's read-only commands and the rebuilt copy run side by side (two cores).
  const [report, doctor, copy] = await Promise.all([
    p.wants('report') ? tokjOn(real, host, now, ['report', '--format', 'json', '--period', 'monthly']) : null,
    p.wants('doctor') && doctorFair ? tokjOn(real, host, now, ['doctor']) : null,
    host === 'A' && viewsCurrent && (p.wants('rebuilt-copy') || options.compareBytes) ? rebuiltCopy(w, real) : null,
  ]);
  checkLedger(w, real, host, p);
  if (viewsCurrent) checkViews(w, root, host, p);
  if (report) checkReport(w, host, report, p);
  if (doctor && doctor.exitCode !== 0) p.add('doctor', `tokj doctor on ${host} exited ${doctor.exitCode}:\n    ${`${doctor.stdout}\n${doctor.stderr}`.trim().split('\n').join('\n    ')}`);
  if (host === 'A') checkMarkers(w, root, 'A', p);
  if (copy) {
    checkRebuiltCopy(w, root, copy, p);
    if (options.compareBytes) compareBytes(root, copy.root, p);
    rmSync(copy.dir, { recursive: true, force: true });
  }
  return p.list;
}

// ---------------------------------------------------------------------------------------
// 1. The ledger holds exactly the model's entries, per host segment, in order

function checkLedger(w: World, real: Real, host: Host, p: Problems): void {
  const dir = path.join(rootOf(real, host), 'monitoring', 'ledger');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort() : [];
  const actual = new Map<string, Array<Record<string, unknown>>>();
  for (const f of files) {
    const label = f.replace(/^\d{4}-\d{2}\./, '').replace(/\.jsonl$/, '');
    const text = readFileSync(path.join(dir, f), 'utf8');
    if (text !== '' && !text.endsWith('\n')) p.add('ledger', `${host}: monitoring/ledger/${f} ends in a torn line: ${q(text.slice(text.lastIndexOf('\n') + 1).slice(0, 120))}`);
    const lines = text.split('\n').slice(0, -1).filter((l) => l.trim() !== '');
    const parsed: Array<Record<string, unknown>> = [];
    for (const l of lines) {
      try {
        parsed.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        p.add('ledger', `${host}: monitoring/ledger/${f} holds a line that is not JSON: ${q(l.slice(0, 120))}`);
      }
    }
    actual.set(label, [...(actual.get(label) ?? []), ...parsed]);
  }
  const expected = new Map<string, Entry[]>(host === 'A' ? [[HOST_LABEL.A, w.ledger.A], [HOST_LABEL.B, w.ledger.B.slice(0, w.pulled)]] : [[HOST_LABEL.B, w.ledger.B]]);
  for (const label of actual.keys()) if (!expected.has(label)) p.add('ledger', `${host}: ledger segments of an unknown host ${label}`);
  for (const [label, entries] of expected) {
    const got = actual.get(label) ?? [];
    if (got.length !== entries.length) p.add('ledger', `${host}: the ${label} segments hold ${got.length} entries; the model has ${entries.length}: ${describeCountsBySession(entries, got)}`);
    entries.forEach((e, i) => {
      const line = got[i];
      if (!line) return;
      const want = ledgerProjection(e);
      const diff = Object.keys(want).filter((k) => q(want[k]) !== q(line[k]));
      if (diff.length > 0) p.add('ledger', `${host}: ${label} entry ${i + 1} (${String(line.id)}): ${diff.map((k) => `${k} expected ${q(want[k])}, got ${q(line[k])}`).join('; ')}`);
    });
  }
}

function describeCountsBySession(entries: Entry[], got: Array<Record<string, unknown>>): string {
  const count = (xs: Array<{ session: unknown }>): Record<string, number> => xs.reduce<Record<string, number>>((m, x) => ({ ...m, [String(x.session)]: (m[String(x.session)] ?? 0) + 1 }), {});
  return `model ${q(count(entries))}, ledger ${q(count(got as Array<{ session: unknown }>))}`;
}

// ---------------------------------------------------------------------------------------
// 2–4. The views, read independently, against the model (content, then order)

const JOURNAL = path.join('work_journal', 'token_usage.md');
const MONTH_LOGS = path.join('work_journal', 'log');
const monthRel = (month: string): string => path.join(MONTH_LOGS, `${month}.md`);
const sessionRel = (id: string): string => path.join('monitoring', 'sessions', `${id}.md`);
const markersIn = (w: World, rel: string): string[] => w.markers.filter((m) => m.file === rel).map((m) => m.text);

function checkViews(w: World, root: string, host: Host, p: Problems): void {
  const journal = journalOf(w, host);
  const jText = readIfExists(path.join(root, JOURNAL));
  if (jText === null) p.add('journal', `${host}: ${JOURNAL} is missing`);
  else {
    const blocks = readJournal(jText, markersIn(w, JOURNAL));
    const want = expectedJournal(journal);
    const at = (block: string): string => `${host}: ${JOURNAL} › ${block}`;
    compareRows(p, 'journal', at('Usage Summary table'), SUMMARY_HEADER, want.summary, blocks['Usage Summary table']);
    compareText(p, 'journal', at('Total Estimated Cost'), want.totalCost, blocks['Total Estimated Cost']);
    // A session without a default model is logged under its first call's model: which call is
    // first is a matter of order, so the content check only counts its models.
    const noDefault = new Set(journal.sessions.filter((s) => s.provider === null || s.model === null).map((s) => s.id));
    const logContent = (r: string[]): string[] => (noDefault.has(r[0] ?? '') ? r.map((c, i) => (i === 3 ? c.replace(/^.*(?= \+\d+ more$)/, '(first model)') : c)) : r);
    compareRows(p, 'journal', at('Monthly Summary table'), MONTH_HEADER, want.monthSummary, blocks['Monthly Summary table']);
    compareRowsThenOrder(p, 'journal', at('Recent Sessions table'), LOG_HEADER, want.recent, blocks['Recent Sessions table'], logContent, 'the latest by start time, ties by session id');
    for (const [month, wantMonth] of Object.entries(want.months)) {
      const rel = monthRel(month);
      const text = readIfExists(path.join(root, rel));
      if (text === null) {
        p.add('journal', `${host}: ${rel} is missing`);
        continue;
      }
      const monthBlocks = readMonthLog(text, markersIn(w, rel));
      compareText(p, 'journal', `${host}: ${rel} › Month Total`, wantMonth.total, monthBlocks['Month Total']);
      compareRowsThenOrder(p, 'journal', `${host}: ${rel} › Detailed Usage Log table`, LOG_HEADER, wantMonth.log, monthBlocks['Detailed Usage Log table'], logContent, 'by start time, ties by session id');
    }
    const logDir = path.join(root, MONTH_LOGS);
    for (const f of existsSync(logDir) ? readdirSync(logDir).filter((x) => x.endsWith('.md')) : []) {
      if (!(f.slice(0, -3) in want.months)) p.add('journal', `${host}: ${path.join(MONTH_LOGS, f)} is the log of a month no session started in`);
    }
    compareItems(p, 'journal', at('Usage Analysis list'), want.analysis, blocks['Usage Analysis list'], { subset: true });
    compareRows(p, 'journal', at('Alerts table'), ['Time'], [], blocks['Alerts table']);
  }
  const expectedFiles = new Set(journal.sessions.map((s) => `${s.id}.md`));
  const dir = path.join(root, 'monitoring', 'sessions');
  for (const f of existsSync(dir) ? readdirSync(dir).filter((x) => x.endsWith('.md')) : []) {
    if (!expectedFiles.has(f)) p.add('sessions', `${host}: monitoring/sessions/${f} is not a session of this journal`);
  }
  for (const s of journal.sessions) {
    const rel = sessionRel(s.id);
    const text = readIfExists(path.join(root, rel));
    if (text === null) {
      p.add('sessions', `${host}: ${rel} is missing`);
      continue;
    }
    const want = expectedSession(s);
    const blocks = readSession(text, markersIn(w, rel), want.completion !== null);
    const at = (block: string): string => `${host}: ${rel} › ${block}`;
    compareItems(p, 'sessions', at('Session Information list'), want.info, blocks['Session Information list']);
    // Content first (without the Call number, which follows the order), then the order.
    compareRowsThenOrder(p, 'sessions', at('Usage Tracking table'), USAGE_HEADER, want.usage, blocks['Usage Tracking table'], (r) => r.slice(1), 'by call timestamp, ties by host, then ledger position; Call numbered 1..n');
    compareItems(p, 'sessions', at('Session Summary list'), want.summary, blocks['Session Summary list']);
    if (want.completion) compareItems(p, 'sessions', at('Session Completion list'), want.completion, blocks['Session Completion list']);
    if (want.breakdown) compareRows(p, 'sessions', at('Cost Breakdown table'), BREAKDOWN_HEADER, want.breakdown, blocks['Cost Breakdown table']);
    if (want.efficiency) compareItems(p, 'sessions', at('Efficiency Metrics list'), want.efficiency, blocks['Efficiency Metrics list']);
  }
}

function readIfExists(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

function compareText(p: Problems, check: CheckName, where: string, want: string, got: string | Missing | string[][] | Items | undefined): void {
  if (got instanceof Missing) p.add(check, `${where}: ${got.what}`);
  else if (got !== want) p.add(check, `${where}: expected ${q(want)}, got ${q(got)}`);
}

function compareItems(p: Problems, check: CheckName, where: string, want: Items, got: ToolBlocks[string] | undefined, options: { subset?: boolean } = {}): void {
  if (got === undefined || got instanceof Missing || typeof got === 'string') {
    p.add(check, `${where}: ${got instanceof Missing ? got.what : 'not found'}`);
    return;
  }
  const items = got as Items;
  const labels = items.map(([label]) => label);
  if (!options.subset && q(labels) !== q(want.map(([label]) => label))) p.add(check, `${where}: items ${q(labels)}, expected ${q(want.map(([label]) => label))}`);
  for (const [label, value] of want) {
    const found = items.find(([l]) => l === label);
    if (!found) {
      if (options.subset) p.add(check, `${where}: no "${label}" item`);
    } else if (found[1] !== value) p.add(check, `${where} › ${label}: expected ${q(value)}, got ${q(found[1])}`);
  }
}

/** Row-by-row comparison, naming the first differing cells. */
function compareRows(p: Problems, check: CheckName, where: string, header: string[], want: string[][], got: ToolBlocks[string] | undefined): void {
  if (got === undefined || got instanceof Missing || typeof got === 'string') {
    p.add(check, `${where}: ${got instanceof Missing ? got.what : 'not found'}`);
    return;
  }
  const rows = got as string[][];
  if (rows.length !== want.length) {
    p.add(check, `${where}: ${rows.length} rows, expected ${want.length}${describeRowDifference(want, rows)}`);
    return;
  }
  const diffs: string[] = [];
  want.forEach((w, i) => {
    w.forEach((cell, c) => {
      if (rows[i]![c] !== cell) diffs.push(`row ${i + 1} (${rows[i]![0] || w[0]}) ${header[c] ?? `column ${c + 1}`}: expected ${q(cell)}, got ${q(rows[i]![c])}`);
    });
    if (rows[i]!.length !== w.length) diffs.push(`row ${i + 1} has ${rows[i]!.length} cells, expected ${w.length}`);
  });
  if (diffs.length > 0) p.add(check, `${where}: ${diffs.slice(0, 6).join('; ')}${diffs.length > 6 ? `; … ${diffs.length - 6} more` : ''}`);
}

function describeRowDifference(want: string[][], got: string[][]): string {
  const key = (r: string[]): string => r.join(' | ');
  const missing = want.filter((r) => !got.some((g) => key(g) === key(r)));
  const extra = got.filter((r) => !want.some((x) => key(x) === key(r)));
  return `${missing.length ? `\n      missing: ${missing.slice(0, 3).map(key).join('\n               ')}` : ''}${extra.length ? `\n      unexpected: ${extra.slice(0, 3).map(key).join('\n                  ')}` : ''}`;
}

/**
 * Compares the rows as a multiset of their order-free content (`content`: the Call number
 * left out, which follows the order), reporting differences under `check`; only when the
 * content agrees is the order compared, reported under `order`.
 */
function compareRowsThenOrder(p: Problems, check: CheckName, where: string, header: string[], want: string[][], got: ToolBlocks[string] | undefined, content: (row: string[]) => string[], intended: string): void {
  if (got === undefined || got instanceof Missing || typeof got === 'string') {
    p.add(check, `${where}: ${got instanceof Missing ? got.what : 'not found'}`);
    return;
  }
  const rows = got as string[][];
  const multiset = (rs: string[][]): string[] => rs.map((r) => q(content(r))).sort();
  if (q(multiset(rows)) !== q(multiset(want))) {
    p.add(check, `${where}: ${rows.length} rows, expected ${want.length}; content differs (${header.join(' | ')}):${describeRowDifference(want.map(content), rows.map(content)) || ' (duplicated rows)'}`);
    return;
  }
  if (q(rows) !== q(want)) {
    const show = (r: string[]): string => r.join(' | ');
    p.add('order', `${where}: rows read\n      ${rows.map(show).join('\n      ')}\n    intended (${intended}):\n      ${want.map(show).join('\n      ')}`);
  }
}

// ---------------------------------------------------------------------------------------
// 5. tokj report totals the ledger exactly

function checkReport(w: World, host: Host, r: { exitCode: number; stdout: string; stderr: string }, p: Problems): void {
  if (r.exitCode !== 0) {
    p.add('report', `${host}: tokj report exited ${r.exitCode}: ${r.stderr}`);
    return;
  }
  const summary = (JSON.parse(r.stdout) as { summary: Record<string, unknown> }).summary;
  const want = expectedReportSummary(journalOf(w, host));
  const diff = Object.keys(want).filter((k) => q(want[k]) !== q(summary[k]));
  if (diff.length > 0) p.add('report', `${host}: tokj report --format json summary: ${diff.map((k) => `${k} expected ${q(want[k])}, got ${q(summary[k])}`).join('; ')}`);
}

// ---------------------------------------------------------------------------------------
// 7. People's lines are kept

function checkMarkers(w: World, root: string, label: string, p: Problems): void {
  for (const m of w.markers) {
    const text = readIfExists(path.join(root, m.file)) ?? '';
    const n = text.split(m.text).length - 1;
    if (n !== 1) p.add('markers', `${label}: ${m.file}: the line "${m.text}" (written ${m.where}) is there ${n} times, expected once`);
  }
}

// ---------------------------------------------------------------------------------------
// 8. Thrown away and rebuilt: a copy of A with its derived state deleted, rebuilt from the ledger

interface Copy {
  dir: string;
  root: string;
  rebuild: { exitCode: number; stderr: string };
}

let copies = 0;

async function rebuiltCopy(w: World, real: Real): Promise<Copy> {
  const dir = path.join(real.scratch, `copy-${++copies}`);
  const root = path.join(dir, '.ai_workflow');
  cpSync(rootOf(real, 'A'), root, { recursive: true });
  rmSync(path.join(root, 'monitoring', '.state'), { recursive: true, force: true });
  const r = await tokjOn(real, 'A', nowOn(w, 'A'), ['rebuild'], { cwd: dir });
  return { dir, root, rebuild: r };
}

function checkRebuiltCopy(w: World, root: string, copy: Copy, p: Problems): void {
  if (copy.rebuild.exitCode !== 0) {
    p.add('rebuilt-copy', `tokj rebuild of a copy without .state exited ${copy.rebuild.exitCode}: ${copy.rebuild.stderr}`);
    return;
  }
  const mine = markdownFiles(root);
  const theirs = markdownFiles(copy.root);
  if (q(mine) !== q(theirs)) p.add('rebuilt-copy', `markdown files: A has ${q(mine)}, the rebuilt copy ${q(theirs)}`);
  for (const rel of mine.filter((f) => theirs.includes(f))) {
    const markers = markersIn(w, rel);
    const read = (r: string): ToolBlocks | null => {
      const text = readFileSync(path.join(r, rel), 'utf8');
      if (rel === JOURNAL) return readJournal(text, markers);
      if (rel.startsWith(MONTH_LOGS)) return readMonthLog(text, markers);
      if (rel.startsWith(path.join('monitoring', 'sessions'))) return readSession(text, markers, false);
      return null;
    };
    const a = read(root);
    const b = read(copy.root);
    if (!a || !b) continue;
    for (const block of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (q(a[block]) !== q(b[block])) p.add('rebuilt-copy', `${rel} › ${block}: A shows ${describeBlock(a[block])}\n    the copy rebuilt from the ledger shows ${describeBlock(b[block])}`);
    }
  }
  checkMarkers(w, copy.root, 'the rebuilt copy', p);
}

function describeBlock(b: ToolBlocks[string] | undefined): string {
  if (b === undefined) return '(nothing)';
  if (b instanceof Missing) return `(${b.what})`;
  if (typeof b === 'string') return q(b);
  return `\n      ${(b as string[][]).map((r) => r.join(' | ')).join('\n      ')}`;
}

/** At the end: A rebuilt in place and the copy rebuilt from scratch are the same bytes. */
function compareBytes(root: string, copyRoot: string, p: Problems): void {
  for (const rel of markdownFiles(root)) {
    const other = path.join(copyRoot, rel);
    if (!existsSync(other)) continue;
    const a = readFileSync(path.join(root, rel), 'utf8');
    const b = readFileSync(other, 'utf8');
    if (a === b) continue;
    const al = a.split('\n');
    const bl = b.split('\n');
    const i = al.findIndex((line, k) => line !== bl[k]);
    p.add('final-rebuild', `${rel}: A after tokj rebuild and the copy rebuilt without .state differ first at line ${i + 1}:\n      A:    ${q(al[i])}\n      copy: ${q(bl[i])}`);
  }
}
