// Checks pricing/prices.json as built by scripts/build-prices.mjs. When the LiteLLM snapshot
// it was built from is present (../shared/pricing), every shipped rate is compared with it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { loadPriceTable } from '../../src/pricing/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const table = loadPriceTable();
const snapshotFile = join(root, '..', 'shared', 'pricing', 'litellm-model-prices.json');

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

  describe.skipIf(!existsSync(snapshotFile))('against the LiteLLM snapshot', () => {
    const source = existsSync(snapshotFile) ? (JSON.parse(readFileSync(snapshotFile, 'utf8')) as Record<string, Record<string, unknown>>) : {};

    it('keeps every chat/completion/embedding/responses entry with a per-token input rate, and token-priced realtime and image entries', () => {
      const wanted = Object.entries(source)
        .filter(([k]) => k !== 'sample_spec')
        .filter(([, e]) =>
          MODES.includes(e.mode as string)
            ? typeof e.input_cost_per_token === 'number' && (typeof e.output_cost_per_token === 'number' || e.mode === 'embedding')
            : TOKEN_MODES.includes(e.mode as string) &&
              typeof e.input_cost_per_token === 'number' &&
              (typeof e.output_cost_per_token === 'number' || typeof e.output_cost_per_image_token === 'number'),
        )
        .map(([k]) => k);
      expect(Object.keys(table.entries)).toEqual(wanted);
    });

    it('writes each rate as the exact decimal of the source number', () => {
      let compared = 0;
      for (const [key, entry] of Object.entries(table.entries)) {
        const from = source[key] ?? {};
        for (const [field, value] of Object.entries(entry)) {
          if (OTHER.has(field) || field === 'web_search_billing_unit') {
            expect(value, `${key}.${field}`).toEqual(from[field]);
            continue;
          }
          if (STRUCTURED.has(field)) {
            for (const [k, v] of Object.entries(value as Record<string, string>)) {
              expect(v, `${key}.${field}.${k}`).toBe(new Big(String((from[field] as Record<string, number>)[k])).toString());
            }
            continue;
          }
          const expected = PATCHED[`${key} ${field}`] ?? new Big(String(from[field])).toString();
          expect(value, `${key}.${field}`).toBe(expected);
          compared++;
        }
        for (const field of Object.keys(from)) if (RATE.test(field) && from[field] !== null) expect(entry, key).toHaveProperty(field);
      }
      expect(compared).toBeGreaterThan(5000);
    });

    it('keeps the tool prices: container sessions and per-image prices of gpt-image models', () => {
      expect(table.tools?.['openai/container']?.code_interpreter_cost_per_session).toBe('0.03');
      expect(table.tools?.['low/1024-x-1024/gpt-image-1']?.cost_per_image).toBe('0.011');
      for (const [key, tool] of Object.entries(table.tools ?? {})) {
        const from = source[key] ?? {};
        const price = tool.code_interpreter_cost_per_session ?? tool.cost_per_image;
        expect(price, key).toBe(new Big(String(from.code_interpreter_cost_per_session ?? from.input_cost_per_image)).toString());
      }
    });
  });
});
