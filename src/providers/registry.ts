/**
 * The provider modules, in detection order. Order matters where shapes overlap: the
 * specific shapes (Responses events, Anthropic's typed events, Gemini's camelCase,
 * Bedrock's single-key events, Cohere's billed_units, Ollama's done flag) are tried before
 * the Chat Completions shape that many vendors copy. Adding a provider is a new module
 * file and a line here.
 */
import { anthropic } from './anthropic.js';
import { batchResults } from './batch-results.js';
import { bedrock } from './bedrock.js';
import { cohere } from './cohere.js';
import { gemini } from './gemini.js';
import { ollama } from './ollama.js';
import { openaiChat } from './openai-chat.js';
import { openaiEmbeddings } from './openai-embeddings.js';
import { openaiImages } from './openai-images.js';
import { openaiResponses } from './openai-responses.js';
import type { ProviderModule } from './types.js';

export const PROVIDER_MODULES: readonly ProviderModule[] = [
  // A batch line wraps another module's body: it is told apart by its envelope first.
  batchResults,
  openaiResponses,
  anthropic,
  gemini,
  bedrock,
  cohere,
  ollama,
  openaiEmbeddings,
  openaiImages,
  openaiChat,
];

/** The module that recognizes this payload, if any. */
export function findModule(payload: unknown): ProviderModule | undefined {
  return PROVIDER_MODULES.find((module) => module.detect(payload));
}
