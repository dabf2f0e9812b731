/**
 * Fuzzing (fast-check, bounded runs, seeded; the seed is printed):
 * - provider payloads and streams mutated the ways real damage looks (cut at random points,
 *   bytes flipped, lines duplicated or deleted, count fields replaced by huge, negative,
 *   fractional, exponent and string values), into collectFromText and, cut in random chunks,
 *   into the streaming collector: never a throw; every outcome either a call with
 *   non-negative safe-integer counts (input >= cache parts, output >= reasoning) or a failure
 *   with a known code; and the same outcomes however the bytes were chunked;
 * - a smaller number of them through the real binary (`tokj auto-collect`): exit 0 or 3
 *   only, and on 3 every file unchanged; the journal stays consistent;
 * - random token counts and prices into the money code (computeCost with a user price,
 *   sumMoney, totals): exact against BigInt.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { repoRoot, snapshotFiles, tempDir } from '../helpers.js';
import { collectFromText, createCollector } from '../../src/ingest/collector.js';
import type { CallOutcome } from '../../src/providers/types.js';
import { computeCost, findUserPrice, parseUserPriceRow } from '../../src/pricing/index.js';
import { sumMoney } from '../../src/core/decimal-sum.js';
import { formatUsd, parseMoney } from '../../src/core/money.js';
import { addCall, emptyTotals } from '../../src/core/totals.js';
import type { CallRecord } from '../../src/ledger/record.js';
import { compareWithLedger, doctor, ledgerCalls, prng, seedFor, tokj } from './support.js';

const FIXTURES = path.join(repoRoot, 'test/fixtures/responses');
const fixtures: Array<{ name: string; text: string }> = [
  ...readdirSync(FIXTURES).filter((f) => /\.(json|sse|ndjson)$/.test(f)).map((f) => ({ name: f, text: readFileSync(path.join(FIXTURES, f), 'utf8') })),
  ...readdirSync(path.join(FIXTURES, 'extra')).filter((f) => /\.(json|sse|ndjson)$/.test(f)).map((f) => ({ name: `extra/${f}`, text: readFileSync(path.join(FIXTURES, 'extra', f), 'utf8') })),
];

const CODES = new Set(['provider_error', 'stream_failed', 'stream_truncated', 'usage_null', 'no_usage', 'not_json', 'truncated_json', 'empty_input', 'unknown_shape', 'bad_count', 'inconsistent_usage', 'too_large']);

/** Values that are not token counts, or are at the edges of one. */
const HOSTILE_NUMBERS = [
  '9007199254740991', '9007199254740992', '18446744073709551616', '1e308', '1e999', '-1e308', '-1', '-0', '0', '1.5', '0.0', '1e3', '1E2',
  '2.0', '-9007199254740991', '"12"', '"1,500"', '""', 'null', 'true', 'false', '[]', '{}', '[1]', '{"a":1}', 'NaN', '0x10', '123456789012345678901234567890',
];

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; char: string }
  | { kind: 'duplicateLine'; at: number }
  | { kind: 'deleteLine'; at: number }
  | { kind: 'number'; at: number; value: string }
  | { kind: 'insert'; at: number; junk: string };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), char: fc.constantFrom('{', '}', '"', '\n', ':', ',', '\\', '\u0000', 'é', '9', '-', ' ', '\r', '[') }),
  fc.record({ kind: fc.constant('duplicateLine' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('deleteLine' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  // Weighted: the count fields are where the interesting damage is.
  fc.record({ kind: fc.constant('number' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), value: fc.constantFrom(...HOSTILE_NUMBERS) }),
  fc.record({ kind: fc.constant('number' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), value: fc.constantFrom(...HOSTILE_NUMBERS) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), junk: fc.string({ maxLength: 16 }) }),
);

const pick = (n: number, at: number): number => Math.min(n - 1, Math.floor(at * n));

function mutate(text: string, m: Mutation): string {
  switch (m.kind) {
    case 'truncate':
      return text.slice(0, Math.floor(text.length * m.at));
    case 'flip': {
      if (text.length === 0) return m.char;
      const i = pick(text.length, m.at);
      return text.slice(0, i) + m.char + text.slice(i + 1);
    }
    case 'duplicateLine':
    case 'deleteLine': {
      const lines = text.split('\n');
      const i = pick(lines.length, m.at);
      if (m.kind === 'duplicateLine') lines.splice(i, 0, lines[i]!);
      else lines.splice(i, 1);
      return lines.join('\n');
    }
    case 'number': {
      // A numeric value of a key that names a count ("prompt_tokens": 16, "output_tokens":29, ...).
      const re = /("[A-Za-z_]*(?:[Tt]oken|[Cc]ount|[Uu]nits)[A-Za-z_]*"\s*:\s*)(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/g;
      const hits = [...text.matchAll(re)];
      if (hits.length === 0) return text;
      const hit = hits[pick(hits.length, m.at)]!;
      const start = hit.index! + hit[1]!.length;
      return text.slice(0, start) + m.value + text.slice(start + hit[2]!.length);
    }
    case 'insert': {
      const i = Math.floor(text.length * m.at);
      return text.slice(0, i) + m.junk + text.slice(i);
    }
  }
}

const payloadArb = fc
  .tuple(fc.integer({ min: 0, max: fixtures.length - 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 4 }))
  .map(([i, ms]) => ({ name: fixtures[i]!.name, mutations: ms, text: ms.reduce(mutate, fixtures[i]!.text) }));

/** Problems with the outcomes (empty when all is well-formed). */
function malformed(outcomes: CallOutcome[]): string[] {
  const out: string[] = [];
  if (outcomes.length === 0) out.push('no outcome at all');
  outcomes.forEach((o, i) => {
    if (o.index !== i) out.push(`outcome ${i} has index ${o.index}`);
    if (!o.ok) {
      if (!CODES.has(o.code)) out.push(`unknown failure code ${String(o.code)}`);
      if (typeof o.message !== 'string' || o.message === '') out.push(`failure ${o.code} without a message`);
      return;
    }
    const c = o.call;
    if (!Number.isSafeInteger(c.inputTokens + c.outputTokens)) out.push(`input + output ${c.inputTokens + c.outputTokens} past 2^53-1`);
    const counts = { inputTokens: c.inputTokens, outputTokens: c.outputTokens, cacheReadTokens: c.cacheReadTokens, cacheWriteTokens: c.cacheWriteTokens, reasoningTokens: c.reasoningTokens, ...(c.cacheWrite1hTokens === undefined ? {} : { cacheWrite1hTokens: c.cacheWrite1hTokens }) };
    for (const [k, v] of Object.entries(counts)) if (!Number.isSafeInteger(v) || v < 0) out.push(`${k} = ${String(v)}`);
    if (c.cacheReadTokens + c.cacheWriteTokens > c.inputTokens) out.push(`cache parts ${c.cacheReadTokens}+${c.cacheWriteTokens} > input ${c.inputTokens}`);
    if ((c.cacheWrite1hTokens ?? 0) > c.cacheWriteTokens) out.push('1h cache writes > cache writes');
    if (c.reasoningTokens > c.outputTokens) out.push(`reasoning ${c.reasoningTokens} > output ${c.outputTokens}`);
    if (typeof c.provider !== 'string' || c.provider === '') out.push('no provider');
    if (c.model !== null && typeof c.model !== 'string') out.push('model is not a string');
    if (c.requestId !== null && typeof c.requestId !== 'string') out.push('request id is not a string');
  });
  return out;
}

function collectSafely(fn: () => CallOutcome[]): CallOutcome[] | string {
  try {
    return fn();
  } catch (error) {
    return `threw: ${(error as Error).stack ?? String(error)}`;
  }
}

/** The same bytes pushed as Buffers cut at the given points (mid-line, mid-UTF-8, mid-JSON). */
function collectChunked(text: string, cuts: number[]): CallOutcome[] {
  const bytes = Buffer.from(text, 'utf8');
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const collector = createCollector();
  let from = 0;
  for (const p of [...points, bytes.length]) {
    collector.push(bytes.subarray(from, p));
    from = p;
  }
  return collector.end();
}

describe('fuzzing the collector with mutated provider payloads', () => {
  it('never throws; every outcome is a well-formed call or a failure with a code; chunking does not matter', () => {
    const seed = seedFor('fuzz collector');
    let ok = 0;
    let failed = 0;
    fc.assert(
      fc.property(payloadArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }), (payload, cuts) => {
        const whole = collectSafely(() => collectFromText(payload.text));
        if (typeof whole === 'string') throw new Error(`${payload.name} ${JSON.stringify(payload.mutations)}: ${whole}`);
        const problems = malformed(whole);
        if (problems.length > 0) throw new Error(`${payload.name} ${JSON.stringify(payload.mutations)}: ${problems.join('; ')}`);
        const chunked = collectSafely(() => collectChunked(payload.text, cuts));
        if (typeof chunked === 'string') throw new Error(`${payload.name} chunked: ${chunked}`);
        expect(chunked, `${payload.name} ${JSON.stringify(payload.mutations)} cut at ${JSON.stringify(cuts)}`).toEqual(whole);
        for (const o of whole) if (o.ok) ok += 1;
        else failed += 1;
      }),
      { numRuns: 600, seed },
    );
    console.log(`[torture] fuzz collector: 600 mutated payloads, ${ok} calls extracted, ${failed} refused`);
    expect(ok).toBeGreaterThan(0);
    expect(failed).toBeGreaterThan(0);
  });

  it('hostile values in every count field of every fixture: only safe non-negative counts get through', () => {
    let checked = 0;
    for (const f of fixtures) {
      const re = /("[A-Za-z_]*(?:[Tt]oken|[Cc]ount)[A-Za-z_]*"\s*:\s*)(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/g;
      const hits = [...f.text.matchAll(re)];
      for (const hit of hits) {
        for (const value of HOSTILE_NUMBERS) {
          const start = hit.index! + hit[1]!.length;
          const text = f.text.slice(0, start) + value + f.text.slice(start + hit[2]!.length);
          const outcomes = collectSafely(() => collectFromText(text));
          if (typeof outcomes === 'string') throw new Error(`${f.name}: ${hit[1]}${value}: ${outcomes}`);
          expect(malformed(outcomes), `${f.name}: ${hit[1]}${value}`).toEqual([]);
          checked += 1;
        }
      }
    }
    console.log(`[torture] fuzz collector: ${checked} single-field replacements checked`);
    expect(checked).toBeGreaterThan(1000);
  });

  // REGRESSION (was a product bug, fixed): each count is checked to be a safe integer, but not their sum: an Anthropic
  // response with "input_tokens": 9007199254740991 and "output_tokens": 29 comes out as an ok
  // call whose total (input + output) is past 2^53-1. `tokj record` refuses that ("INPUT +
  // OUTPUT is larger than 2^53-1", src/cli/record.ts); auto-collect records it, and the
  // ledger line's total_tokens is not exact (see bignum.test.ts for what that does to the
  // journal). The collector (src/providers/counts.ts / src/ingest/assembler.ts) should refuse
  // such a call as bad_count.
  it('a payload whose input + output exceeds 2^53-1 is refused as bad_count', () => {
    const text = fixtures.find((f) => f.name === 'anthropic-messages-basic.json')!.text.replace(/"input_tokens": \d+/, '"input_tokens": 9007199254740991');
    const outcomes = collectFromText(text);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ ok: false, code: 'bad_count' });
  });
});

describe('fuzzing the real binary: tokj auto-collect', () => {
  it('mutated payloads: exit 0 or 3 only; on 3 every file unchanged; the journal stays consistent', async () => {
    const seed = seedFor('fuzz auto-collect');
    const cwd = tempDir('tokj-torture-fuzz-');
    const root = path.join(cwd, '.ai_workflow');
    expect((await tokj(cwd, ['init', 'f', 'openai', 'gpt-4o', '-q'])).exitCode).toBe(0);
    const random = prng(seed);
    // Half lightly damaged (one count field replaced: often still recordable), half anything.
    const light = fc
      .tuple(fc.integer({ min: 0, max: fixtures.length - 1 }), fc.record({ kind: fc.constant('number' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), value: fc.constantFrom(...HOSTILE_NUMBERS) }))
      .map(([i, m]) => ({ name: fixtures[i]!.name, mutations: [m] as Mutation[], text: mutate(fixtures[i]!.text, m) }));
    const samples = fc.sample(fc.oneof(light, payloadArb), { numRuns: 30, seed });
    const exits: Record<string, number> = {};
    let recorded = 0;
    for (const [i, payload] of samples.entries()) {
      // Payloads that name no model need --model (Bedrock, Cohere): give it for a third of runs.
      const args = ['auto-collect', '--json', ...(random() < 0.33 ? ['--model', 'gpt-4o'] : [])];
      const before = snapshotFiles(root);
      const callsBefore = ledgerCalls(root).length;
      const r = await tokj(cwd, args, { input: payload.text });
      const label = `run ${i}: ${payload.name} ${JSON.stringify(payload.mutations)} ${args.join(' ')}`;
      exits[r.exitCode] = (exits[r.exitCode] ?? 0) + 1;
      if (r.exitCode === 2 && /names no model/.test(r.stderr)) {
        // A response without a model and no --model: a usage error (exit 2), nothing written.
        expect(snapshotFiles(root), label).toEqual(before);
        continue;
      }
      expect([0, 3], `${label}: exit ${r.exitCode}: ${r.stderr}`).toContain(r.exitCode);
      if (r.exitCode === 3) {
        expect(r.stderr, label).toMatch(/^tokj: /m);
        expect(snapshotFiles(root), label).toEqual(before);
      } else {
        const added = ledgerCalls(root).length - callsBefore;
        recorded += added;
        expect(r.stdout.split('\n').filter(Boolean).length, label).toBe(added);
      }
    }
    console.log(`[torture] fuzz auto-collect: ${samples.length} runs, exit codes ${JSON.stringify(exits)}, ${recorded} calls recorded`);
    expect(compareWithLedger(root)).toEqual([]);
    const d = await doctor(cwd);
    expect(d.exitCode, d.out).toBe(0);
  }, 120_000);
});

describe('fuzzing the money code against BigInt', () => {
  /** A decimal with up to `places` fractional digits as a scaled BigInt. */
  const scaled = (text: string, places: number): bigint => {
    const [int = '0', frac = ''] = text.replace(/^\$/, '').split('.');
    return BigInt(int + frac.padEnd(places, '0'));
  };
  /** BigInt at `places` decimals -> canonical decimal string (no trailing zeros). */
  const decimal = (v: bigint, places: number): string => {
    if (places === 0) return v.toString();
    const neg = v < 0n;
    const digits = (neg ? -v : v).toString().padStart(places + 1, '0');
    const text = `${digits.slice(0, -places)}.${digits.slice(-places)}`.replace(/\.?0+$/, '');
    return `${neg ? '-' : ''}${text === '' ? '0' : text}`;
  };
  const priceText = fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 9n }), fc.integer({ min: 0, max: 9 }), fc.bigInt({ min: 0n, max: 10n ** 9n - 1n }))
    .map(([int, places, frac]) => (places === 0 ? `${int}` : `${int}.${frac.toString().padStart(9, '0').slice(0, places)}`));
  const count = fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(0, 1, Number.MAX_SAFE_INTEGER), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));

  it('computeCost with a user price is exact: sum over parts of tokens x rate, and the parts add up', () => {
    const seed = seedFor('fuzz money');
    fc.assert(
      fc.property(priceText, priceText, fc.option(priceText, { nil: undefined }), fc.option(priceText, { nil: undefined }), count, count, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (pin, pout, pread, pwrite, input, output, fr, fw, fz) => {
        const read = Math.floor(input * fr);
        const write = Math.floor((input - read) * fw);
        const reasoning = Math.floor(output * fz);
        const row = parseUserPriceRow(['openai', 'fuzz-model', pin, pout, pread ?? '', pwrite ?? '']);
        const price = findUserPrice([row], { provider: 'openai', model: 'fuzz-model' });
        expect(price).not.toBeNull();
        const cost = computeCost(price!, { inputTokens: input, outputTokens: output, cacheReadTokens: read, cacheWriteTokens: write, reasoningTokens: reasoning });
        // Rates in $/1M with up to 9 decimals: per token, 15 decimals.
        const rin = scaled(pin, 9);
        const expected =
          BigInt(input - read - write) * rin +
          BigInt(read) * (pread === undefined ? rin : scaled(pread, 9)) +
          BigInt(write) * (pwrite === undefined ? rin : scaled(pwrite, 9)) +
          BigInt(output) * scaled(pout, 9);
        expect(cost.costUsd, JSON.stringify({ pin, pout, pread, pwrite, input, output, read, write, reasoning })).toBe(decimal(expected, 15));
        const parts = Object.values(cost.parts).reduce((s, p) => s + scaled(p, 15), 0n);
        expect(parts).toBe(expected);
        expect(formatUsd(cost.costUsd)).toMatch(/^\$\d{1,3}(,\d{3})*(\.\d+)?$/);
      }),
      { numRuns: 500, seed },
    );
  });

  it('sums of recorded costs (sumMoney, running totals) are exact', () => {
    const seed = seedFor('fuzz sums');
    const costText = fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.integer({ min: 0, max: 24 })).map(([v, places]) => decimal(v, places));
    fc.assert(
      fc.property(fc.array(costText, { maxLength: 60 }), (costs) => {
        const expected = costs.reduce((s, c) => s + scaled(c, 24), 0n);
        expect(sumMoney(costs).toString()).toBe(decimal(expected, 24));
        const totals = emptyTotals();
        for (const c of costs) addCall(totals, { cost_usd: c, input_tokens: 1, output_tokens: 1, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0, total_tokens: 2, estimated: false } as CallRecord);
        expect(totals.cost_usd).toBe(decimal(expected, 24));
        expect(parseMoney(totals.cost_usd).toString()).toBe(totals.cost_usd);
        expect(totals.cost_usd).not.toMatch(/e/i);
      }),
      { numRuns: 300, seed },
    );
  });
});
