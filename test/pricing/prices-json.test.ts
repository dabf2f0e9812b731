// Checks pricing/prices.json as built by scripts/build-prices.mjs, and against the LiteLLM
// snapshot it was built from. The snapshot (1.7 MB) is not in the repository:
// test/fixtures/pricing/litellm-digest.json holds what these tests need from it (its sha256,
// digests of the entries a build keeps, the patched rates' upstream values and a few entries
// in full), written by make-litellm-digest.mjs beside it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { loadPriceTable } from '../../src/pricing/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const table = loadPriceTable();
const digest = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'pricing', 'litellm-digest.json'), 'utf8')) as {
  snapshot: { file: string; bytes: number; sha256: string };
  kept: { entries: number; keys_sha256: string; rates: number; fields_sha256: string };
  patched: Record<string, string>;
  tools: Record<string, string>;
  selected: Record<string, Record<string, unknown>>;
};
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const BASE = '(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|input_cost_per_token_cache_hit|cache_creation_input_token_cost|cache_creation_input_token_cost_above_1hr|output_cost_per_reasoning_token|input_cost_per_audio_token|output_cost_per_audio_token|input_cost_per_image_token|output_cost_per_image_token)';
const TIERED = '(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost|cache_creation_input_token_cost_above_1hr)';
/** A per-token rate: base, long-context, and flex/priority/batch variants of either. */
const RATE = new RegExp(`^${BASE}(_(flex|priority|batches))?$|^${TIERED}_above_(128|200|256|272|512)k_tokens(_(flex|priority|batches))?$`);
/** Kept as objects or labels, not per-token rates: compared whole below. */
const STRUCTURED = new Set(['search_context_cost_per_query', 'web_search_billing_unit', 'provider_specific_entry']);
const MODES = ['chat', 'completion', 'embedding', 'responses'];
const TOKEN_MODES = ['realtime', 'image_generation'];
const OTHER = new Set(['litellm_provider', 'mode', 'max_input_tokens', 'deprecation_date', 'source']);
const PATCHED: Record<string, string> = {
  'claude-3-opus-20240229 cache_creation_input_token_cost_above_1hr': '0.00003',
  'claude-3-haiku-20240307 cache_creation_input_token_cost_above_1hr': '0.0000005',
};

describe('pricing/prices.json', () => {
  it('names its source, snapshot and license', () => {
    expect(table).toMatchObject({
      source: 'BerriAI/litellm model_prices_and_context_window.json',
      snapshot: '2026-07-24T18:23:43Z',
      license: 'MIT',
    });
    expect(Object.keys(table.entries).length).toBeGreaterThan(2000);
  });

  it('holds only price fields, every rate a plain decimal string in USD per token', () => {
    for (const [key, entry] of Object.entries(table.entries)) {
      expect([...MODES, ...TOKEN_MODES], key).toContain(entry.mode);
      expect(typeof entry.input_cost_per_token, key).toBe('string');
      for (const [field, value] of Object.entries(entry)) {
        if (OTHER.has(field) || STRUCTURED.has(field)) continue;
        expect(field, key).toMatch(RATE);
        expect(value, `${key}.${field}`).toMatch(/^(0|[1-9]\d*)(\.\d*[1-9])?$/);
      }
    }
  });

  it('carries the patched Anthropic 1h cache-write rates', () => {
    for (const [where, value] of Object.entries(PATCHED)) {
      const [key = '', field = ''] = where.split(' ');
      expect((table.entries[key] as Record<string, unknown> | undefined)?.[field]).toBe(value);
    }
  });

  it('is compact (no indentation)', () => {
    const text = readFileSync(join(root, 'pricing', 'prices.json'), 'utf8');
    expect(text.split('\n').length).toBe(2);
  });

  it('ships the provenance, the license and a README naming the snapshot and the refresh command', () => {
    expect(existsSync(join(root, 'pricing', 'SOURCE.md'))).toBe(true);
    expect(readFileSync(join(root, 'pricing', 'LITELLM-LICENSE'), 'utf8')).toMatch(/MIT License/i);
    const readme = readFileSync(join(root, 'pricing', 'README.md'), 'utf8');
    expect(readme).toContain('2026-07-24T18:23:43Z');
    expect(readme).toContain('node scripts/build-prices.mjs');
    expect(readme).toContain('claude-3-opus-20240229');
  });

  describe('against the LiteLLM snapshot', () => {
    it('is the snapshot pricing/SOURCE.md names', () => {
      const files = readFileSync(join(root, 'pricing', 'SOURCE.md'), 'utf8');
      expect(files).toContain(`\`${digest.snapshot.file}\`: ${digest.snapshot.bytes.toLocaleString('en-US')} bytes, sha256 ${digest.snapshot.sha256}.`);
      expect(Object.keys(digest.patched).sort()).toEqual(Object.keys(PATCHED).sort());
    });

    it('keeps every chat/completion/embedding/responses entry with a per-token input rate, and token-priced realtime and image entries', () => {
      // The snapshot's entries of those modes with a numeric input rate (and an output rate,
      // embeddings aside), in its order: their count and their keys' digest.
      const keys = Object.keys(table.entries);
      expect(keys.length).toBe(digest.kept.entries);
      for (const key of Object.keys(digest.selected)) expect(keys, key).toContain(key);
      expect(sha256(keys.join('\n'))).toBe(digest.kept.keys_sha256);
    });

    it('writes each rate as the exact decimal of the source number', () => {
      // Field by field for the entries kept in full...
      for (const [key, from] of Object.entries(digest.selected)) {
        const entry = table.entries[key];
        expect(entry, key).toBeDefined();
        for (const [field, value] of Object.entries(entry ?? {})) {
          if (STRUCTURED.has(field)) continue; // in the digest below
          if (OTHER.has(field)) expect(value, `${key}.${field}`).toEqual(from[field]);
          else expect(value, `${key}.${field}`).toBe(PATCHED[`${key} ${field}`] ?? new Big(String(from[field])).toString());
        }
        for (const field of Object.keys(from)) if (!STRUCTURED.has(field)) expect(entry, key).toHaveProperty(field);
      }
      // ...and every field of every entry through the digest of the snapshot's kept fields:
      // `key<TAB>field<TAB>value` lines, fields in name order, a rate as its exact decimal
      // (the upstream value where a rate is patched), any other field as JSON.
      let lines = '';
      let rates = 0;
      for (const [key, entry] of Object.entries(table.entries)) {
        for (const [field, value] of Object.entries(entry).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          if (OTHER.has(field) || STRUCTURED.has(field)) {
            lines += `${key}\t${field}\t${JSON.stringify(value)}\n`;
            continue;
          }
          rates++;
          lines += `${key}\t${field}\t${digest.patched[`${key} ${field}`] ?? String(value)}\n`;
        }
      }
      expect(rates).toBe(digest.kept.rates);
      expect(rates).toBeGreaterThan(5000);
      expect(sha256(lines)).toBe(digest.kept.fields_sha256);
    });

    it('keeps the tool prices: container sessions and per-image prices of gpt-image models', () => {
      expect(table.tools?.['openai/container']?.code_interpreter_cost_per_session).toBe('0.03');
      expect(table.tools?.['low/1024-x-1024/gpt-image-1']?.cost_per_image).toBe('0.011');
      const prices = Object.fromEntries(Object.entries(table.tools ?? {}).map(([key, tool]) => [key, tool.code_interpreter_cost_per_session ?? tool.cost_per_image]));
      expect(prices).toEqual(digest.tools);
    });
  });
});
