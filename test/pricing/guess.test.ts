/**
 * "Did you mean" and a model name typed where the provider goes, over the shipped price
 * table (src/pricing/did-you-mean.ts, src/pricing/provider-of.ts).
 */
import { describe, expect, it } from 'vitest';
import { closestNames, editDistance, guessProvider, loadPriceTable, resolveModel, similarModels } from '../../src/pricing/index.js';

const table = loadPriceTable();

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and swaps of neighbours as one edit each', () => {
    expect(editDistance('gpt4o', 'gpt-4o')).toBe(1);
    expect(editDistance('gpt-4o', 'gpt4o')).toBe(1);
    expect(editDistance('gtp-4o', 'gpt-4o')).toBe(1);
    expect(editDistance('gpt-4o', 'gpt-4o')).toBe(0);
    expect(editDistance('claude', 'gemini')).toBe(6);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('stops past the limit', () => {
    expect(editDistance('claude-opus-4-1', 'gpt-4o', 2)).toBe(3);
  });
});

describe('closestNames', () => {
  it('keeps only the nearest, within a distance that grows with the name', () => {
    expect(closestNames('gpt4o', ['gpt-4o', 'gpt-4', 'gpt-4o-mini'])).toEqual(['gpt-4o']);
    // 5 characters: 1 edit at most ("gpt-5" is 2 from "gpt4o")
    expect(closestNames('gpt4o', ['gpt-5'])).toEqual([]);
    expect(closestNames('GPT4O', ['gpt-4o'])).toEqual(['gpt-4o']);
  });
});

describe('similarModels (shipped table)', () => {
  it('suggests the provider’s model a misspelling is closest to', () => {
    expect(similarModels(table, 'openai', 'gpt4o')).toEqual(['gpt-4o']);
    expect(similarModels(table, 'openai', 'gpt-4o-mni')).toEqual(['gpt-4o-mini']);
    expect(similarModels(table, 'anthropic', 'claude-sonet-4-5')).toEqual(['claude-sonnet-4-5']);
    expect(similarModels(table, 'gemini', 'gemini-2.5-flsh')).toEqual(['gemini-2.5-flash']);
    expect(similarModels(table, 'openai', 'openai/gpt4o')).toEqual(['gpt-4o']);
  });

  it('suggests nothing for a name close to nothing, or a local runtime', () => {
    expect(similarModels(table, 'acme', 'house-model-7')).toEqual([]);
    expect(similarModels(table, 'ollama', 'llama3')).toEqual([]);
  });

  it('only suggests names the table prices (each resolves for that provider)', () => {
    for (const [provider, model] of [['openai', 'gpt4o'], ['anthropic', 'claude-sonet-4-5'], ['gemini', 'gemini-2.5-flsh']] as const) {
      for (const name of similarModels(table, provider, model)) expect(resolveModel(table, { provider, model: name }), name).not.toBeNull();
    }
  });
});

describe('guessProvider (shipped table)', () => {
  it('names the provider of a model typed where the provider goes', () => {
    expect(guessProvider(table, 'gpt-4o')).toEqual({ kind: 'model', provider: 'openai', model: 'gpt-4o' });
    expect(guessProvider(table, 'GPT-4o-2024-08-06')).toEqual({ kind: 'model', provider: 'openai', model: 'GPT-4o-2024-08-06' });
    expect(guessProvider(table, 'claude-sonnet-4-5-20250929')).toEqual({ kind: 'model', provider: 'anthropic', model: 'claude-sonnet-4-5-20250929' });
    expect(guessProvider(table, 'o3-mini')).toEqual({ kind: 'model', provider: 'openai', model: 'o3-mini' });
    expect(guessProvider(table, 'grok-3')).toEqual({ kind: 'model', provider: 'xai', model: 'grok-3' });
    expect(guessProvider(table, 'deepseek-chat')).toEqual({ kind: 'model', provider: 'deepseek', model: 'deepseek-chat' });
    expect(guessProvider(table, 'anthropic.claude-3-5-sonnet-20240620-v1:0')).toEqual({ kind: 'model', provider: 'bedrock', model: 'anthropic.claude-3-5-sonnet-20240620-v1:0' });
    expect(guessProvider(table, 'openai/gpt-4o')).toEqual({ kind: 'model', provider: 'openai', model: 'openai/gpt-4o' });
  });

  it('calls a model two makers’ APIs sell ambiguous', () => {
    expect(guessProvider(table, 'gemini-2.5-flash')).toEqual({ kind: 'ambiguous', model: 'gemini-2.5-flash', providers: ['gemini', 'vertex_ai'] });
  });

  it('leaves provider names alone, the table’s, aliases and the caller’s own', () => {
    for (const word of ['openai', 'OpenAI', 'anthropic', 'google', 'vertex_ai', 'openrouter', 'deepinfra']) expect(guessProvider(table, word), word).toEqual({ kind: 'provider' });
    expect(guessProvider(table, 'acme', ['acme'])).toEqual({ kind: 'provider' });
  });

  it('suggests the nearest model or provider for a misspelling, nothing for a name of one’s own', () => {
    expect(guessProvider(table, 'gpt4o')).toEqual({ kind: 'unknown', suggestions: ['gpt-4o'] });
    expect(guessProvider(table, 'opneai')).toEqual({ kind: 'unknown', suggestions: ['openai'] });
    expect(guessProvider(table, 'acme')).toEqual({ kind: 'unknown', suggestions: [] });
  });
});
