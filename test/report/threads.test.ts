/**
 * `tokj report` over a ledger read on worker threads must be the report one pass gives:
 * the built binary with TOKJ_REPORT_WORKERS=0 (one pass) against 2, 3 and 7 threads (which
 * must have run: TOKJ_REQUIRE_WORKERS, and the trace names their count), on a
 * ledger with several segments, sessions spread over them, an end before its start, retries,
 * unpriced and over-precise costs, a skipped line and a torn last line.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutLedger } from '../../src/report/parallel.js';
import { readLedger, readLedgerPieces } from '../../src/report/read-ledger.js';
import { tokj } from '../helpers.js';
import { seededRandom } from '../providers/helpers.js';
import { callLine, endLine, journalWith, startLine } from './helpers.js';

/** Four segments (two months, two hosts), about 6,000 lines. */
function ledger(): Record<string, string[]> {
  const r = seededRandom(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const segments: Record<string, string[]> = { '2026-10.alpha.jsonl': [], '2026-10.beta.jsonl': [], '2026-11.alpha.jsonl': [], '2026-11.beta.jsonl': [] };
  const names = Object.keys(segments);
  for (let s = 0; s < 60; s++) {
    const session = `s${s}`;
    const home = pick(names);
    const day = 1 + Math.floor(r() * 27);
    const month = home.startsWith('2026-10') ? '10' : '11';
    const at = (h: number, m: number): string => `2026-${month}-${String(day).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00.000Z`;
    segments[home]!.push(startLine(session, at(0, 0)));
    const calls = 20 + Math.floor(r() * 160);
    for (let i = 0; i < calls; i++) {
      // Some calls land in another host's segment (a shared session).
      const where = r() < 0.15 ? pick(names) : home;
      const cost = pick(['0.01175', '0.0031723', '1.5', null, '0.0000000000000000000123', '12.000000001']);
      segments[where]!.push(
        callLine({
          session,
          timestamp: at(Math.floor(r() * 24), Math.floor(r() * 60)),
          provider: pick(['openai', 'anthropic']),
          model: pick(['gpt-4o', 'claude-sonnet-4-5', 'gpt-5-mini']),
          input: Math.floor(r() * 9000),
          output: Math.floor(r() * 900),
          cacheRead: Math.floor(r() * 100),
          cost,
          agent: pick(['planner', 'coder', null]),
          operation: pick(['plan', 'edit', null]),
          attempt: pick([null, null, '1', '2', '3/3']),
          estimated: r() < 0.05,
        }),
      );
    }
    // Ends sit in a segment that sorts before the start now and then.
    if (r() < 0.8) segments[r() < 0.2 ? names[0]! : home]!.push(endLine(session, at(23, 59), r() < 0.1 ? 'failed' : 'completed'));
  }
  segments['2026-11.beta.jsonl']!.push('not a ledger line');
  return segments;
}

describe('tokj report on threads', () => {
  const cwd = journalWith(ledger());
  // A torn last line (a write cut short) in one segment.
  appendFileSync(path.join(cwd, '.ai_workflow', 'monitoring', 'ledger', '2026-10.beta.jsonl'), '{"type":"call","id":"torn');

  for (const args of [
    ['--format', 'json'],
    ['--format', 'json', '--period', 'weekly', '--by', 'agent', '--tz', 'Asia/Kolkata'],
    ['--format', 'json', '--period', 'session', '--by', 'session'],
    ['--format', 'csv', '--period', 'monthly', '--by', 'model', '--tz', 'America/New_York'],
    ['--format', 'json', '--since', '2026-10-10', '--until', '2026-11-12', '--by', 'operation'],
    ['--format', 'table', '--suggestions'],
  ]) {
    it(`gives what one pass gives: ${args.join(' ')}`, async () => {
      // The threaded runs must really run on threads: no falling back to one pass when the
      // worker bundle is missing (TOKJ_REQUIRE_WORKERS), and the trace says they ran.
      const run = (threads: string) =>
        tokj(cwd, ['report', ...args], { env: { TOKJ_REPORT_WORKERS: threads, TOKJ_REQUIRE_WORKERS: '1', TOKJ_TRACE: '1', TZ: 'UTC', TOKJ_NOW: '2026-11-24T09:00:00Z' } });
      const untraced = (stderr: string): string => stderr.split('\n').filter((l) => !l.startsWith('[trace] ')).join('\n');
      const one = await run('0');
      expect(one.exitCode, one.stderr).toBe(0);
      expect(one.stderr).not.toContain('worker threads');
      expect(one.stderr).toContain('not usable ledger entries');
      expect(one.stderr).toContain('ledger/2026-10.beta.jsonl is incomplete');
      for (const threads of ['2', '3', '7']) {
        const many = await run(threads);
        expect(many.stderr, `${threads} threads`).toMatch(new RegExp(`^\\[trace\\] [\\d.]+ms ledger read on ${threads} worker threads$`, 'm'));
        expect(many.stdout, `${threads} threads`).toBe(one.stdout);
        expect(untraced(many.stderr), `${threads} threads`).toBe(untraced(one.stderr));
      }
    });
  }
});

describe('ledger pieces', () => {
  it('hand on every line exactly once, wherever the ledger is cut (property)', () => {
    const cwd = journalWith({ '2026-10.a.jsonl': ['{"a":1}', '{"b":22}', '', '{"c":"ü€"}'], '2026-11.a.jsonl': ['{"d":4444}'], '2026-12.a.jsonl': [] });
    const dir = path.join(cwd, '.ai_workflow', 'monitoring', 'ledger');
    appendFileSync(path.join(dir, '2026-11.a.jsonl'), '{"torn"');
    const all: string[] = [];
    const whole = readLedger(dir, (l) => all.push(l));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), (n) => {
        const lines: string[] = [];
        const torn: string[] = [];
        for (const pieces of cutLedger(dir, n)) {
          const r = readLedgerPieces(dir, pieces, (l) => lines.push(l));
          torn.push(...r.torn);
        }
        expect(lines).toEqual(all);
        expect(torn).toEqual(whole.torn);
      }),
    );
    expect(readFileSync(path.join(dir, '2026-11.a.jsonl'), 'utf8')).toContain('torn');
  });
});
