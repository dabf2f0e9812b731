/**
 * PROVIDER and MODEL as people type them to `tokj init` and `tokj record`. A model name in
 * the provider's place (`tokj record 1000 100 gpt-4o`) is understood: the provider comes from
 * the price table (pricing/provider-of.ts) or a Custom Prices row. A name several providers
 * sell, or one that is close to a known name but is neither, is refused with the form to
 * type, before anything is written. A word that is nothing tokj knows and close to nothing
 * stays a provider label of the person's own, as before.
 */
import { usageError } from '../core/errors.js';
import { guessProvider, isProviderName, loadPriceTable, type UserPrice } from '../pricing/index.js';

export interface ProviderModel {
  provider?: string | undefined;
  model?: string | undefined;
}

export interface PlaceOptions {
  /** Provider names known besides the table's: the session's. */
  providers?: Iterable<string | null>;
  /** The journal's Custom Prices: their providers are names, their models are models. */
  userPrices?: readonly UserPrice[];
  /** The command line to show: `tokj record 1000 100 ${provider} ${model}`. */
  example: (provider: string, model: string) => string;
}

/** Does placing these need the price table (or a look at Custom Prices)? Cheap: no I/O. */
export function mayBeModelName(given: ProviderModel, providers: Iterable<string | null> = []): boolean {
  return given.provider !== undefined && given.model === undefined && !isProviderName(null, given.provider, known(providers));
}

const known = (providers: Iterable<string | null>): string[] => [...providers].filter((p): p is string => typeof p === 'string' && p !== '');

export function placeModelName(given: ProviderModel, options: PlaceOptions): ProviderModel {
  const word = given.provider;
  const providers = known(options.providers ?? []);
  if (word === undefined || !mayBeModelName(given, providers)) return given;
  const userPrices = options.userPrices ?? [];
  const also = [...providers, ...userPrices.map((p) => p.provider)];
  const custom = [...new Set(userPrices.filter((p) => p.model.toLowerCase() === word.trim().toLowerCase()).map((p) => p.provider))];
  if (custom.length === 1) return { provider: custom[0], model: word };
  const guess = custom.length > 1 ? ({ kind: 'ambiguous', model: word, providers: custom.sort() } as const) : guessProvider(loadPriceTable(), word, also);
  switch (guess.kind) {
    case 'provider':
      return given;
    case 'model':
      return { provider: guess.provider, model: guess.model };
    case 'ambiguous':
      throw usageError(
        `${word} is a model more than one provider sells (${guess.providers.join(', ')}): name the provider before it, e.g. ${options.example(guess.providers[0]!, word)}`,
        'ambiguous_model',
      );
    case 'unknown': {
      if (guess.suggestions.length === 0) return given;
      const fixes = guess.suggestions.map((s) => (isProviderName(null, s) ? s : `the model ${s}`));
      const first = guess.suggestions[0]!;
      const fixed = isProviderName(null, first) ? null : guessProvider(loadPriceTable(), first);
      const example = fixed?.kind === 'model' ? ` (${options.example(fixed.provider, fixed.model)})` : '';
      throw usageError(
        `${word} is neither a provider nor a model in the price table; did you mean ${fixes.join(' or ')}?${example} The form is ${options.example('PROVIDER', 'MODEL')}.`,
        'unknown_model',
      );
    }
  }
}
