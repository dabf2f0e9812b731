/**
 * The provider's report formats, read from the official examples (test/fixtures/billing-reports,
 * see its README): every file parses, to exactly the figures it holds; dollars and cents
 * are exact; model spellings meet; the CSV reader agrees with csv-stringify.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify as csvStringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { moneyToString } from '../../src/core/money.js';
import { parseCsv } from '../../src/reconcile/csv-rows.js';
import { readReport } from '../../src/reconcile/detect.js';
import { ExactNumber, exactCount, exactDecimal, parseExactJson, type ExactJson } from '../../src/reconcile/exact-json.js';
import { modelKey } from '../../src/reconcile/model-names.js';
import { parseLineItem } from '../../src/reconcile/openai-costs.js';
import type { Fact, ReportPage } from '../../src/reconcile/types.js';
import { repoRoot } from '../helpers.js';

const DIR = path.join(repoRoot, 'test/fixtures/billing-reports');
const read = (file: string): ReportPage => readReport(readFileSync(path.join(DIR, file), 'utf8'));
/** Facts with amounts as exact strings, for toEqual. */
const plain = (facts: Fact[]): unknown[] => facts.map((f) => (f.kind === 'cost' ? { ...f, amount: moneyToString(f.amount) } : f));
const DAY = 86_400_000;

describe('official example responses', () => {
  it('OpenAI usage/completions: tokens with cached input inside, requests, a page that has more', () => {
    const page = read('openai-usage-completions.json');
    expect(page.format).toBe('openai-usage');
    expect(page.hasMore).toBe(true);
    expect(plain(page.facts)).toEqual([
      { kind: 'usage', provider: 'openai', date: '2024-11-01', model: null, requests: 5, input_tokens: 1000, output_tokens: 500, cache_read_tokens: 400, dims: { project_id: null, api_key_id: null, user_id: null } },
    ]);
    expect(page.spans).toEqual([{ provider: 'openai', kind: 'usage', start: 1730419200000, end: 1730419200000 + DAY }]);
  });

  it('OpenAI usage/embeddings: input tokens and requests, the last page', () => {
    const page = read('openai-usage-embeddings.json');
    expect(page.format).toBe('openai-usage');
    expect(page.hasMore).toBe(false);
    expect(plain(page.facts)).toEqual([
      { kind: 'usage', provider: 'openai', date: '2024-11-01', model: null, requests: 2, input_tokens: 16, output_tokens: 0, cache_read_tokens: 0, dims: { project_id: null, api_key_id: null, user_id: null } },
    ]);
  });

  it('OpenAI costs: dollars as a JSON number, exact; no line item = the whole day, of no model', () => {
    const page = read('openai-costs.json');
    expect(page.format).toBe('openai-costs');
    expect(plain(page.facts)).toEqual([
      { kind: 'cost', provider: 'openai', date: '2024-11-01', charge: 'tokens', model: null, label: 'all charges (not grouped by line_item)', amount: '0.06', quantity: null, dims: { project_id: null, api_key_id: null } },
    ]);
    expect(page.spans).toEqual([{ provider: 'openai', kind: 'cost', start: 1730419200000, end: 1730419200000 + DAY }]);
  });

  it('Anthropic usage_report: input is uncached + cache reads + 5-minute and 1-hour writes; no request count', () => {
    const page = read('anthropic-usage-report.json');
    expect(page.format).toBe('anthropic-usage');
    expect(page.hasMore).toBe(true);
    expect(plain(page.facts)).toEqual([
      {
        kind: 'usage',
        provider: 'anthropic',
        date: '2025-08-01',
        model: 'claude-opus-5',
        requests: null,
        input_tokens: 1500 + 200 + 500 + 1000,
        output_tokens: 500,
        cache_read_tokens: 200,
        dims: { api_key_id: 'apikey_01Rj2N8SVvo6BePZj99NhmiT', workspace_id: 'wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ' },
      },
    ]);
    expect(page.spans).toEqual([{ provider: 'anthropic', kind: 'usage', start: Date.parse('2025-08-01T00:00:00Z'), end: Date.parse('2025-08-02T00:00:00Z') }]);
  });

  it('Anthropic cost_report (current and 2025 docs): a decimal string of cents, shifted to dollars exactly', () => {
    expect(plain(read('anthropic-cost-report.json').facts)).toEqual([
      { kind: 'cost', provider: 'anthropic', date: '2025-08-01', charge: 'tokens', model: 'claude-opus-5', label: 'Claude Opus 5 Usage - Input Tokens', amount: '1.2378912', quantity: null, dims: { workspace_id: 'wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ' } },
    ]);
    const older = read('anthropic-cost-report.2025-docs-example.json');
    expect(older.format).toBe('anthropic-costs');
    expect(plain(older.facts)).toEqual([
      { kind: 'cost', provider: 'anthropic', date: '2025-08-01', charge: 'tokens', model: 'claude-sonnet-4-20250514', label: 'Claude Sonnet 4 Usage - Input Tokens', amount: '1.2378912', quantity: null, dims: { workspace_id: 'wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ' } },
    ]);
  });

  it('every result schema example of the OpenAI spec: token results read, the others skipped by name', () => {
    const examples = JSON.parse(readFileSync(path.join(DIR, 'schema-examples/openai-result-object-examples.json'), 'utf8')) as Record<string, unknown>;
    const pageOf = (result: unknown): string => JSON.stringify({ object: 'page', data: [{ object: 'bucket', start_time: 1730419200, end_time: 1730505600, results: [result] }], has_more: false, next_page: null });
    const got = Object.fromEntries(Object.entries(examples).map(([name, result]) => {
      const page = readReport(pageOf(result));
      return [name, { format: page.format, facts: plain(page.facts), skipped: page.skipped }];
    }));
    const usage = (model: string, requests: number, input: number, output: number, cacheRead: number) => ({ kind: 'usage', provider: 'openai', date: '2024-11-01', model, requests, input_tokens: input, output_tokens: output, cache_read_tokens: cacheRead, dims: { project_id: 'proj_abc', api_key_id: 'key_abc', user_id: 'user-abc' } });
    expect(got).toEqual({
      UsageCompletionsResult: { format: 'openai-usage', facts: [usage('gpt-4o-mini-2024-07-18', 5, 5000, 1000, 1800)], skipped: [] },
      // The line item names no model; its quantity says it billed 10,000 input tokens.
      CostsResult: {
        format: 'openai-costs',
        facts: [{ kind: 'cost', provider: 'openai', date: '2024-11-01', charge: 'tokens', model: null, label: 'input_tokens', amount: '0.06', quantity: { input_tokens: 10000, output_tokens: 0, cache_read_tokens: 0 }, dims: { project_id: 'proj_abc', api_key_id: null } }],
        skipped: [],
      },
      UsageEmbeddingsResult: { format: 'openai-usage', facts: [usage('text-embedding-ada-002-v2', 2, 20, 0, 0)], skipped: [] },
      UsageImagesResult: { format: 'openai-usage', facts: [], skipped: ['organization.usage.images.result'] },
      UsageAudioSpeechesResult: { format: 'openai-usage', facts: [], skipped: ['organization.usage.audio_speeches.result'] },
      UsageAudioTranscriptionsResult: { format: 'openai-usage', facts: [], skipped: ['organization.usage.audio_transcriptions.result'] },
      UsageModerationsResult: { format: 'openai-usage', facts: [usage('text-moderation', 2, 20, 0, 0)], skipped: [] },
      UsageWebSearchCallsResult: { format: 'openai-usage', facts: [], skipped: ['organization.usage.web_searches.result'] },
      UsageFileSearchCallsResult: { format: 'openai-usage', facts: [], skipped: ['organization.usage.file_searches.result'] },
      UsageVectorStoresResult: { format: 'openai-usage', facts: [], skipped: ['organization.usage.vector_stores.result'] },
      UsageCodeInterpreterSessionsResult: { format: 'openai-usage', facts: [], skipped: ['organization.usage.code_interpreter_sessions.result'] },
    });
  });
});

describe('console CSV exports (observed headers and rows)', () => {
  it('OpenAI cost export: dollars with 16 decimals exact; an empty day still covered', () => {
    const page = read('openai-cost-export.csv');
    expect(page.format).toBe('openai-cost-csv');
    expect(plain(page.facts)).toEqual([{ kind: 'cost', provider: 'openai', date: '2025-10-05', charge: 'tokens', model: null, label: 'all charges (not grouped by line item)', amount: '0.895874', quantity: null, dims: { project_id: null } }]);
    expect(page.spans.map((s) => [new Date(s.start).toISOString(), s.kind])).toEqual([
      ['2025-10-05T00:00:00.000Z', 'cost'],
      ['2025-10-06T00:00:00.000Z', 'cost'],
    ]);
  });

  it('OpenAI activity export: counts printed as floats', () => {
    const page = read('openai-activity-export.csv');
    expect(page.format).toBe('openai-activity-csv');
    expect(plain(page.facts)).toEqual([
      { kind: 'usage', provider: 'openai', date: '2025-10-05', model: 'gpt-4o-2024-08-06', requests: 10, input_tokens: 59200, output_tokens: 10646, cache_read_tokens: 5760, dims: { project_id: 'proj_4BhNtYH0z7dWbBtzhibxa65W', api_key_id: 'key_OYRZfEkH5R9CNgtY', user_id: 'user-dAU7Ud7OljwJvKfi4wQzWHyV' } },
    ]);
  });

  it('Claude Console usage export: the four input parts summed; key and workspace by name', () => {
    const page = read('claude-usage-export.csv');
    expect(page.format).toBe('anthropic-usage-csv');
    expect(plain(page.facts)).toEqual([{ kind: 'usage', provider: 'anthropic', date: '2026-03-22', model: 'claude-sonnet-4-20250514', requests: null, input_tokens: 100000, output_tokens: 5000, cache_read_tokens: 0, dims: { api_key: 'test-key', workspace: 'Default' } }]);
  });

  it('Claude Console cost export: cost_usd is dollars (not cents), the model a display name', () => {
    const page = read('claude-cost-export.csv');
    expect(page.format).toBe('anthropic-cost-csv');
    expect(plain(page.facts)).toEqual([
      { kind: 'cost', provider: 'anthropic', date: '2026-08-05', charge: 'tokens', model: 'Claude Sonnet 4.5', label: 'Claude Sonnet 4.5, input_cache_read', amount: '0.1', quantity: null, dims: { workspace: 'Default', api_key: 'demo-key', api_key_id: 'apikey_01AAA' } },
    ]);
  });

  it('the observed-headers notes themselves are not a report', () => {
    expect(() => read('csv-export-headers.txt')).toThrow(/not .*a CSV export with a known header row|expected an OpenAI/);
  });
});

describe('reading exactly', () => {
  it('keeps JSON numbers as written: more digits than a double holds, exponents, counts printed as floats', () => {
    const doc = parseExactJson('{"a": 0.12345678901234567891, "b": 1e-7, "c": 59200.0, "d": -0.5, "e": [1, 2.50]}') as Record<string, ExactJson>;
    expect(moneyToString(exactDecimal(doc.a)!)).toBe('0.12345678901234567891');
    expect(moneyToString(exactDecimal(doc.b)!)).toBe('0.0000001');
    expect(exactCount(doc.c)).toBe(59200);
    expect(exactCount(doc.d)).toBeNull();
    expect(moneyToString(exactDecimal((doc.e as ExactJson[])[1])!)).toBe('2.5');
  });

  it('parses what JSON.parse parses, the same way, and refuses what it refuses (property)', () => {
    const plainJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_, x) => (x instanceof ExactNumber ? Number(x.text) : x)));
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(plainJson(parseExactJson(text))).toEqual(JSON.parse(text));
      }),
    );
    for (const bad of ['{"a":1,}', '[1 2]', '{"a":01}', '"\u0001"', '{"a":1} x', '', '{"a":.5}']) expect(() => parseExactJson(bad), bad).toThrow(/not valid JSON/);
  });

  it('reads CSV as csv-stringify writes it: commas, quotes and line breaks in cells (property)', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', ' ', '≤', 'é') });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 8 }), (rows) => {
        const kept = rows.filter((r) => !(r.length === 1 && r[0] === ''));
        expect(parseCsv(csvStringify(kept))).toEqual(kept);
      }),
    );
  });

  it('an OpenAI line item names its model before the last ", <part>"; anything else is an other charge', () => {
    expect(parseLineItem('gpt-4o-2024-08-06, input')).toEqual({ charge: 'tokens', model: 'gpt-4o-2024-08-06', part: 'input_tokens' });
    expect(parseLineItem('ft-gpt-4o-2024-08-06, output')).toEqual({ charge: 'tokens', model: 'ft-gpt-4o-2024-08-06', part: 'output_tokens' });
    expect(parseLineItem('evals | gpt-4o-mini-2024-07-18, input')).toEqual({ charge: 'tokens', model: 'gpt-4o-mini-2024-07-18', part: 'input_tokens' });
    expect(parseLineItem('gpt-4o-2024-08-06, cached input')).toEqual({ charge: 'tokens', model: 'gpt-4o-2024-08-06', part: 'cache_read_tokens' });
    expect(parseLineItem('assistants api | file search')).toEqual({ charge: 'other', model: null, part: null });
    expect(parseLineItem('web search tool calls')).toEqual({ charge: 'other', model: null, part: null });
    expect(parseLineItem(null)).toEqual({ charge: 'tokens', model: null, part: null });
  });

  it('maps aliases, dated snapshots, prefixes and display names of one model to one key', () => {
    const same = (names: string[], key: string): void => {
      for (const n of names) expect(modelKey(n), n).toBe(key);
    };
    same(['gpt-4o', 'gpt-4o-2024-08-06', 'GPT-4o', 'openai/gpt-4o-2024-05-13'], 'gpt-4o');
    same(['gpt-4o-mini', 'gpt-4o-mini-2024-07-18'], 'gpt-4o-mini');
    same(['claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', 'Claude Sonnet 4.5', 'anthropic/claude-sonnet-4-5'], 'claude-sonnet-4-5');
    same(['claude-sonnet-4-20250514', 'claude-sonnet-4-0', 'Claude Sonnet 4'], 'claude-sonnet-4');
    same(['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet-latest', 'Claude 3.5 Sonnet', 'vertex_ai/claude-3-5-sonnet@20240620'], 'claude-3-5-sonnet');
    expect(modelKey('gpt-4o-mini')).not.toBe(modelKey('gpt-4o'));
  });

  it('refuses what is not a report, saying what was expected', () => {
    expect(() => readReport('{"object":"list","data":[]}')).toThrow(/JSON that is not an OpenAI \/v1\/organization\/usage or \/costs page/);
    expect(() => readReport('{"error":{"message":"Invalid admin key","type":"invalid_request_error"}}')).toThrow(/an error response from the provider, not a report: Invalid admin key/);
    expect(() => readReport('{"data": [')).toThrow(/not valid JSON: .*reached end of input/);
    expect(() => readReport('a,b\n1,2\n')).toThrow(/a CSV export with a known header row \(first line: "a,b"\)/);
    expect(() => readReport('{"object":"page","data":[{"object":"bucket","start_time":1730419200,"end_time":1730505600,"results":[{"object":"organization.costs.result","amount":{"value":1.5,"currency":"eur"}}]}]}')).toThrow(/only US dollars/);
    expect(() => readReport('{"object":"page","data":[{"object":"bucket","start_time":1730419200,"end_time":1730505600,"results":[{"object":"organization.usage.completions.result","input_tokens":-4,"output_tokens":1,"num_model_requests":1}]}]}')).toThrow(/input_tokens is -4, not a whole number/);
    expect(() => readReport('{"object":"page","data":[{"object":"bucket","start_time":1730419200,"end_time":1730592000,"results":[]}]}')).toThrow(/longer than a day/);
  });
});
